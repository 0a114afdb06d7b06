package device

import (
	"context"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestBoxFindsDemoServerWhereItsSettingsSay protects the demo: a box given
// the URLs UpdateServerURLs makes for the demo server finds update_list.txt
// and imageupdate exactly there, Check now installs the next release, and
// update_url installs at the boot stage; the model folder's own paths and
// the variants answer as well, each entry dated from its image's header.
func TestBoxFindsDemoServerWhereItsSettingsSay(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"MAG254", "MAG322"} {
		t.Run(name, func(t *testing.T) {
			m := f.model(name)
			dir := tempDir(t)
			if err := WriteDemoServer(dir, m); err != nil {
				t.Fatal(err)
			}
			rs, err := ListenUpdateServer(dir, "127.0.0.1:0", ServerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			listURL, imageURL := UpdateServerURLs(rs.URL, m)
			if want := rs.URL + "/mag/" + m.Number() + "/"; listURL != want+UpdateListName || imageURL != want+"imageupdate" {
				t.Fatalf("URLs %s %s; want the manufacturer's paths under %s", listURL, imageURL, want)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			list, err := FetchUpdateList(ctx, listURL)
			if err != nil {
				t.Fatal(err)
			}
			last, ok := list.Last()
			if !ok || last.URL != imageURL {
				t.Fatalf("the list at %s ends with %+v; want %s", listURL, last, imageURL)
			}
			next, _ := LookupDemoImage(m, "factory-next")
			date, _ := demoDate(m, next.Spec.Version)
			if want, err := imagefmt.ListDateFromHeader(date); err != nil || last.Date != want {
				t.Errorf("entry date %q; want %q from the header (%v)", last.Date, want, err)
			}
			box := f.box(m, nil, false)
			if err := box.SaveSettings(map[string]string{"autoupdateURL": listURL, "update_url": imageURL, "autoupdate_cond": "0"}); err != nil {
				t.Fatal(err)
			}
			rep := box.Autoupdate(ctx, AutoupdateOptions{})
			if rep.Outcome != AutoupdateInstalled {
				t.Fatalf("Check now: %s %d %s", rep.Outcome, rep.Status, rep.Text)
			}
			fresh := f.box(m, nil, false)
			if res := fresh.Update(ctx, HTTPSource(imageURL), UpdateOptions{Path: PathBoot}); !res.Installed {
				t.Fatalf("update_url at the boot stage: %d %s", res.Status, res.Explain)
			}
			for _, u := range []string{rs.URL + "/" + m.USBFolder() + "/" + UpdateListName, rs.URL + "/" + DemoServerVariants + "/" + UpdateListName} {
				l, err := FetchUpdateList(ctx, u)
				if err != nil || len(l) == 0 {
					t.Errorf("%s: %d entries, %v", u, len(l), err)
				}
			}
			variants, _ := FetchUpdateList(ctx, rs.URL+"/"+DemoServerVariants+"/"+UpdateListName)
			if len(variants) != len(DemoImages(m)) {
				t.Errorf("variants list has %d entries, %d demo images", len(variants), len(DemoImages(m)))
			}
		})
	}
}
