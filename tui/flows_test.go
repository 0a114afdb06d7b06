package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// Flows whose end state is checked on the box as well as on screen.

func TestFlowExitAndSave(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	opts := testOptions(Env{Box: tb.box}, true)
	opts.Timing.Message = time.Hour // keep "OK. Reboot..." on screen
	s := startWith(t, opts, 80, 24)
	s.run(toBootloader(
		step{keys: []string{"right"}}, // TV System: next value
		step{down: 9, keys: []string{"enter"}, wait: []string{"Please confirm save change. Press OK"}},
		step{keys: []string{"enter"}, wait: []string{"OK. Reboot..."}},
	), "")
	if got := tb.box.State().Settings["tvsystem"]; got != "1080i-50" {
		t.Errorf("tvsystem after Exit & Save = %q, want 1080i-50", got)
	}
	s.golden()
}

func TestFlowExitAndDiscard(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.run(toBootloader(
		step{keys: []string{"right"}},
		step{down: 10, keys: []string{"enter"}, wait: []string{"Press m (MENU)"}}, // Exit & Discard: reboot
	), "")
	if got := tb.box.State().Settings["tvsystem"]; got != "720p-50" {
		t.Errorf("tvsystem after Exit & Discard = %q, want 720p-50", got)
	}
	s.golden()
}

func TestFlowResetOpKeyLocked(t *testing.T) {
	tb := newTestBox(t, "MAG254", withOperatorKey("operator_one")(t))
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.run(toBootloader(
		step{down: 7, keys: []string{"right"}, wait: []string{"Reset Op.KEY"}},
		step{down: 2, keys: []string{"enter"}, wait: []string{"cannot be removed"}},
	), "")
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
		if err := demoimage.BuildNamed(&buf, tb.keys, tb.model.DemoModel(), n); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(folder, n), buf.Bytes(), 0o644)
	}
	srv, err := updateserver.Start(dir, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL
}

// servedScreenCases are golden screens of boxes readied beyond a stick: a
// bank made invalid, an update server, Autoupdate settings (run by TestScreen).
var servedScreenCases = []screenCase{
	// BootEr20: the active bank holds nothing valid.
	{name: "BootEr20", model: "MAG254", prep: invalidActiveBank, w: 80, h: 24, steps: []step{
		{wait: []string{"Active partition not valid", "stays here"}},
	}},
	{name: "BootEr20MAG420", model: "MAG420", prep: invalidActiveBank, w: 80, h: 24, steps: []step{
		{wait: []string{"Active partition not valid", "stays here"}},
	}},
	{name: "SRUUsingHTTP", model: "MAG322", prep: serving("public", "public-next"), menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter", "enter", "down", "enter"}, wait: []string{"update_list.txt of the configured server"}},
		step{keys: []string{"down", "down"}}, // the second entry
	)},
	{name: "Autoupdate", model: "MAG254", prep: autoupdating("", "factory-next"), w: 100, h: 30, steps: toAutoupdateQuestion(
		// autoupdate_cond 1: update with confirmation
		step{keys: []string{"enter"}, wait: []string{"Press OK to reboot"}},
	)},
	// AutoupdateAsks: with autoupdate_cond 1 the portal asks before installing.
	{name: "AutoupdateAsks", model: "MAG254", prep: autoupdating("1", "factory-next"), w: 100, h: 30, steps: toAutoupdateQuestion()},
	// AutoupdateRefused80x24: on a small terminal the page scrolls, and it
	// shows its end: the outcome and its explanation.
	{name: "AutoupdateRefused80x24", model: "MAG254", prep: autoupdating("1", "public-next"), w: 80, h: 24, steps: toAutoupdateQuestion(
		step{keys: []string{"enter"}, wait: []string{"refused", "Next:"}},
	)},
}

// servedOutcomeCases are golden outcomes of updates from a server or on a
// box readied beyond a stick (run by TestOutcome).
var servedOutcomeCases = []screenCase{
	{name: "InstalledHTTP", model: "MAG322", prep: serving("public", "public-next"), menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter", "enter", "down", "enter"}, wait: []string{"update_list.txt of the configured server"}},
		step{keys: []string{"down", "down", "enter"}, wait: []string{"16 Update finished OK"}},
	)},
	{name: "PortalOlderAsks", model: "MAG254", init: runningDemo("public"), demo: "public-older", w: 100, h: 30, steps: portalUSB(
		step{wait: []string{"Install it anyway?"}},
	)},
}

// invalidActiveBank makes bank 1, which holds nothing, the active one.
func invalidActiveBank(t *testing.T, tb *testBox) string {
	t.Helper()
	if err := tb.box.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	return ""
}

// serving serves the named demo images with updateServer.
func serving(names ...string) func(*testing.T, *testBox) string {
	return func(t *testing.T, tb *testBox) string {
		t.Helper()
		return updateServer(t, tb, names...)
	}
}

// autoupdating serves the named demo images and points the box's
// Autoupdate at them, with autoupdate_cond cond ("": not set).
func autoupdating(cond string, names ...string) func(*testing.T, *testBox) string {
	return func(t *testing.T, tb *testBox) string {
		t.Helper()
		url := updateServer(t, tb, names...)
		settings := map[string]string{"autoupdateURL": url + "/mag254/update_list.txt"}
		if cond != "" {
			settings["autoupdate_cond"] = cond
		}
		if err := tb.box.SaveSettings(settings); err != nil {
			t.Fatal(err)
		}
		return url
	}
}

// toAutoupdateQuestion opens Check now in the portal and waits for its
// question, then takes more.
func toAutoupdateQuestion(more ...step) []step {
	return append([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter", "enter"}, wait: []string{"Check now"}},
		{down: 2, keys: []string{"enter"}, wait: []string{"Update now?"}},
	}, more...)
}

// autoupdateAsking opens Check now on a box whose autoupdate_cond is 1 and
// waits for the question.
func autoupdateAsking(t *testing.T) (*testBox, *session) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := autoupdating("1", "factory-next")(t, tb)
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 100, 30)
	s.run(toAutoupdateQuestion(), url)
	return tb, s
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

// TestFlowQuitWhileFlashing: q asks first while the flash is being written.
func TestFlowQuitWhileFlashing(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := stallingServer(t, tb, "factory-next")
	tb.configureServer(t, url)
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.run(toURLWriting(step{keys: []string{"q"}, wait: []string{"Quit? (y/n)"}}), url)
	s.golden()
}
