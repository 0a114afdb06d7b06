package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// TestDefaultRunFindsItsDemoServer protects the default run's journeys over
// HTTP: the temporary box's update_url and autoupdateURL name its demo
// server, where the image and the list are; Update from URL installs the
// image and Check now installs the next release.
func TestDefaultRunFindsItsDemoServer(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	for _, via := range []device.Path{device.PathPortal, device.PathBoot} {
		t.Run(string(via), func(t *testing.T) {
			temp, err := os.MkdirTemp(ramDir(t), "run")
			if err != nil {
				t.Fatal(err)
			}
			env := &tuiEnv{temp: temp}
			defer env.close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := env.start(ctx, m, false, "", "")
			if err != nil {
				t.Fatal(err)
			}
			set := out.Box.State().Settings
			wantList, wantImage := updateserver.URLs(out.ServerURL, m)
			if set["autoupdateURL"] != wantList || set["update_url"] != wantImage {
				t.Fatalf("autoupdateURL %q update_url %q; want %q %q", set["autoupdateURL"], set["update_url"], wantList, wantImage)
			}
			if via == device.PathBoot {
				res := out.Box.Update(ctx, device.HTTPSource(set["update_url"]), device.UpdateOptions{Path: via})
				if !res.Installed {
					t.Fatalf("update_url at the boot stage: %d %s %s", res.Status, res.Text, res.Explain)
				}
				return
			}
			rep := out.Box.Autoupdate(ctx, device.AutoupdateOptions{Confirm: func(string) bool { return true }})
			if rep.Outcome != device.AutoupdateInstalled {
				t.Fatalf("Check now: %s %d %s", rep.Outcome, rep.Status, rep.Text)
			}
			// after a factory reset the box still looks at its demo server
			if err := out.Box.FactoryReset(); err != nil {
				t.Fatal(err)
			}
			set = out.Box.State().Settings
			if set["autoupdateURL"] != wantList || set["update_url"] != wantImage {
				t.Fatalf("after a factory reset: autoupdateURL %q update_url %q", set["autoupdateURL"], set["update_url"])
			}
			rep = out.Box.Autoupdate(ctx, device.AutoupdateOptions{Confirm: func(string) bool { return true }})
			if rep.Outcome != device.AutoupdateUpToDate {
				t.Fatalf("Check now after a factory reset: %s %d %s", rep.Outcome, rep.Status, rep.Text)
			}
		})
	}
}
