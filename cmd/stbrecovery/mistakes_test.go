package main

import (
	"bytes"
	"crypto"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestNamedMistakesCLI: each named mistake reaches the command line as the
// refusal's sentence (device update, text and JSON) and as the verdict's
// mistake in image check --json.
func TestNamedMistakesCLI(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	v := m.FactoryVersion + 1
	cases := []struct {
		mistake string
		spec    demoimage.Spec
		phrase  string
	}{
		{device.MistakeNoCustomKey, demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Carry: "none", Version: v, Tag: "a"},
			"the RootFS carries no custom key at etc/custom_key.pub"},
		{device.MistakeCustomKeyDiffers, demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Carry: "custom_beta", Version: v, Tag: "a"},
			"its RootFS carries the custom key CUSTOM_BETA"},
		{device.MistakeGlobalByCustomKey, demoimage.Spec{Signer: "custom_alpha", Custom: "custom_alpha", Version: v, Tag: "a"},
			"its Global block was made by the custom key CUSTOM_ALPHA"},
		{device.MistakeGlobalChanged, demoimage.Spec{Signer: "stb_public", Version: v, Tag: "pub", TamperGlobal: true},
			"the header or a block changed after signing"},
	}
	dir := ramDir(t)
	for _, c := range cases {
		var buf bytes.Buffer
		if err := demoimage.Build(&buf, keys, m.DemoModel(), c.spec); err != nil {
			t.Fatal(err)
		}
		stick := stickWith(t, m, buf.Bytes())
		home := filepath.Join(dir, "box", c.mistake)
		if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
			t.Fatal(errs)
		}
		code, text, errs := runCLI(t, "device", "update", "--home", home, "--usb", stick)
		if code != exitRefused || !strings.Contains(strings.Join(strings.Fields(text), " "), c.phrase) || !strings.Contains(errs, "17 Wrong signature") {
			t.Errorf("%s: exit %d, output lacks %q:\n%s\n%s", c.mistake, code, c.phrase, text, errs)
		}
		code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json")
		var res device.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitRefused || res.Status != 17 || !strings.Contains(res.Explain, c.phrase) {
			t.Errorf("%s: --json exit %d: %v %+v", c.mistake, code, err, res)
		}
		img := writeFile(t, filepath.Join(dir, "img", c.mistake), buf.Bytes())
		code, out, _ = runCLI(t, "image", "check", img, "--json")
		var chk checkJSONOut
		_ = json.Unmarshal([]byte(out), &chk)
		named := false
		for _, v := range chk.Verdicts {
			if v.Mistake == c.mistake && strings.Contains(v.Why, c.phrase) {
				named = true
			}
		}
		if code != exitRefused || !named {
			t.Errorf("%s: image check exit %d names no such mistake: %s", c.mistake, code, out)
		}
	}
}

// TestBuildRefusesMistakes: image build refuses a model no box is, a variant
// model, and the custom key given as the signer too.
func TestBuildRefusesMistakes(t *testing.T) {
	keys := demoKeys(t)
	dir := t.TempDir()
	rootfs := writeFile(t, filepath.Join(dir, "rootfs", "etc", "hostname"), []byte("mag\n"))
	base := func(model, key, custom string) []string {
		a := []string{"image", "build", "--model", model, "--version", "300", "--desc", "d", "--rootfs", filepath.Dir(filepath.Dir(rootfs)),
			"--key", filepath.Join(keys, key), "--out", filepath.Join(dir, "out.img")}
		if custom != "" {
			a = append(a, "--custom-key", filepath.Join(keys, custom))
		}
		return a
	}
	cases := []struct {
		args []string
		want []string
	}{
		{base("MAG999", "stb_public.sec.asc", ""), []string{"no box is a MAG999", "MAG254", "MAG424"}},
		{base("MAG254w1", "stb_public.sec.asc", ""), []string{"MAG254w1 boxes take images built for MAG254", "--model MAG254"}},
		{base("MAG254", "custom_alpha.sec.asc", "custom_alpha.sec.asc"), []string{"--key and --custom-key are the same key CUSTOM_ALPHA", "STB_PUBLIC"}},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		for _, w := range c.want {
			if code != exitError || !strings.Contains(errs, w) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("%v: exit %d, stderr %q lacks %q", c.args[3], code, errs, w)
			}
		}
	}
	if code, _, errs := runCLI(t, base("MAG254", "stb_public.sec.asc", "custom_alpha.sec.asc")...); code != 0 {
		t.Errorf("a right Custom image: %s", errs)
	}
}

// TestCertifyByOtherKey: key certify warns when --by is not MANUFACTURER,
// and the box, given that certification, names who made it.
func TestCertifyByOtherKey(t *testing.T) {
	keys := demoKeys(t)
	dir := ramDir(t)
	out := filepath.Join(dir, "op.key")
	code, _, errs := runCLI(t, "key", "certify", "--by", filepath.Join(keys, "stb_public.sec.asc"), "--out", out, filepath.Join(keys, "operator_two.pub.asc"))
	if code != 0 || !strings.Contains(errs, "warning: STB_PUBLIC") || !strings.Contains(errs, "no box will accept") {
		t.Errorf("certify by STB_PUBLIC: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCLI(t, "key", "certify", "--by", filepath.Join(keys, "manufacturer.sec.asc"), "--out", filepath.Join(dir, "ok.key"), filepath.Join(keys, "operator_two.pub.asc"))
	if code != 0 || errs != "" {
		t.Errorf("certify by MANUFACTURER: exit %d, stderr %q", code, errs)
	}
	home := filepath.Join(dir, "box")
	if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatal(errs)
	}
	code, text, _ := runCLI(t, "device", "install-key", "--home", home, out, "--json")
	var res device.Result
	if err := json.Unmarshal([]byte(text), &res); err != nil || res.Status != 1 || res.Rule != "R7" ||
		!strings.Contains(res.Explain, "is certified by STB_PUBLIC") || !strings.Contains(res.Hint, "MANUFACTURER") {
		t.Errorf("install-key exit %d: %v %+v", code, err, res)
	}
	// A self-certified key is named so.
	data, _ := fs.ReadFile(assets.Keys(), "operator_two.sec.asc")
	op, err := imagefmt.LoadKey(data)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := imagefmt.Certify(op, op.PublicOnly(), crypto.SHA256, time.Unix(1550000000, 0))
	code, text, _ = runCLI(t, "device", "install-key", "--home", home, writeFile(t, filepath.Join(dir, "self.key"), self))
	if code == 0 || !strings.Contains(strings.Join(strings.Fields(text), " "), "certified by the operator key itself") {
		t.Errorf("self-certified: exit %d\n%s", code, text)
	}
}
