package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupDownloads: a scenario's downloads are written to the PC's
// Downloads folder, beside the stick and not on it.
func TestSetupDownloads(t *testing.T) {
	src := strings.Replace(good, "goal:\n", "downloads:\n  imageupdate: public\n  notes.txt:\n    text: Copy the image to the stick.\ngoal:\n", 1)
	sc, err := Parse("good.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Downloads) != 2 || sc.Downloads[0].Path != "imageupdate" || sc.Downloads[0].Image.Name != "public" {
		t.Fatalf("parsed downloads %+v", sc.Downloads)
	}
	w, err := sc.Setup(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, name := range []string{"imageupdate", "notes.txt"} {
		if fi, err := os.Stat(filepath.Join(w.DownloadsDir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("Downloads/%s was not written: %v", name, err)
		}
		if _, err := os.Stat(filepath.Join(w.USBDir, name)); err == nil {
			t.Errorf("%s is on the stick too", name)
		}
	}
}

// TestSetupNoNetworkCable: network_cable: false stands the box with no
// cable, so a network boot stops at Erln.
func TestSetupNoNetworkCable(t *testing.T) {
	src := strings.Replace(good, `    autoupdate_cond: "0"`+"\n", `    autoupdate_cond: "0"`+"\n    bootmode: DHCP\n  network_cable: false\n", 1)
	sc, err := Parse("good.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.Box.NoNetworkCable {
		t.Fatal("network_cable: false was not read")
	}
	w, err := sc.Setup(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	br := w.Box.Boot()
	if last := br.Stages[len(br.Stages)-1]; last.Panel != "Erln" {
		t.Fatalf("a network boot with no cable ends at %s %q", last.Panel, last.Text)
	}
}
