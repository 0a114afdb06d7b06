package device

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// demoName is the demo key file name of a key reference.
func (f *fixture) demoName(t *testing.T, ref *KeyRef) string {
	t.Helper()
	if ref == nil {
		t.Fatal("no key")
	}
	for _, n := range demoimage.KeyNames() {
		k, _ := f.keys.Key(n)
		if k.IDString() == ref.ID {
			return n
		}
	}
	t.Fatalf("%s is not a demo key", ref.ID)
	return ""
}

// preflightBox makes the box a verdict describes: a box running an image of
// kind box one version below the checked one, signed as the preflight says.
func (f *fixture) preflightBox(t *testing.T, m Model, p *Preflight, box Kind, v Verdict, built map[demoimage.Spec][]byte) *Box {
	t.Helper()
	dir := tempDir(t)
	run := demoimage.Spec{Version: p.Running, Tag: "run"}
	opts := InitOptions{Model: m.Name, Image: filepath.Join(dir, "running.img")}
	switch box {
	case KindFactory:
		run.Signer, run.Tag = "manufacturer", ""
	case KindPublic:
		run.Signer = "stb_public"
	case KindCustom:
		run.Signer = "stb_public"
		run.Custom = "custom_alpha"
		if p.CustomKey != nil {
			run.Custom = f.demoName(t, p.CustomKey)
		}
		for _, b := range p.Blocks {
			if b.Name == "RootFS" && b.Signer != nil && b.Signer.Role == RoleCustom {
				run.Custom = f.demoName(t, b.Signer) // the key that made the RootFS comes first
			}
		}
	case KindOperator:
		run.Signer = "operator_one"
		if p.GlobalBy != nil && p.GlobalBy.Role == RoleOperator {
			run.Signer = f.demoName(t, p.GlobalBy)
		}
		cert, err := f.keys.Cert(run.Signer)
		if err != nil {
			t.Fatal(err)
		}
		opts.OperatorKey = filepath.Join(dir, "op.key")
		if err := os.WriteFile(opts.OperatorKey, cert, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, ok := built[run]
	if !ok {
		data = f.image(m, run)
		built[run] = data
	}
	if err := os.WriteFile(opts.Image, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Init(filepath.Join(dir, "home"), opts)
	if err != nil {
		t.Fatalf("%s box for %+v: %v", box, v, err)
	}
	return b
}

// TestPreflightEqualsUpdate checks that for every demo image (and every
// image made with a named mistake), every kind of box and both paths, the preflight's verdict is what the real pipeline
// decides when that box is given the image.
func TestPreflightEqualsUpdate(t *testing.T) {
	f := newFixture(t)
	for _, model := range []string{"MAG254", "MAG424"} {
		m := f.model(model)
		built := map[demoimage.Spec][]byte{} // the running images, built once each
		images := demoimage.Images(m.DemoModel())
		for name, spec := range mistakeSpecs(m) {
			images = append(images, demoimage.Image{Name: name, Spec: spec})
		}
		for _, d := range images {
			data := f.image(m, d.Spec)
			p, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{Model: m.Name})
			if d.Spec.Cut {
				if err == nil {
					t.Errorf("%s %s: a file cut short passes the preflight", model, d.Name)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", model, d.Name, err)
			}
			if len(p.Verdicts) != len(boxKinds)*2 {
				t.Fatalf("%s %s: %d verdicts", model, d.Name, len(p.Verdicts))
			}
			for _, v := range p.Verdicts {
				b := f.preflightBox(t, m, p, v.Box, v, built)
				got := f.update(b, data, UpdateOptions{Path: v.Via})
				if got.Status != v.Status || got.Rule != v.Rule || got.Installed != v.Accept || got.Explain != v.Why || got.Hint != v.Hint {
					t.Errorf("%s %s, %s box via %s:\npreflight %d %s %v %q %q\nupdate    %d %s %v %q %q",
						model, d.Name, v.Box, v.Via, v.Status, v.Rule, v.Accept, v.Why, v.Hint, got.Status, got.Rule, got.Installed, got.Explain, got.Hint)
				}
			}
		}
	}
}

// TestPreflightKinds checks the kind, the carried key and the exit rule for
// the demo images.
func TestPreflightKinds(t *testing.T) {
	f := newFixture(t)
	for _, model := range []string{"MAG254", "MAG424"} {
		m := f.model(model)
		cases := []struct {
			name  string
			kind  Kind
			takes bool
		}{
			{"factory-next", KindFactory, true},
			{"public", KindPublic, true},
			{"custom-alpha", KindCustom, true},
			{"custom-beta", KindCustom, true},
			{"operator-two", KindOperator, true},
			{"wrong-hash", KindPublic, false},
			{"tampered", KindPublic, false},
			{"wrong-model", KindPublic, false},
			{"unknown-signer", KindUnknown, false},
		}
		for _, c := range cases {
			data := f.named(m, c.name)
			p, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{})
			if err != nil {
				t.Fatalf("%s %s: %v", model, c.name, err)
			}
			if p.Kind != c.kind || p.Takes() != c.takes {
				t.Errorf("%s %s: kind %s takes %v, want %s %v", model, c.name, p.Kind, p.Takes(), c.kind, c.takes)
			}
			custom := strings.HasPrefix(c.name, "custom-")
			if (p.CustomKey != nil) != custom || p.CustomKeyMadeRootFS != custom {
				t.Errorf("%s %s: custom key %+v made RootFS %v", model, c.name, p.CustomKey, p.CustomKeyMadeRootFS)
			}
			if c.name == "wrong-hash" && p.Hash == p.ModelHash {
				t.Errorf("%s wrong-hash: hash %s = model's %s", model, p.Hash, p.ModelHash)
			}
			if len(p.Env) == 0 || !strings.HasPrefix(p.Env[0], "language=") {
				t.Errorf("%s %s: env %q", model, c.name, p.Env)
			}
		}
	}
}

// TestPreflightGivenKeys: a given operator key that made the Global block
// makes the image an Operator image, and the operator box holds that key.
func TestPreflightGivenKeys(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	op, err := imagefmt.GenerateKey("THREE_TV", "operator", testTime)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	spec := imagefmt.BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 300, Description: "x", Hash: m.Hash,
		Key: op, Created: testTime, Sections: []imagefmt.SectionSource{{Kind: imagefmt.RootFS, Data: strings.NewReader("rootfs"), Size: 6}}}
	if _, err := imagefmt.Build(&buf, spec); err != nil {
		t.Fatal(err)
	}
	p, err := RunPreflight(bytes.NewReader(buf.Bytes()), int64(buf.Len()), PreflightOptions{Keys: []*imagefmt.Key{op.PublicOnly()}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != KindOperator || !p.Takes() || p.GlobalBy == nil || p.GlobalBy.Name != "THREE_TV" {
		t.Fatalf("kind %s takes %v global %+v", p.Kind, p.Takes(), p.GlobalBy)
	}
	p, err = RunPreflight(bytes.NewReader(buf.Bytes()), int64(buf.Len()), PreflightOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != KindUnknown || p.Takes() || p.GlobalBy != nil {
		t.Fatalf("without the key: kind %s takes %v", p.Kind, p.Takes())
	}
}

// testTime is a fixed signing time.
var testTime = time.Date(2020, 4, 2, 12, 0, 0, 0, time.UTC)

// FuzzPreflight: an image is outside input; whatever its bytes, the
// preflight returns a verdict or an error, never a panic, and every verdict
// that takes the image says 16.
func FuzzPreflight(f *testing.F) {
	fx := newFixture(f)
	m := fx.model("MAG254")
	f.Add(fx.named(m, "custom-alpha")[:4096])
	f.Add([]byte("STB Model:MAG254\nDate:x\nImage Version:1\nImage Description:d\nImage  size:300\nStart data...\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{})
		if err != nil {
			return
		}
		for _, v := range p.Verdicts {
			if v.Accept != (v.Status == StatusFinishedOK) {
				t.Fatalf("verdict %+v", v)
			}
		}
	})
}

// TestPreflightRealPublicKey: a key named STB_PUBLIC given to the preflight
// (the real one, say) stands in for the demo STB_PUBLIC in every box, as
// device init --public-key makes a box trust it.
func TestPreflightRealPublicKey(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	real, err := imagefmt.GenerateKey("STB_PUBLIC", "Public key!!", testTime)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	spec := imagefmt.BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 300, Description: "real-pub", Hash: m.Hash,
		Key: real, Created: testTime, Sections: []imagefmt.SectionSource{{Kind: imagefmt.RootFS, Data: strings.NewReader("rootfs"), Size: 6}}}
	if _, err := imagefmt.Build(&buf, spec); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	p, err := RunPreflight(bytes.NewReader(data), int64(len(data)), PreflightOptions{Keys: []*imagefmt.Key{real.PublicOnly()}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Kind != KindPublic || !p.Takes() || p.GlobalBy == nil || p.GlobalBy.ID != real.IDString() || p.GlobalBy.Role != RolePublic {
		t.Fatalf("kind %s takes %v global %+v", p.Kind, p.Takes(), p.GlobalBy)
	}
	// A box that trusts that key takes it at the boot stage, as the preflight says.
	dir := tempDir(t)
	pub, _ := real.ArmoredPublic()
	pubFile := filepath.Join(dir, "stb_public.pub.asc")
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Init(filepath.Join(dir, "home"), InitOptions{Model: m.Name, PublicKey: pubFile})
	if err != nil {
		t.Fatal(err)
	}
	got := f.update(b, data, UpdateOptions{Path: PathBoot})
	for _, v := range p.Verdicts {
		if v.Box == KindFactory && v.Via == PathBoot && (v.Status != got.Status || v.Rule != got.Rule || !got.Installed) {
			t.Errorf("preflight %d %s, the box %d %s installed %v", v.Status, v.Rule, got.Status, got.Rule, got.Installed)
		}
	}
}
