package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// A journey plays a shipped scenario on the screens by keystrokes, as a
// trainee would, with the same wiring as --scenario: the box, stick and
// server of the scenario, and its session told every step. The screens
// decide: a step the screens cannot perform fails the journey.

// jstep is one move: keys pressed, then text typed ($URL is the scenario's
// update server), then a wait until the screen shows every one of wait.
type jstep struct {
	keys []string
	text string
	wait []string
}

// journey is a scenario played to its end; met is whether the goal must be
// met at the end (false: a shortcut the lesson is about).
type journey struct {
	name     string
	scenario string
	steps    []jstep
	met      bool
}

var journeyKeys = map[string]tea.KeyType{
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "ctrl+u": tea.KeyCtrlU,
}

// down is n presses of Down.
func down(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = "down"
	}
	return ks
}

func keys(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// playJourney runs j at 80x24 and returns the session and the scenario
// panel once the program ended.
func playJourney(t *testing.T, j journey) (*scenario.Session, *tui.ScenarioPanel) {
	t.Helper()
	sc, err := scenario.Load(j.scenario)
	if err != nil {
		t.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	ss := &scenarioScreens{sc: sc, dir: t.TempDir()}
	t.Cleanup(func() {
		if run := ss.ready.Load(); run != nil {
			run.World.Close()
		}
	})
	model := tui.New(tui.Options{
		Start:    ss.start,
		Training: ss,
		Renderer: r,
		// MENU is listened for until m (menu), s (service button) or enter (boot)
		Timing:    tui.Timing{MenuWindow: time.Hour, BootStep: time.Nanosecond, Message: time.Nanosecond, Reboot: -1},
		Static:    true,
		HideSpeed: true,
		Pace:      "instant",
	})
	tm := teatest.NewTestModel(t, model, teatest.WithInitialTermSize(80, 24))
	var seen []byte // everything drawn so far
	wait := func(texts []string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen = append(seen, b...)
			for _, x := range texts {
				if !bytes.Contains(b, []byte(x)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	}
	for i, st := range j.steps {
		for _, k := range st.keys {
			if kt, ok := journeyKeys[k]; ok {
				tm.Send(tea.KeyMsg{Type: kt})
			} else {
				tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
			}
		}
		if st.text != "" {
			run := ss.ready.Load()
			if run == nil {
				t.Fatalf("step %d types before the scenario is set up", i+1)
			}
			tm.Type(strings.ReplaceAll(st.text, "$URL", run.World.ServerURL))
		}
		if len(st.wait) > 0 {
			wait(st.wait)
		}
	}
	// the banner may have come in the frame that the last wait read
	if j.met && !bytes.Contains(seen, []byte("Goal met in")) {
		wait([]string{"Goal met in"})
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(15*time.Second))
	model.Shutdown()
	run := ss.ready.Load()
	if run == nil {
		t.Fatal("the scenario was never set up")
	}
	return run.Session, model.ScenarioPanel()
}

// Paths through the menus, at 80x24.
var (
	bootloaderUSB = []jstep{ // MENU at power-on, Upgrade Tools → USB Bootstrap, OK
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
		{keys: keys(down(7), []string{"right"}), wait: []string{"Reset Op.KEY"}},
		{keys: []string{"enter"}, wait: []string{"OK installs"}},
		{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
	}
	sruUpdate = []jstep{ // MENU at power-on, Upgrade Tools → Update software
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"m"}, wait: []string{"Boot from backup bank"}},
		{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
		{keys: []string{"enter"}, wait: []string{"Using HTTP"}},
	}
	usingUSB = []jstep{ // from Update software: Using USB, OK
		{keys: []string{"enter"}, wait: []string{"OK installs"}},
		{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
	}
	usingHTTP = []jstep{ // from Update software: Using HTTP with the server's image, OK
		{keys: []string{"down", "enter"}, wait: []string{"URL:"}},
		{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
	}
	portalSoftwareUpdate = []jstep{ // boot, Settings → Software update
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"enter"}, wait: []string{"Home"}},
		{keys: []string{"enter"}, wait: []string{"Software update"}},
		{keys: []string{"enter"}, wait: []string{"Update to beta versions"}},
	}
	portalURL = []jstep{ // boot, Settings → Software update → Update from URL
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"enter"}, wait: []string{"Home"}},
		{keys: []string{"enter"}, wait: []string{"Software update"}},
		{keys: []string{"enter"}, wait: []string{"Update from URL"}},
		{keys: []string{"down", "enter"}, wait: []string{"URL:"}},
	}
)

func path(parts ...[]jstep) []jstep {
	var out []jstep
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// saveBootloader is Exit & Save from the Bootloader's main page, cursor on row.
func saveBootloader(row int) []jstep {
	return []jstep{
		{keys: keys(down(9-row), []string{"enter"}), wait: []string{"Please confirm save change"}},
		{keys: []string{"enter"}, wait: []string{"Press m (MENU)"}},
	}
}

// forcedToggle opens Image Info from the Bootloader's main page (cursor on
// the first row), turns Forced to its other value and goes back (cursor on
// Image Info).
var forcedToggle = []jstep{
	{keys: keys(down(6), []string{"right"}), wait: []string{"Forced"}},
	{keys: keys(down(3), []string{"right", "left"}), wait: []string{"Exit & Discard"}},
}

func shippedJourneys() []journey {
	return []journey{
		{name: "solved", scenario: "custom-key-lock", met: true, steps: bootloaderUSB},
		{name: "solved", scenario: "no-valid-bank", met: true, steps: bootloaderUSB},
		{name: "solved", scenario: "dhcp-boot", met: true, steps: path([]jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"enter"}, wait: []string{"DHCP Error"}},
			{keys: []string{"p"}, wait: []string{"The box has no power."}},
			{keys: []string{"p"}, wait: []string{"Press m (MENU)"}},
			{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
			{keys: keys(down(3), []string{"right"})}, // Boot Mode: DHCP → NAND
		}, saveBootloader(3))},
		{name: "solved", scenario: "version-forced", met: true, steps: path(
			[]jstep{
				{wait: []string{"Press m (MENU)"}},
				{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
			},
			forcedToggle, saveBootloader(6), // Forced = Yes, saved
			bootloaderUSB[1:],
			[]jstep{
				{keys: []string{"enter"}, wait: []string{"Press m (MENU)"}}, // reboot
				{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
			},
			forcedToggle, saveBootloader(6), // Forced = No, saved
		)},
		{name: "shortcut: Forced never saved", scenario: "version-forced", steps: path(
			[]jstep{
				{wait: []string{"Press m (MENU)"}},
				{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
			},
			forcedToggle,
			[]jstep{
				{keys: []string{"down", "right"}, wait: []string{"Reset Op.KEY"}},
				{keys: []string{"enter"}, wait: []string{"OK installs"}},
				{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
			},
		)},
		{name: "solved", scenario: "emergency-startup", met: true, steps: path([]jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"s"}, wait: []string{"Emergency startup"}},
			{keys: keys(down(2), []string{"enter"}), wait: []string{"Emergency startup from USB"}},
			{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
			{keys: []string{"enter"}, wait: []string{"Using HTTP"}},
		}, usingUSB)},
		{name: "shortcut: MENU instead of Emergency startup", scenario: "emergency-startup", steps: path(sruUpdate, usingUSB)},
		{name: "solved", scenario: "backup-bank", met: true, steps: []jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"m"}, wait: []string{"Boot from backup bank"}},
			{keys: keys(down(3), []string{"enter"}), wait: []string{"Start the image in bank 0"}},
			{keys: []string{"enter"}, wait: []string{"Press m (MENU)"}},
			{keys: []string{"enter"}, wait: []string{"Home"}},
		}},
		{name: "solved", scenario: "power-cut", met: true, steps: path(sruUpdate, usingUSB)},
		{name: "solved", scenario: "corrupted-download", met: true, steps: path(sruUpdate, []jstep{
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"22 Invalid file header"}},
			{keys: []string{"enter", "esc"}, wait: []string{"Using HTTP"}},
		}, usingHTTP)},
		{name: "shortcut: the cut file on the stick", scenario: "corrupted-download", steps: path(sruUpdate, []jstep{
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"22 Invalid file header"}},
		})},
		{name: "solved", scenario: "sha1-on-mag322", met: true, steps: path(sruUpdate, usingHTTP)},
		{name: "shortcut: the SHA-1 image on the stick", scenario: "sha1-on-mag322", steps: path(sruUpdate, []jstep{
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"17 Wrong signature"}},
		})},
		{name: "solved", scenario: "factory-portal", met: true, steps: path(sruUpdate, usingHTTP)},
		{name: "shortcut: the portal's Update from URL", scenario: "factory-portal", steps: path(portalURL, []jstep{
			{keys: []string{"enter"}, wait: []string{"17 Wrong signature"}},
		})},
		{name: "solved", scenario: "operator-key-install", met: true, steps: path([]jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"m"}, wait: []string{"Boot from backup bank"}},
			{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
			{keys: keys(down(2), []string{"enter"}), wait: []string{"keys/operator_two.key"}},
			{keys: []string{"enter"}, wait: []string{"Install the operator key"}},
			{keys: []string{"y"}, wait: []string{"installed: the box now accepts"}},
			{keys: []string{"enter", "esc"}, wait: []string{"Using multicast"}},
			{keys: []string{"up", "up", "enter"}, wait: []string{"Using HTTP"}},
		}, usingUSB)},
		{name: "shortcut: the image before the key", scenario: "operator-key-install", steps: path(sruUpdate, []jstep{
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"17 Wrong signature"}},
		})},
		{name: "solved", scenario: "operator-lock", met: true, steps: path(portalURL, []jstep{
			{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
		})},
		{name: "shortcut: Reset Op.KEY", scenario: "operator-lock", steps: []jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
			{keys: keys(down(7), []string{"right"}), wait: []string{"Reset Op.KEY"}},
			{keys: keys(down(2), []string{"enter"}), wait: []string{"cannot be removed"}},
		}},
		{name: "solved", scenario: "wrong-model", met: true, steps: path(portalURL, []jstep{
			{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
		})},
		{name: "shortcut: the stick's image", scenario: "wrong-model", steps: path(bootloaderUSB[:4], []jstep{
			{keys: []string{"enter"}, wait: []string{"Wrong image"}},
		})},
		{name: "solved", scenario: "custom-same-key", met: true, steps: path(portalURL, []jstep{
			{keys: []string{"ctrl+u"}, text: "$URL/mag524/alphatv-223"},
			{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
		})},
		{name: "shortcut: the other operator's image", scenario: "custom-same-key", steps: path(portalURL, []jstep{
			{keys: []string{"ctrl+u"}, text: "$URL/mag524/betanet-223"},
			{keys: []string{"enter"}, wait: []string{"17 Wrong signature"}},
		})},
		{name: "solved", scenario: "autoupdate-beta", met: true, steps: path(portalSoftwareUpdate, []jstep{
			{keys: keys(down(4), []string{"enter"}), wait: []string{"Saved: Update to beta versions Yes"}},
			{keys: []string{"up", "up", "enter"}, wait: []string{"installed"}},
		})},
		{name: "shortcut: Check now without beta versions", scenario: "autoupdate-beta", steps: path(portalSoftwareUpdate, []jstep{
			{keys: keys(down(2), []string{"enter"}), wait: []string{"up-to-date"}},
		})},
		{name: "solved", scenario: "usb-folder-name", met: true, steps: path(sruUpdate, []jstep{
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"25 File not found", "USB:/mag349/imageupdate", "“MAG-349”"}},
			{keys: []string{"enter", "esc"}, wait: []string{"Using HTTP"}},
			{keys: []string{"f"}, wait: []string{"USB stick on the PC", "MAG-349/"}},
			{keys: []string{"r", "ctrl+u"}, text: "mag349", wait: []string{"New name of USB:/MAG-349:"}},
			{keys: []string{"enter"}, wait: []string{"Done: renamed USB:/MAG-349 to USB:/mag349."}},
			{keys: []string{"esc"}, wait: []string{"Using HTTP"}},
		}, usingUSB)},
		{name: "shortcut: the folder in upper case", scenario: "usb-folder-name", steps: path(sruUpdate, []jstep{
			{keys: []string{"f"}, wait: []string{"USB stick on the PC", "MAG-349/"}},
			{keys: []string{"r", "ctrl+u"}, text: "MAG349", wait: []string{"New name of USB:/MAG-349:"}},
			{keys: []string{"enter"}, wait: []string{"Done: renamed USB:/MAG-349 to USB:/MAG349."}},
			{keys: []string{"esc", "enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"25 File not found", "USB:/mag349/imageupdate", "“MAG349”"}},
		})},
		{name: "shortcut: the portal", scenario: "custom-key-lock", steps: []jstep{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"enter"}, wait: []string{"Home"}},
			{keys: []string{"enter"}, wait: []string{"Software update"}},
			{keys: []string{"enter"}, wait: []string{"Update from USB"}},
			{keys: []string{"enter"}, wait: []string{"OK installs"}},
			{keys: []string{"enter"}, wait: []string{"17 Wrong signature"}},
		}},
	}
}

// notOnTheScreensYet are the shipped scenarios whose solution needs a
// screen that does not exist yet.
var notOnTheScreensYet = map[string]string{}

// TestJourneys plays every shipped scenario on the screens, to "Goal met",
// and the shortcut each lesson is about, which must not meet the goal.
func TestJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("the journeys drive the screens through whole scenarios; skipped with -short")
	}
	solved := map[string]bool{}
	all := shippedJourneys()
	ran := 0
	for _, j := range all {
		t.Run(j.scenario+"/"+j.name, func(t *testing.T) {
			ran++
			sess, panel := playJourney(t, j)
			met, _ := sess.Met()
			switch {
			case j.met && !met:
				t.Fatalf("the goal is not met: %s", sess.Report().Why)
			case !j.met && met:
				t.Fatalf("the shortcut meets the goal: %s", sess.Summary())
			}
			if j.met {
				solved[j.scenario] = true
				// the screen's count and the exit line's are one count
				steps := fmt.Sprintf(" %d step", sess.MetSteps())
				if line, sum := panel.MetLine(), sess.Summary(); !strings.Contains(line, steps) || !strings.Contains(sum, steps) {
					t.Errorf("the screen says %q, the exit line %q: not one count", line, sum)
				}
			}
		})
	}
	if ran < len(all) {
		return // a -run pattern picked some journeys
	}
	for _, name := range scenario.Names() {
		if !solved[name] && notOnTheScreensYet[name] == "" {
			t.Errorf("the shipped scenario %s has no journey on the screens", name)
		}
	}
}
