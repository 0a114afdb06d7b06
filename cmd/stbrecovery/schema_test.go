package main

import (
	"bytes"
	"crypto"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestJSONSchema runs every --json command of images, keys and updates, on
// success and on failure, and validates each output against the shape
// output.schema.json gives it.
func TestJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	schemas := map[string]*jsonschema.Schema{}
	for _, name := range []string{"error", "result", "verify", "info", "check"} {
		s, err := c.Compile("output.schema.json#/$defs/" + name)
		if err != nil {
			t.Fatalf("the schema does not compile: %v", err)
		}
		schemas[name] = s
	}
	keys := demoKeys(t)
	dir := ramDir(t)
	m, _ := device.LookupModel("MAG254")
	img := func(name string) string {
		return writeFile(t, filepath.Join(dir, name+".img"), demoImage(t, m, name, 0))
	}
	public, unknown, cut := img("public"), img("unknown-signer"), img("cut-short")
	pub := filepath.Join(keys, "stb_public.pub.asc")
	home := filepath.Join(dir, "box")
	if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatal(errs)
	}
	stick := func(name string) string { return stickWith(t, m, demoImage(t, m, name, 0)) }
	data, _ := fs.ReadFile(assets.Keys(), "stb_public.sec.asc")
	sp, _ := imagefmt.LoadKey(data)
	data, _ = fs.ReadFile(assets.Keys(), "operator_two.pub.asc")
	op, _ := imagefmt.LoadKey(data)
	forged, _ := imagefmt.Certify(sp, op, crypto.SHA256, time.Unix(1550000000, 0))
	forgedFile := writeFile(t, filepath.Join(dir, "forged.key"), forged)

	cases := []struct {
		shape string
		args  []string
	}{
		{"info", []string{"image", "info", public}},
		{"error", []string{"image", "info", cut}},
		{"error", []string{"image", "info"}},
		{"verify", []string{"image", "verify", public, "--key", pub}},
		{"verify", []string{"image", "verify", unknown, "--key", pub}},
		{"error", []string{"image", "verify", public}},
		{"error", []string{"image", "verify", cut, "--key", pub}},
		{"check", []string{"image", "check", public}},
		{"check", []string{"image", "check", unknown, "--key", pub}},
		{"check", []string{"image", "check", public, "--model", "MAG999"}},
		{"error", []string{"image", "check", cut}},
		{"error", []string{"image", "check"}},
		{"result", []string{"device", "update", "--home", home, "--usb", stick("operator-one")}},
		{"result", []string{"device", "update", "--home", home, "--usb", stick("public")}},
		{"error", []string{"device", "update", "--home", home, "--usb", stick("public"), "--via", "nowhere"}},
		{"result", []string{"device", "install-key", "--home", home, forgedFile}},
		{"error", []string{"device", "show", "--home", filepath.Join(dir, "nobox")}},
		{"error", []string{"device", "set", "--home", home, "no_such_setting=1"}},
		{"error", []string{"device", "boot", "--home", filepath.Join(dir, "nobox")}},
		{"error", []string{"device", "autoupdate", "--home", filepath.Join(dir, "nobox")}},
	}
	for _, c := range cases {
		_, out, _ := runCLI(t, append(c.args, "--json")...)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Errorf("%v: not one JSON object: %v\n%s", c.args, err, out)
			continue
		}
		if err := schemas[c.shape].Validate(inst); err != nil {
			t.Errorf("%v: not a %s object: %v\n%s", c.args, c.shape, err, out)
		}
		if c.shape != "error" {
			if err := schemas["error"].Validate(inst); err == nil {
				t.Errorf("%v: a %s object passes as an error", c.args, c.shape)
			}
		}
	}
}
