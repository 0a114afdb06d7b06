package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// screen is one page on the stack. Update changes the screen in place (the
// root keeps a stack of pointers) and says what the stack is to do next.
type screen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (tea.Cmd, nav)
	View() string
	// Title names the screen in the header ("Bootloader › Image Info").
	Title() string
	// Keys are the screen's own keys for the help line.
	Keys() []key.Binding
}

// textScreen is a screen that takes typed text: the root then lets printable
// keys through instead of treating them as MENU, power, inspector or quit.
type textScreen interface {
	TakesText() bool
}

// noter is a screen with a remark for the full help, such as "this layout is
// a reconstruction".
type noter interface {
	Note() string
}

// common is what every screen shares with the root: options, styles, keys,
// the environment, the live snapshot of the box, the power session and the
// space the screens get. What one flow needs (the Bootloader's unsaved
// values, the update being written) stays with the screen or the root that
// owns it, and a screen moves the stack by what its Update returns.
type common struct {
	opts   Options
	timing Timing
	st     Styles
	keys   KeyMap
	clock  func() time.Time

	env   Env
	plug  *usbPlug // the stick, in or out (u)
	model device.Model
	ready bool
	panel *ScenarioPanel // the training's panel, nil without one

	// snapshot of the box, refreshed by stateCmd after every device call
	state    device.State
	printenv []string

	// power session: a power cut closes it; messages of an older gen are dropped
	gen   int
	power *span

	train *inOrder // Training's calls, one at a time

	width, height int
	seq           int
}

// genMsg is a message that belongs to one power session.
type genMsg interface{ generation() int }

// nav is what a screen's Update asks of the screen stack. The root applies
// it as soon as Update returns, so the next key already goes to the new
// screen, however fast the keys come. The zero value leaves the stack as it is.
type nav struct {
	op navOp
	to screen // the screen pushed, or the one the stack is reset to
}

type navOp int

const (
	navStay   navOp = iota
	navPush         // to goes on top
	navPop          // the screen on top leaves
	navReset        // to replaces the whole stack
	navReboot       // the box restarts, without a power cut
)

func push(s screen) nav  { return nav{op: navPush, to: s} }
func pop() nav           { return nav{op: navPop} }
func reset(s screen) nav { return nav{op: navReset, to: s} }
func reboot() nav        { return nav{op: navReboot} }

// Device messages.
type (
	envReadyMsg struct {
		env Env
		err error
	}
	stateMsg struct {
		state    device.State
		printenv []string
	}
	bootReportMsg struct {
		gen    int
		report device.BootReport
	}
	// opDoneMsg reports a device call that returns only an error.
	opDoneMsg struct {
		gen      int
		op       string
		settings map[string]string // what a save saved
		err      error
		detail   string // what the status line says on success; "" for the op's usual text
	}
	tickMsg struct {
		gen int
		id  int
		tag int
	}
)

func (m bootReportMsg) generation() int { return m.gen }
func (m opDoneMsg) generation() int     { return m.gen }
func (m tickMsg) generation() int       { return m.gen }

// stateCmd reads a fresh snapshot of the box for the inspector and info pages.
func (c *common) stateCmd() tea.Cmd {
	box := c.env.Box
	if box == nil {
		return nil
	}
	return func() tea.Msg {
		return stateMsg{state: box.State(), printenv: box.Printenv()}
	}
}

// opCmd runs a device call that returns an error, then refreshes the snapshot.
func (c *common) opCmd(op string, f func(b *device.Box) error) tea.Cmd {
	return c.opCmdSaving(op, nil, f)
}

// saveCmd saves changed settings (Exit & Save).
func (c *common) saveCmd(changed map[string]string) tea.Cmd {
	return c.opCmdSaving(opSave, changed, func(b *device.Box) error { return b.SaveSettings(changed) })
}

func (c *common) opCmdSaving(op string, settings map[string]string, f func(b *device.Box) error) tea.Cmd {
	box, gen, power := c.env.Box, c.gen, c.power
	return tea.Sequence(func() tea.Msg {
		var err error
		if !power.run(func(context.Context) { err = f(box) }) {
			return nil // the power was cut first
		}
		return opDoneMsg{gen: gen, op: op, settings: settings, err: err}
	}, c.stateCmd())
}

// tick is a timer for the screen id, valid in this power session only.
func (c *common) tick(d time.Duration, id, tag int) tea.Cmd {
	gen := c.gen
	if d < 0 {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{gen: gen, id: id, tag: tag} })
}

// bootCmd powers the box on: it waits for the work of the sessions before
// to settle (a cut write must land before the box reads its banks), then boots.
func (c *common) bootCmd() tea.Cmd {
	box, gen, power := c.env.Box, c.gen, c.power
	return func() tea.Msg {
		power.waitPrev()
		return bootReportMsg{gen: gen, report: box.Boot()}
	}
}

// newID gives a screen instance its own timer id.
func (c *common) newID() int { c.seq++; return c.seq }
