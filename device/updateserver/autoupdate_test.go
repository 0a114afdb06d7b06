package updateserver_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// htDemo builds the named demo image of model m.
func htDemo(t testing.TB, m device.Model, name string) []byte {
	t.Helper()
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := demoimage.BuildNamed(&b, keys, m.DemoModel(), name); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// htSnapshot is every file of the box at home, and what printenv shows.
func htSnapshot(t testing.TB, home string) map[string]string {
	t.Helper()
	snap := testimage.Files(t, home)
	b, err := device.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	snap["(printenv)"] = strings.Join(b.Printenv(), "\n")
	return snap
}

// TestBoxAutoupdate runs the Autoupdate module of a real box against the
// update server on loopback.
func TestBoxAutoupdate(t *testing.T) {
	type run struct {
		image    string            // demo image in mag254/imageupdate; "" for none (no list either)
		sidecar  string            // mag254/imageupdate.type
		settings map[string]string // saved before the run
		confirm  func(string) bool
		outcome  device.AutoupdateOutcome
		status   device.Status
	}
	cases := []struct {
		name string
		runs []run
	}{
		{"factory box takes the next factory image, then is up to date", []run{
			{image: "factory-next", outcome: device.AutoupdateInstalled, status: device.StatusFinishedOK},
			{image: "factory-next", outcome: device.AutoupdateUpToDate, status: device.StatusIdle},
		}},
		{"factory box refuses a public image on the portal", []run{
			{image: "public", outcome: device.AutoupdateRefused, status: device.StatusWrongSignature},
		}},
		{"beta refused when betaupdate_cond is 0", []run{
			{image: "factory-next", sidecar: "beta", settings: map[string]string{"betaupdate_cond": "0"}, outcome: device.AutoupdateUpToDate, status: device.StatusIdle},
			{image: "factory-next", sidecar: "beta", settings: map[string]string{"betaupdate_cond": "1"}, outcome: device.AutoupdateInstalled, status: device.StatusFinishedOK},
		}},
		{"alpha never", []run{
			{image: "factory-next", sidecar: "alpha", outcome: device.AutoupdateUpToDate, status: device.StatusIdle},
		}},
		{"with confirmation", []run{
			{image: "factory-next", settings: map[string]string{"autoupdate_cond": "1"}, confirm: func(string) bool { return false }, outcome: device.AutoupdateDeclined, status: device.StatusIdle},
			{image: "factory-next", settings: map[string]string{"autoupdate_cond": "1"}, confirm: func(string) bool { return true }, outcome: device.AutoupdateInstalled, status: device.StatusFinishedOK},
		}},
		{"disabled", []run{
			{image: "factory-next", settings: map[string]string{"autoupdate_cond": "2"}, outcome: device.AutoupdateDisabled, status: device.StatusIdle},
		}},
		{"no list on the server", []run{
			{outcome: device.AutoupdateFailed, status: device.StatusFileNotFound},
		}},
		{"a cut image in the list", []run{
			{image: "cut-short", outcome: device.AutoupdateRefused, status: device.StatusReadError},
		}},
		{"older image in the list", []run{
			{image: "public-older", outcome: device.AutoupdateUpToDate, status: device.StatusIdle},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "box")
			b, err := device.Init(home, device.InitOptions{Model: "MAG254"})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			rs, err := updateserver.Start(dir, "127.0.0.1:0", updateserver.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			if err := b.SaveSettings(map[string]string{"autoupdate_cond": "0", "autoupdateURL": rs.URL + "/mag254/"}); err != nil {
				t.Fatal(err)
			}
			for i, r := range c.runs {
				if r.image != "" {
					os.MkdirAll(filepath.Join(dir, "mag254"), 0o755)
					if err := os.WriteFile(filepath.Join(dir, "mag254", "imageupdate"), htDemo(t, b.Model(), r.image), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				os.Remove(filepath.Join(dir, "mag254", "imageupdate.type"))
				if r.sidecar != "" {
					os.WriteFile(filepath.Join(dir, "mag254", "imageupdate.type"), []byte(r.sidecar), 0o644)
				}
				if r.settings != nil {
					if err := b.SaveSettings(r.settings); err != nil {
						t.Fatal(err)
					}
				}
				before := htSnapshot(t, home)
				cond := b.State().Settings["autoupdate_cond"]
				rep := b.Autoupdate(context.Background(), device.AutoupdateOptions{Confirm: r.confirm})
				if rep.Outcome != r.outcome || rep.Status != r.status {
					t.Fatalf("run %d: %s %v; want %s %v\n%+v", i+1, rep.Outcome, rep.Status, r.outcome, r.status, rep.Steps)
				}
				if rep.Outcome == device.AutoupdateInstalled {
					st := b.State()
					if st.Settings["Image_Date"] != rep.Header.Date || rep.Result == nil || !rep.Result.Installed {
						t.Errorf("run %d: Image_Date %q after installing %q", i+1, st.Settings["Image_Date"], rep.Header.Date)
					}
					continue
				}
				if rep.Outcome == device.AutoupdateFailed || rep.Outcome == device.AutoupdateRefused {
					// the box turns Autoupdate off after a failure, and changes nothing else
					last := rep.Steps[len(rep.Steps)-1]
					if !rep.TurnedOff || b.State().Settings["autoupdate_cond"] != "2" || last.Name != "autoupdate_cond" || last.Value != "2" {
						t.Fatalf("run %d: %s, but Autoupdate was not turned off: %+v", i+1, rep.Outcome, last)
					}
					if err := b.Set(map[string]string{"autoupdate_cond": cond}); err != nil {
						t.Fatal(err)
					}
				} else if rep.TurnedOff {
					t.Errorf("run %d: %s turned Autoupdate off", i+1, rep.Outcome)
				}
				testimage.Same(t, before, htSnapshot(t, home))
			}
		})
	}
}
