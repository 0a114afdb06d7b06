package tui

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// filesEnv is a MAG254 whose stick holds the Public image in a folder named
// MAG-254, and a Downloads folder of the PC with a second copy.
func filesEnv(t *testing.T) (Env, *testBox) {
	t.Helper()
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	if err := os.Rename(filepath.Join(tb.usb, "mag254"), filepath.Join(tb.usb, "MAG-254")); err != nil {
		t.Fatal(err)
	}
	down := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tb.usb, "MAG-254", "imageupdate"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(down, "imageupdate"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return Env{Box: tb.box, USBDir: tb.usb, DownloadsDir: down}, tb
}

// TestScreenUSBFiles: the stick as the PC shows it, stick paths only.
func TestScreenUSBFiles(t *testing.T) {
	env, tb := filesEnv(t)
	s := start(t, env, true, 80, 24)
	s.run([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"f"}, wait: []string{"USB stick on the PC", "MAG-254/", "USB:/MAG-254"}},
	}, "")
	v := s.finish()
	if strings.Contains(v, tb.usb) {
		t.Errorf("the stick screen shows the host's folder of the stick:\n%s", v)
	}
	goldenView(t, v)
}

// TestFlowUSBFiles renames, makes a folder, copies from Downloads and
// deletes on the stick screen, and checks the stick after each.
func TestFlowUSBFiles(t *testing.T) {
	env, tb := filesEnv(t)
	var (
		mu    sync.Mutex
		steps []OpStep
	)
	opts := testOptions(env, true)
	opts.Training = &fakeTraining{brief: ScenarioBrief{Title: "t"},
		record: func(st Step) {
			if o, ok := st.(OpStep); ok {
				mu.Lock()
				steps = append(steps, o)
				mu.Unlock()
			}
		}}
	s := startWith(t, opts, 140, 30)
	exists := func(p string) bool {
		_, err := os.Stat(filepath.Join(tb.usb, filepath.FromSlash(p)))
		return err == nil
	}
	s.run([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"f"}, wait: []string{"USB stick on the PC", "MAG-254/"}},
		// a name a FAT32 stick refuses: a plain sentence, nothing changes
		{keys: []string{"r", "ctrl+u"}, text: "mag:254", wait: []string{"New name of USB:/MAG-254:"}},
		{keys: []string{"enter"}, wait: []string{"a FAT32 stick"}},
		{keys: []string{"r", "ctrl+u"}, text: "../mag254", wait: []string{"New name of USB:/MAG-254:"}},
		{keys: []string{"enter"}, wait: []string{"is not a name"}},
		{keys: []string{"r", "ctrl+u"}, text: "mag254", wait: []string{"New name of USB:/MAG-254:"}},
		{keys: []string{"enter"}, wait: []string{"Done: renamed USB:/MAG-254 to USB:/mag254."}},
		{keys: []string{"n", "ctrl+u"}, text: "backup", wait: []string{"New folder:"}},
		{keys: []string{"enter"}, wait: []string{"Done: made the folder USB:/backup."}},
		{keys: []string{"c"}, wait: []string{"Downloads (the PC):"}},
		{keys: []string{"enter", "ctrl+u"}, text: "backup/imageupdate", wait: []string{"Copy Downloads/imageupdate to:"}},
		{keys: []string{"enter"}, wait: []string{"Done: copied Downloads/imageupdate to USB:/backup/imageupdate."}},
		// the cursor is on the copy: n keeps it, y deletes it
		{keys: []string{"d"}, wait: []string{"Delete the file USB:/backup/imageupdate?"}},
		{keys: []string{"n"}, wait: []string{"r rename"}},
		{keys: []string{"d"}, wait: []string{"Delete the file USB:/backup/imageupdate?"}},
		{keys: []string{"y"}, wait: []string{"Done: deleted USB:/backup/imageupdate."}},
		{keys: []string{"esc"}, wait: []string{"Press m (MENU)"}},
	}, "")
	s.finish()
	mu.Lock()
	defer mu.Unlock()
	for p, want := range map[string]bool{"MAG-254": false, "mag254/imageupdate": true, "backup": true, "backup/imageupdate": false} {
		if exists(p) != want {
			t.Errorf("USB:/%s exists: %v, want %v", p, !want, want)
		}
	}
	var ops []string
	for _, st := range steps {
		ok := "ok"
		if st.Err != nil {
			ok = "refused"
		}
		ops = append(ops, st.Op+" "+ok)
	}
	want := "rename refused, rename refused, rename ok, mkdir ok, copy ok, delete ok"
	if got := strings.Join(ops, ", "); got != want {
		t.Errorf("the training was told %q, want %q", got, want)
	}
	if len(steps) > 2 && steps[2].Detail != "renamed USB:/MAG-254 to USB:/mag254" {
		t.Errorf("the rename step reads %q", steps[2].Detail)
	}
}

// TestUSBMessageNamesStickPaths: the box's 25 names the path on the stick,
// never the host's folder that stands for it.
func TestUSBMessageNamesStickPaths(t *testing.T) {
	env, tb := filesEnv(t)
	s := start(t, env, true, 80, 24)
	s.run([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
		{keys: []string{"right"}, down: 7, wait: []string{"Reset Op.KEY"}},
		{keys: []string{"enter"}, wait: []string{"OK installs"}},
		{keys: []string{"enter"}, wait: []string{"USB:/mag254/imageupdate", "“MAG-254”"}},
	}, "")
	if v := s.finish(); strings.Contains(v, tb.usb) {
		t.Errorf("the message shows the host's folder of the stick:\n%s", v)
	}
}

// TestUSBFilesBoxGoesOn: the box boots on while the trainee is at the PC;
// the stick screen stays on top until it is closed.
func TestUSBFilesBoxGoesOn(t *testing.T) {
	env, _ := filesEnv(t)
	opts := testOptions(env, false)
	opts.Timing.MenuWindow = 300 * time.Millisecond
	s := startWith(t, opts, 80, 24)
	s.run([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"f"}, wait: []string{"USB stick on the PC"}},
		// the portal started beneath: the breadcrumb names it under the stick
		{wait: []string{"Embedded portal › USB stick"}},
		{keys: []string{"esc"}, wait: []string{"Settings"}},
	}, "")
	s.finish()
}
