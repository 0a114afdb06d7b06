package demokit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

func TestDemoStick(t *testing.T) {
	for _, name := range []string{"MAG254", "MAG322"} {
		m, _ := device.LookupModel(name)
		dir := t.TempDir()
		if err := demokit.WriteStick(dir, m); err != nil {
			t.Fatal(err)
		}
		list, err := device.ListStick(dir, m)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(device.DemoImages(m))+1 || list[0].Name != "imageupdate" || list[1].Name != "factory" {
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
	if _, err := device.ListStick(filepath.Join(t.TempDir(), "none"), device.Model{Base: "MAG254"}); device.StatusOf(err) != device.StatusUSBNotFound {
		t.Errorf("missing stick: %v", err)
	}
}
