package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
)

// Env is what the screens drive: the box, the USB stick and the update server.
type Env struct {
	Box    *device.Box
	USBDir string // where the USB drive is mounted; "" means no drive plugged in
	// DownloadsDir is the trainee's PC's Downloads folder, from which the
	// stick screen copies files; "" means none.
	DownloadsDir string
	ServerURL    string // base URL of the update server; "" means none
	Notes        []string
	// HTTP are the options of every download the screens start (Using
	// HTTP, Update from URL, Autoupdate), e.g. a transport that reaches
	// only some hosts; nil: the defaults.
	HTTP []device.HTTPOption
}

// Timing sets the clocks of the simulation. Tests shorten them; zero fields
// take the defaults of DefaultTiming.
type Timing struct {
	MenuWindow time.Duration // how long MENU is listened for at power-on
	BootStep   time.Duration // how long each boot stage stays on screen
	Message    time.Duration // how long "OK. Reboot..." and similar stay up
	Reboot     time.Duration // from "Update finished OK" to the reboot; negative: wait for OK
}

// DefaultTiming is the timing of the interactive program.
func DefaultTiming() Timing {
	return Timing{MenuWindow: 3 * time.Second, BootStep: 700 * time.Millisecond, Message: 1200 * time.Millisecond, Reboot: 5 * time.Second}
}

func (t Timing) withDefaults() Timing {
	d := DefaultTiming()
	if t.MenuWindow == 0 {
		t.MenuWindow = d.MenuWindow
	}
	if t.BootStep == 0 {
		t.BootStep = d.BootStep
	}
	if t.Message == 0 {
		t.Message = d.Message
	}
	if t.Reboot == 0 {
		t.Reboot = d.Reboot
	}
	return t
}

// Options configure the program.
type Options struct {
	// Start prepares the environment (box, USB stick, update server). It runs
	// as a tea.Cmd behind a spinner so the first frame comes at once; it may
	// do I/O, the screens never do.
	Start func(ctx context.Context) (Env, error)
	// Training, when not nil, follows a training scenario (--scenario).
	Training Training
	// Renderer renders every style; nil means lipgloss' default renderer.
	Renderer *lipgloss.Renderer
	// Timing of boot, messages and reboots.
	Timing Timing
	// Clock gives the time for transfer speeds; nil means time.Now.
	Clock func() time.Time
	// Static turns animations off (spinner ticks, countdowns), for goldens.
	Static bool
	// HideSpeed leaves transfer speeds out (they depend on the machine).
	HideSpeed bool
	// Pace is how fast updates write the flash: device.PaceReal (the time
	// the box takes), device.PaceFast, or device.PaceInstant ("" too).
	Pace string
}
