package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// Flows whose end state is checked on the box as well as on screen.

func TestFlowExitAndSave(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	opts := testOptions(Env{Box: tb.box}, true)
	opts.Timing.Message = time.Hour // keep "OK. Reboot..." on screen
	s := startWith(t, opts, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.keys("right") // TV System: next value
	s.down(9)
	s.keys("enter")
	s.waitFor("Please confirm save change. Press OK")
	s.keys("enter")
	s.waitFor("OK. Reboot...")
	if got := tb.box.State().Settings["tvsystem"]; got != "1080i-50" {
		t.Errorf("tvsystem after Exit & Save = %q, want 1080i-50", got)
	}
	s.golden()
}

func TestFlowExitAndDiscard(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.keys("right")
	s.down(10)
	s.keys("enter") // Exit & Discard: reboot
	s.waitFor("Press m (MENU)")
	if got := tb.box.State().Settings["tvsystem"]; got != "720p-50" {
		t.Errorf("tvsystem after Exit & Discard = %q, want 720p-50", got)
	}
	s.golden()
}

func TestFlowResetOpKeyLocked(t *testing.T) {
	keys, err := device.LoadDemoKeys()
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := keys.Cert("operator_one")
	f := filepath.Join(t.TempDir(), "op.key")
	os.WriteFile(f, cert, 0o644)
	tb := newTestBox(t, "MAG254", device.InitOptions{OperatorKey: f})
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right")
	s.waitFor("Reset Op.KEY")
	s.down(2)
	s.keys("enter")
	s.waitFor("cannot be removed")
	s.golden()
}

// TestScreenBootEr20: the active bank holds nothing valid.
func TestScreenBootEr20(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	if err := tb.box.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Active partition not valid", "stays here")
	s.golden()
}

func TestScreenBootEr20MAG420(t *testing.T) {
	tb := newTestBox(t, "MAG420", deviceInit())
	if err := tb.box.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Active partition not valid", "stays here")
	s.golden()
}

// updateServer serves the named demo images of tb's model on a loopback port.
func updateServer(t *testing.T, tb *testBox, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	folder := filepath.Join(dir, tb.model.USBFolder())
	os.MkdirAll(folder, 0o755)
	for _, n := range names {
		var buf bytes.Buffer
		if err := device.BuildDemoImage(&buf, tb.keys, tb.model, n); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(folder, n), buf.Bytes(), 0o644)
	}
	srv, err := device.StartUpdateServer(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL
}

func TestScreenSRUUsingHTTP(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
	url := updateServer(t, tb, "public", "public-next")
	s := start(t, Env{Box: tb.box, ServerURL: url}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	s.keys("down", "enter", "enter", "down", "enter")
	s.waitFor("update_list.txt of the configured server")
	s.keys("down", "down") // the second entry
	s.golden()
}

func TestOutcomeInstalledHTTP(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
	url := updateServer(t, tb, "public", "public-next")
	s := start(t, Env{Box: tb.box, ServerURL: url}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	s.keys("down", "enter", "enter", "down", "enter")
	s.waitFor("update_list.txt of the configured server")
	s.keys("down", "down", "enter")
	s.waitFor("16 Update finished OK")
	s.golden()
}

func TestScreenAutoupdate(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := updateServer(t, tb, "factory-next")
	if err := tb.box.SaveSettings(map[string]string{"autoupdateURL": url + "/mag254/update_list.txt"}); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 100, 30)
	s.waitFor("Home")
	s.keys("enter", "enter")
	s.waitFor("Check now")
	s.down(2)
	s.keys("enter")
	s.waitFor("Update now?") // autoupdate_cond 1: update with confirmation
	s.keys("enter")
	s.waitFor("Press OK to reboot")
	s.golden()
}

// autoupdateAsking opens Check now on a box whose autoupdate_cond is 1 and
// waits for the question.
func autoupdateAsking(t *testing.T) (*testBox, *session) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := updateServer(t, tb, "factory-next")
	if err := tb.box.SaveSettings(map[string]string{"autoupdateURL": url + "/mag254/update_list.txt", "autoupdate_cond": "1"}); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 100, 30)
	s.waitFor("Home")
	s.keys("enter", "enter")
	s.waitFor("Check now")
	s.down(2)
	s.keys("enter")
	s.waitFor("Update now?")
	return tb, s
}

// TestScreenAutoupdateAsks: with autoupdate_cond 1 the portal asks before installing.
func TestScreenAutoupdateAsks(t *testing.T) {
	_, s := autoupdateAsking(t)
	s.golden()
}

// TestFlowAutoupdateDeclined: EXIT at the question installs nothing.
func TestFlowAutoupdateDeclined(t *testing.T) {
	tb, s := autoupdateAsking(t)
	before := tb.box.State()
	s.keys("esc")
	s.waitFor("declined")
	if err := tb.box.Reload(); err != nil {
		t.Fatal(err)
	}
	after := tb.box.State()
	if after.Active != before.Active || after.Settings["Image_Version"] != before.Settings["Image_Version"] {
		t.Errorf("a declined Autoupdate changed the box: %+v", after)
	}
}

func TestOutcomePortalOlderAsks(t *testing.T) {
	probe := newTestBox(t, "MAG254", deviceInit())
	tb := newTestBox(t, "MAG254", device.InitOptions{Image: probe.demoFile(t, "public")})
	tb.demoStick(t, "public-older")
	s := portalUSB(t, tb)
	s.waitFor("Install it anyway?")
	s.golden()
}

// TestFlowQuitWhileFlashing: q asks first while the flash is being written.
func TestFlowQuitWhileFlashing(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := stallingServer(t, tb, "factory-next")
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.waitFor("Home")
	s.keys("enter", "enter", "down", "enter")
	s.waitFor("URL:")
	s.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	s.tm.Type(url + "/image")
	s.keys("enter")
	s.waitFor("Writing the inactive bank")
	s.keys("q")
	s.waitFor("Quit? (y/n)")
	s.golden()
}

// TestScreenAutoupdateRefused80x24: on a small terminal the page scrolls,
// and it shows its end: the outcome and its explanation.
func TestScreenAutoupdateRefused80x24(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := updateServer(t, tb, "public-next")
	if err := tb.box.SaveSettings(map[string]string{"autoupdateURL": url + "/mag254/update_list.txt", "autoupdate_cond": "1"}); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.waitFor("Home")
	s.keys("enter", "enter")
	s.waitFor("Check now")
	s.down(2)
	s.keys("enter")
	s.waitFor("Update now?")
	s.keys("enter")
	s.waitFor("refused", "Next:")
	s.golden()
}
