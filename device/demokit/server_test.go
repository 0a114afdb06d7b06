package demokit_test

import (
	"context"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/demokit"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

func TestWriteDemoServer(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	b, err := device.Init(home, device.InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := demokit.WriteServer(dir, b.Model()); err != nil {
		t.Fatal(err)
	}
	rs, err := updateserver.Start(dir, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx := context.Background()
	variants, err := device.FetchUpdateList(ctx, rs.URL+"/"+demokit.ServerVariants+"/update_list.txt")
	if err != nil || len(variants) != len(demoimage.Images(b.Model().DemoModel())) {
		t.Fatalf("variants list: %d entries, %v", len(variants), err)
	}
	for _, e := range variants {
		if !strings.HasPrefix(e.Descr, path.Base(e.URL)+":") {
			t.Errorf("entry %+v does not name its file", e)
		}
	}
	// A new box (autoupdate_cond 1) finds the next Factory image and installs it once asked.
	if err := b.SaveSettings(map[string]string{"autoupdateURL": rs.URL + "/" + b.Model().USBFolder() + "/"}); err != nil {
		t.Fatal(err)
	}
	asked := ""
	rep := b.Autoupdate(ctx, device.AutoupdateOptions{Confirm: func(q string) bool { asked = q; return true }})
	if rep.Outcome != device.AutoupdateInstalled || asked == "" {
		t.Fatalf("%s %v, asked %q\n%+v", rep.Outcome, rep.Status, asked, rep.Steps)
	}
	if v := b.State().Settings["Image_Version"]; v != strconv.Itoa(b.Model().FactoryVersion+1) {
		t.Errorf("Image_Version %s", v)
	}
}
