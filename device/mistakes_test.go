package device

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// MistakeSpecs are the demo images made with each named mistake, for model m.
func mistakeSpecs(m Model) map[string]demoimage.Spec {
	v := m.FactoryVersion + 1
	return map[string]demoimage.Spec{
		MistakeNoCustomKey:       {Signer: "stb_public", Custom: "custom_alpha", Carry: "none", Version: v, Tag: "alphatv"},
		MistakeCustomKeyDiffers:  {Signer: "stb_public", Custom: "custom_alpha", Carry: "custom_beta", Version: v, Tag: "alphatv"},
		MistakeGlobalByCustomKey: {Signer: "custom_alpha", Custom: "custom_alpha", Version: v, Tag: "alphatv"},
		MistakeGlobalChanged:     {Signer: "stb_public", Version: v, Tag: "pub", TamperGlobal: true},
	}
}

// TestNamedMistakes: each mistake is refused with 17 and said exactly so, on
// the boot stage (R1) and on the portal of a box running Custom Alpha (R5),
// by the pipeline and by the preflight alike.
func TestNamedMistakes(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	running := demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Version: m.FactoryVersion, Tag: "alphatv"}
	cases := []struct {
		mistake string
		path    Path
		rule    Rule
		explain []string
		hint    string
	}{
		{MistakeNoCustomKey, PathBoot, "R1", []string{"the RootFS carries no custom key at etc/custom_key.pub", "made by a key this box does not know"}, "--custom-key"},
		{MistakeNoCustomKey, PathPortal, "R5", []string{"the RootFS carries no custom key at etc/custom_key.pub", "made by CUSTOM_ALPHA"}, "--custom-key"},
		{MistakeCustomKeyDiffers, PathBoot, "R1", []string{"carries the custom key CUSTOM_BETA", "the RootFS block was made by a key this box does not know"}, "--custom-key"},
		{MistakeCustomKeyDiffers, PathPortal, "R5", []string{"carries the custom key CUSTOM_BETA", "the RootFS block was made by CUSTOM_ALPHA"}, "--custom-key"},
		{MistakeGlobalByCustomKey, PathBoot, "R1", []string{"Global block was made by the custom key CUSTOM_ALPHA", "STB_PUBLIC makes the Global block"}, "--custom-key"},
		{MistakeGlobalByCustomKey, PathPortal, "R5", []string{"Global block was made by the custom key CUSTOM_ALPHA"}, "--custom-key"},
		{MistakeGlobalChanged, PathBoot, "R1", []string{"no key this box knows made the Global block", "STB_PUBLIC", "changed after signing"}, "rebuild"},
	}
	for _, c := range cases {
		data := f.image(m, mistakeSpecs(m)[c.mistake])
		var run *demoimage.Spec
		if c.path == PathPortal {
			run = &running
		}
		got := f.update(f.box(m, run, false), data, UpdateOptions{Path: c.path})
		if got.Status != StatusWrongSignature || got.Rule != c.rule || got.Installed {
			t.Errorf("%s via %s: %d %s installed %v: %s", c.mistake, c.path, got.Status, got.Rule, got.Installed, got.Explain)
			continue
		}
		for _, want := range c.explain {
			if !strings.Contains(got.Explain, want) {
				t.Errorf("%s via %s: explanation lacks %q:\n%s", c.mistake, c.path, want, got.Explain)
			}
		}
		if !strings.Contains(got.Hint, c.hint) {
			t.Errorf("%s via %s: hint %q lacks %q", c.mistake, c.path, got.Hint, c.hint)
		}
		p, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range p.Verdicts {
			if v.Mistake == c.mistake && v.Via == c.path && v.Rule == c.rule {
				found = true
			}
		}
		if !found {
			t.Errorf("%s via %s: the preflight names no such mistake: %+v", c.mistake, c.path, p.Verdicts)
		}
	}
}

// TestCustomBoxKeepsItsKey: through the portal of a box running Custom
// Alpha, neither an image without a custom key nor one carrying another key
// than its RootFS signer installs, and the box's custom key stays.
func TestCustomBoxKeepsItsKey(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	running := demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Version: m.FactoryVersion, Tag: "alphatv"}
	for _, name := range []string{MistakeNoCustomKey, MistakeCustomKeyDiffers} {
		b := f.box(m, &running, false)
		before := stateBytes(t, b)
		got := f.update(b, f.image(m, mistakeSpecs(m)[name]), UpdateOptions{Path: PathPortal})
		if got.Installed || !bytes.Equal(before, stateBytes(t, b)) {
			t.Errorf("%s: installed %v, state changed %v", name, got.Installed, !bytes.Equal(before, stateBytes(t, b)))
		}
		if ck := b.runningCustom(); ck == nil || ck.Name != "CUSTOM_ALPHA" {
			t.Errorf("%s: the box's custom key is now %+v", name, ck)
		}
	}
}

// TestCertifiedByOtherNamed: an operator key certified by STB_PUBLIC, or by
// itself, is refused (1, R7) with the certifier named.
func TestCertifiedByOtherNamed(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	for _, by := range []string{"stb_public", "operator_two"} {
		signer, _ := f.keys.Key(by)
		cert, err := certifyFor(signer, f.keys.OperatorTwo)
		if err != nil {
			t.Fatal(err)
		}
		b := f.box(m, nil, false)
		r := b.InstallOperatorKey(cert)
		if r.Status != StatusSignatureInit || r.Installed {
			t.Fatalf("certified by %s: %d %s", by, r.Status, r.Explain)
		}
		want := "certified by " + signer.String()
		if by == "operator_two" {
			want = "certified by the operator key itself"
		}
		if !strings.Contains(r.Explain, want) || !strings.Contains(r.Explain, "not by this box's MANUFACTURER key") || !strings.Contains(r.Hint, "MANUFACTURER") {
			t.Errorf("certified by %s: %q / %q", by, r.Explain, r.Hint)
		}
	}
	// And through a key file on disk, as the command line gives it.
	dir := tempDir(t)
	path := filepath.Join(dir, "op.key")
	cert, _ := certifyFor(f.keys.Public, f.keys.OperatorOne)
	if err := os.WriteFile(path, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(filepath.Join(dir, "home"), InitOptions{Model: m.Name, OperatorKey: path}); err == nil || !strings.Contains(err.Error(), "STB_PUBLIC") {
		t.Errorf("init with a key certified by STB_PUBLIC: %v", err)
	}
}

// certifyFor certifies key with by, as key certify does.
func certifyFor(by, key *imagefmt.Key) ([]byte, error) {
	return imagefmt.Certify(by, key, crypto.SHA256, testTime)
}
