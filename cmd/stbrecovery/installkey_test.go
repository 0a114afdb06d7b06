package main

import (
	"crypto"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestDeviceInstallKey installs operator keys through the command line: a
// key that is not certified by the box's MANUFACTURER key is refused by R7
// (exit 3, status 1); a certified one is installed (exit 0), after which the
// box takes only that operator's images (R2).
func TestDeviceInstallKey(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := ramDir(t)
	home := filepath.Join(dir, "box")
	if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	key := func(name string) string {
		data, err := fs.ReadFile(assets.Keys(), name)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.ReplaceAll(name, ".pub.asc", ".key"))
		writeFile(t, p, data)
		return p
	}
	// An operator key whose certification block was made by another key than the box's MANUFACTURER.
	load := func(name string) *imagefmt.Key {
		data, err := fs.ReadFile(assets.Keys(), name)
		if err != nil {
			t.Fatal(err)
		}
		k, err := imagefmt.LoadKey(data)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	forged, err := imagefmt.Certify(load("stb_public.sec.asc"), load("operator_two.pub.asc"), crypto.SHA256, time.Unix(1550000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	forgedPath := filepath.Join(dir, "certified_by_stb_public.key")
	writeFile(t, forgedPath, forged)
	cases := []struct {
		name, file string
		code       int
		status     device.Status
		installed  bool
	}{
		{"a custom key, not certified", key("custom_alpha.pub.asc"), exitRefused, device.StatusSignatureInit, false},
		{"the STB_PUBLIC key, not certified", key("stb_public.pub.asc"), exitRefused, device.StatusSignatureInit, false},
		{"an operator key certified by STB_PUBLIC", forgedPath, exitRefused, device.StatusSignatureInit, false},
		{"a certified operator key", key("operator_one.key"), exitOK, device.StatusFinishedOK, true},
		{"another operator's key on a locked box", key("operator_two.key"), exitRefused, device.StatusSignatureInit, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := runCLI(t, "device", "install-key", "--home", home, c.file, "--json")
			var res device.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if code != c.code || res.Status != c.status || res.Installed != c.installed || res.Rule != "R7" {
				t.Fatalf("exit %d status %d installed %v rule %s; want exit %d status %d installed %v R7 (%s)",
					code, res.Status, res.Installed, res.Rule, c.code, c.status, c.installed, res.Explain)
			}
			if res.Explain == "" || (!c.installed && res.Hint == "") {
				t.Errorf("no explanation or hint: %+v", res)
			}
		})
	}
	if code, _, errOut := runCLI(t, "device", "install-key", "--home", home, filepath.Join(dir, "missing.key")); code != exitError || !strings.Contains(errOut, "missing.key") {
		t.Errorf("a missing file: exit %d %q", code, errOut)
	}
	stick := stickWith(t, m, demoImage(t, m, "public", 0))
	code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json")
	var res device.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitRefused || res.Rule != "R2" || res.Status != device.StatusWrongSignature {
		t.Fatalf("a Public image on a locked box: exit %d %+v", code, res)
	}
	opStick := stickWith(t, m, demoImage(t, m, "operator-one", 0))
	if code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", opStick, "--json"); code != exitOK {
		t.Fatalf("the operator's image: exit %d %s", code, out)
	}
}
