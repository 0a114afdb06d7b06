package demokit_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

func TestDemoStick(t *testing.T) {
	for _, name := range []string{"MAG254", "MAG322"} {
		m, _ := device.LookupModel(name)
		dir := t.TempDir()
		if err := demokit.WriteStick(dir, m); err != nil {
			t.Fatal(err)
		}
		list, err := demokit.ListStick(dir, m)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(demoimage.Images(m.DemoModel()))+1 || list[0].Name != "imageupdate" || list[1].Name != "factory" {
			t.Fatalf("%s: %d images, first %+v", name, len(list), list[0])
		}
		for _, s := range list {
			if s.Description == "" || !strings.Contains(s.Description, m.Base[:3]) {
				t.Errorf("%s: %+v", name, s)
			}
		}
		readme, _ := os.ReadFile(filepath.Join(dir, "README.txt"))
		if !strings.Contains(string(readme), "tampered") {
			t.Error("README.txt does not list the variants")
		}
		boot := device.USBBootstrap(dir, m)
		if (m.Menu == device.MenuBootloader) != (len(boot) == 1) {
			t.Errorf("%s: Bootstrap files %v", name, boot)
		}
	}
	if _, err := demokit.ListStick(filepath.Join(t.TempDir(), "none"), device.Model{Base: "MAG254"}); device.StatusOf(err) != device.StatusUSBNotFound {
		t.Errorf("missing stick: %v", err)
	}
}

// TestListStickDoesNotWaitOnAPipe: an imageupdate that is a named pipe is
// listed at once, undescribed, instead of waiting for a writer.
func TestListStickDoesNotWaitOnAPipe(t *testing.T) {
	m, err := device.LookupModel("MAG254")
	if err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	os.MkdirAll(filepath.Join(stick, m.USBFolder()), 0o755)
	if err := syscall.Mkfifo(filepath.Join(stick, m.USBFolder(), "imageupdate"), 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	type listed struct {
		list []demokit.StickImage
		err  error
	}
	done := make(chan listed, 1)
	go func() {
		l, err := demokit.ListStick(stick, m)
		done <- listed{l, err}
	}()
	select {
	case got := <-done:
		if got.err != nil || len(got.list) != 1 || got.list[0].Description != "" {
			t.Errorf("listed %+v %v", got.list, got.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waited on a named pipe")
	}
}
