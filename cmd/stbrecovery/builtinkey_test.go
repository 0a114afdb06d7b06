package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestBuiltInKeysNeverBecomeTheOperatorKey protects a box from being locked
// for good by its own keys: the MANUFACTURER or STB_PUBLIC key, certified by
// the manufacturer and offered as an operator key, is refused with status 1
// and names what it is; the box's state is unchanged and it still installs
// images afterwards.
func TestBuiltInKeysNeverBecomeTheOperatorKey(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := ramDir(t)
	keys := filepath.Join(dir, "keys")
	if code, _, errOut := runCLI(t, "key", "demo", "--out", keys); code != 0 {
		t.Fatalf("key demo: %d %s", code, errOut)
	}
	cases := []struct{ name, pub, says string }{
		{"STB_PUBLIC", "stb_public.pub.asc", "this is the public STB_PUBLIC key"},
		{"MANUFACTURER", "manufacturer.pub.asc", "this is the manufacturer's own key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := filepath.Join(dir, c.name)
			if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
				t.Fatalf("init: %d %s", code, errOut)
			}
			certified := filepath.Join(dir, c.name+".key")
			if code, _, errOut := runCLI(t, "key", "certify", "--by", filepath.Join(keys, "manufacturer.sec.asc"),
				"--out", certified, filepath.Join(keys, c.pub)); code != 0 {
				t.Fatalf("key certify: %d %s", code, errOut)
			}
			before := readFile(t, filepath.Join(home, device.StateFileName))
			code, out, _ := runCLI(t, "device", "install-key", "--home", home, certified, "--json")
			var res device.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if code != exitRefused || res.Status != device.StatusSignatureInit || res.Installed || !strings.Contains(res.Explain, c.says) {
				t.Fatalf("exit %d status %d installed %v %q; want exit %d, status 1 and %q", code, res.Status, res.Installed, res.Explain, exitRefused, c.says)
			}
			if after := readFile(t, filepath.Join(home, device.StateFileName)); string(after) != string(before) {
				t.Fatal("the refused key changed the box's state")
			}
			code, outText, errText := runCLI(t, "device", "install-key", "--home", home, certified)
			if code != exitRefused || !strings.Contains(outText+errText, c.says) {
				t.Errorf("text form: exit %d %q %q", code, outText, errText)
			}
			for _, img := range []string{"public", "operator-one"} {
				stick := stickWith(t, m, demoImage(t, m, img, 0))
				code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json")
				if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitOK || !res.Installed {
					// a Public image installs on an unlocked box; an operator image with
					// no operator key is refused (R1), which is also the box still deciding.
					if img == "operator-one" && code == exitRefused && res.Rule == "R1" {
						continue
					}
					t.Fatalf("%s after the refusal: exit %d %+v", img, code, res)
				}
			}
			opKey := filepath.Join(keys, "operator_one.key")
			if code, out, _ := runCLI(t, "device", "install-key", "--home", home, opKey, "--json"); code != exitOK {
				t.Fatalf("the real operator key after the refusal: exit %d %s", code, out)
			}
			stick := stickWith(t, m, demoImage(t, m, "operator-one", 0))
			if code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json", "--force"); code != exitOK {
				t.Fatalf("the operator's image on the box locked to it: exit %d %s", code, out)
			}
		})
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
