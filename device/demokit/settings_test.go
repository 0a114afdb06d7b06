package demokit_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/demokit"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestBoxFindsDemoServerWhereItsSettingsSay protects the demo: a box given
// the URLs updateserver.URLs makes for the demo server finds update_list.txt
// and imageupdate exactly there, Check now installs the next release, and
// update_url installs at the boot stage; the model folder's own paths and
// the variants answer as well, each entry dated from its image's header.
func TestBoxFindsDemoServerWhereItsSettingsSay(t *testing.T) {
	for _, name := range []string{"MAG254", "MAG322"} {
		t.Run(name, func(t *testing.T) {
			m, err := device.LookupModel(name)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := demokit.WriteServer(dir, m); err != nil {
				t.Fatal(err)
			}
			rs, err := updateserver.Start(dir, "127.0.0.1:0", updateserver.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			listURL, imageURL := updateserver.URLs(rs.URL, m)
			if want := rs.URL + "/mag/" + m.Number() + "/"; listURL != want+device.UpdateListName || imageURL != want+"imageupdate" {
				t.Fatalf("URLs %s %s; want the manufacturer's paths under %s", listURL, imageURL, want)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			list, err := device.FetchUpdateList(ctx, listURL)
			if err != nil {
				t.Fatal(err)
			}
			last, ok := list.Last()
			if !ok || last.URL != imageURL {
				t.Fatalf("the list at %s ends with %+v; want %s", listURL, last, imageURL)
			}
			served, err := imagefmt.OpenFile(filepath.Join(dir, m.USBFolder(), "imageupdate"))
			if err != nil {
				t.Fatal(err)
			}
			served.Close()
			if want, err := imagefmt.ListDateFromHeader(served.Header().Date); err != nil || last.Date != want {
				t.Errorf("entry date %q; want %q from the header (%v)", last.Date, want, err)
			}
			box := newBox(t, m)
			if err := box.SaveSettings(map[string]string{"autoupdateURL": listURL, "update_url": imageURL, "autoupdate_cond": "0"}); err != nil {
				t.Fatal(err)
			}
			rep := box.Autoupdate(ctx, device.AutoupdateOptions{})
			if rep.Outcome != device.AutoupdateInstalled {
				t.Fatalf("Check now: %s %d %s", rep.Outcome, rep.Status, rep.Text)
			}
			fresh := newBox(t, m)
			if res := fresh.Update(ctx, device.HTTPSource(imageURL), device.UpdateOptions{Path: device.PathBoot}); !res.Installed {
				t.Fatalf("update_url at the boot stage: %d %s", res.Status, res.Explain)
			}
			for _, u := range []string{rs.URL + "/" + m.USBFolder() + "/" + device.UpdateListName, rs.URL + "/" + demokit.ServerVariants + "/" + device.UpdateListName} {
				l, err := device.FetchUpdateList(ctx, u)
				if err != nil || len(l) == 0 {
					t.Errorf("%s: %d entries, %v", u, len(l), err)
				}
			}
			variants, _ := device.FetchUpdateList(ctx, rs.URL+"/"+demokit.ServerVariants+"/"+device.UpdateListName)
			if len(variants) != len(demoimage.Images(m.DemoModel())) {
				t.Errorf("variants list has %d entries, %d demo images", len(variants), len(demoimage.Images(m.DemoModel())))
			}
		})
	}
}

// newBox is a new box of model m, as it leaves the factory.
func newBox(t testing.TB, m device.Model) *device.Box {
	t.Helper()
	b, err := device.Init(filepath.Join(t.TempDir(), "home"), device.InitOptions{Model: m.Name})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
