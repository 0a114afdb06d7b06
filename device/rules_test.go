package device

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

func TestCheck1Header(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	good := f.named(m, "public")
	cases := []struct {
		name   string
		src    func(b *Box) Source
		status Status
	}{
		{"not an image", func(b *Box) Source {
			return USBSource(f.stick(m, []byte("hello, this is not an image\n")), m)
		}, StatusInvalidHeader},
		{"size past the end", func(b *Box) Source {
			data := strings.Replace(string(good), "Image  size:", "Image  size:9", 1)
			return USBSource(f.stick(m, []byte(data)), m)
		}, StatusInvalidHeader},
		// A file on the stick has a known length: sizes past its end are 22 (RULES.md check 1);
		// a transfer cut mid-stream (27) is TestHTTPBodyCutAtTwentyOffsets.
		{"cut short", func(b *Box) Source { return USBSource(f.stick(m, f.named(m, "cut-short")), m) }, StatusInvalidHeader},
		{"no file", func(b *Box) Source { return USBSource(tempDir(t), m) }, StatusFileNotFound},
		{"no USB", func(b *Box) Source { return USBSource(filepath.Join(tempDir(t), "nothing"), m) }, StatusUSBNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := f.box(m, nil, false)
			before := stateBytes(t, b)
			r := b.Update(context.Background(), c.src(b), UpdateOptions{Path: PathBoot})
			if r.Status != c.status || r.Rule != "header" || r.Installed {
				t.Fatalf("got %d %s, want %d header: %s", r.Status, r.Rule, c.status, r.Explain)
			}
			if r.Explain == "" || r.Hint == "" {
				t.Errorf("no explanation or hint: %+v", r)
			}
			if string(stateBytes(t, b)) != string(before) {
				t.Error("a refused update changed the state")
			}
		})
	}
}

func TestUSBSourceNamesThePath(t *testing.T) {
	m, _ := LookupModel("MAG254")
	dir := tempDir(t)
	os.MkdirAll(filepath.Join(dir, "MAG254"), 0o755)
	_, err := USBSource(dir, m).Open(context.Background())
	var se *StatusError
	if !errors.As(err, &se) || se.Status != StatusFileNotFound {
		t.Fatalf("got %v", err)
	}
	msg := se.Error() + " " + se.Explain
	if !strings.Contains(msg, "USB:/mag254/imageupdate") || !strings.Contains(msg, "“MAG254”") {
		t.Errorf("the message should name the exact path on the stick and the wrongly named folder: %s", msg)
	}
	if strings.Contains(msg, dir) {
		t.Errorf("the message shows the host's folder of the stick: %s", msg)
	}
	os.WriteFile(filepath.Join(dir, "MAG254", "Bootstrap_254"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "mag254"), 0o755)
	os.WriteFile(filepath.Join(dir, "mag254", "imageupdate.bin"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "mag254", "Bootstrap_254"), []byte("x"), 0o644)
	_, err = USBSource(dir, m).Open(context.Background())
	if !errors.As(err, &se) || !strings.Contains(se.Explain, "imageupdate.bin") {
		t.Errorf("the message should name the wrongly named file: %v %s", err, se.Explain)
	}
	if got := USBBootstrap(dir, m); len(got) != 1 || got[0] != "Bootstrap_254" {
		t.Errorf("USBBootstrap = %v", got)
	}
}

func TestCheck2Model(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	before := stateBytes(t, b)
	r := f.update(b, f.named(m, "wrong-model"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusWrongModel || r.Rule != "model" || !strings.Contains(r.Hint, "MAG254") {
		t.Fatalf("got %d %s %q", r.Status, r.Rule, r.Hint)
	}
	if r.Read >= int64(len(f.named(m, "wrong-model"))) {
		t.Errorf("a wrong model should stop after the header; read %d bytes", r.Read)
	}
	if string(stateBytes(t, b)) != string(before) {
		t.Error("state changed")
	}
	// A MAG254w1 takes MAG254 images.
	w1 := f.model("MAG254w1")
	bw := f.box(w1, nil, false)
	if r := f.update(bw, f.named(m, "public"), UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK {
		t.Fatalf("MAG254w1 with a MAG254 image: %d %s", r.Status, r.Explain)
	}
}

func TestCheck3Signatures(t *testing.T) {
	f := newFixture(t)
	t.Run("tampered", func(t *testing.T) {
		m := f.model("MAG254")
		b := f.box(m, nil, false)
		before := stateBytes(t, b)
		r := f.update(b, f.named(m, "tampered"), UpdateOptions{Path: PathBoot})
		if r.Status != StatusWrongSignature || !strings.Contains(r.Explain, "changed after signing") || len(r.Blocks) < 2 {
			t.Fatalf("got %d %s, %d blocks", r.Status, r.Explain, len(r.Blocks))
		}
		for _, bl := range r.Blocks {
			if (bl.Name == "RootFS") == bl.OK {
				t.Errorf("block %s ok=%v", bl.Name, bl.OK)
			}
		}
		if string(stateBytes(t, b)) != string(before) {
			t.Error("state changed")
		}
	})
	t.Run("SHA-1 image on an SRU model", func(t *testing.T) {
		m := f.model("MAG322")
		b := f.box(m, nil, false)
		r := f.update(b, f.named(m, "wrong-hash"), UpdateOptions{Path: PathBoot})
		if r.Status != StatusWrongSignature || len(r.Blocks) == 0 || r.Blocks[0].Hash != "SHA-1" || !strings.Contains(r.Hint, "MAG322") {
			t.Fatalf("got %d %+v %q", r.Status, r.Blocks, r.Hint)
		}
	})
	t.Run("unknown signer", func(t *testing.T) {
		m := f.model("MAG420")
		b := f.box(m, nil, false)
		r := f.update(b, f.named(m, "unknown-signer"), UpdateOptions{Path: PathBoot})
		if r.Status != StatusWrongSignature || r.Blocks[0].Signer != nil || r.Image.Kind != KindUnknown {
			t.Fatalf("got %d %+v", r.Status, r.Blocks)
		}
	})
}

func TestCheck4Version(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	v := m.FactoryVersion
	t.Run("boot lower refused", func(t *testing.T) {
		b := f.box(m, nil, false)
		r := f.update(b, f.image(m, *spec("stb_public", "", v-1)), UpdateOptions{Path: PathBoot, Force: true})
		if r.Status != StatusFileCheckDone || r.Rule != "version" || !strings.Contains(r.Explain, "older") {
			t.Fatalf("got %d %s %s", r.Status, r.Rule, r.Explain)
		}
	})
	t.Run("boot same refused without Forced", func(t *testing.T) {
		b := f.box(m, nil, false)
		r := f.update(b, f.image(m, *spec("stb_public", "", v)), UpdateOptions{Path: PathBoot})
		if r.Status != StatusFileCheckDone || !strings.Contains(r.Hint, "--force") || !strings.Contains(r.HintMenu, "Image Info › Forced") {
			t.Fatalf("got %d %q %q", r.Status, r.Hint, r.HintMenu)
		}
	})
	t.Run("boot same with --force", func(t *testing.T) {
		b := f.box(m, nil, false)
		if r := f.update(b, f.image(m, *spec("stb_public", "", v)), UpdateOptions{Path: PathBoot, Force: true}); r.Status != StatusFinishedOK {
			t.Fatalf("got %d %s", r.Status, r.Explain)
		}
	})
	t.Run("boot same with Ver_Forced=Yes", func(t *testing.T) {
		b := f.box(m, nil, false)
		if err := b.SaveSettings(map[string]string{"Ver_Forced": "Yes"}); err != nil {
			t.Fatal(err)
		}
		if r := f.update(b, f.image(m, *spec("stb_public", "", v)), UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK {
			t.Fatalf("got %d %s", r.Status, r.Explain)
		}
	})
	t.Run("portal older asks", func(t *testing.T) {
		b := f.box(m, &demoimage.Spec{Signer: "manufacturer", Version: v}, false)
		old := f.image(m, demoimage.Spec{Signer: "manufacturer", Version: v - 1})
		r := f.update(b, old, UpdateOptions{Path: PathPortal})
		if r.Status != StatusFileCheckDone || r.Confirm == "" {
			t.Fatalf("without confirmation: %d %q", r.Status, r.Confirm)
		}
		asked := ""
		r = f.update(b, old, UpdateOptions{Path: PathPortal, Confirm: func(q string) bool { asked = q; return true }})
		if r.Status != StatusFinishedOK || asked == "" {
			t.Fatalf("with confirmation: %d, asked %q", r.Status, asked)
		}
	})
}

func TestCheck5Install(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG322")
	b := f.box(m, nil, false)
	img := f.named(m, "public")
	var stages []Status
	r := f.update(b, img, UpdateOptions{Path: PathBoot, Progress: func(p Progress) {
		if len(stages) == 0 || stages[len(stages)-1] != p.Stage {
			stages = append(stages, p.Stage)
		}
	}})
	if r.Status != StatusFinishedOK || !r.Installed || r.Bank != 1 {
		t.Fatalf("got %+v", r)
	}
	want := []Status{StatusInitialising, StatusInspectingFile, StatusErasing, StatusUpdatingKernel, StatusUpdatingImage, StatusUpdatingEnv, StatusInspecting, StatusFinishedOK}
	if len(stages) != len(want) {
		t.Fatalf("stages %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Fatalf("stages %v, want %v", stages, want)
		}
	}
	if r.Read != int64(len(img)) {
		t.Errorf("read %d bytes of a %d-byte image", r.Read, len(img))
	}
	st := b.State()
	if st.Active != 1 || !st.Banks[0].Valid || !st.Banks[1].Valid || st.Settings["Image_Desc"] != r.Image.Description || st.Settings["Image_Version"] != "219" {
		t.Errorf("state after install: %+v", st)
	}
	got, _ := os.ReadFile(b.BankFile(1))
	if string(got) != string(img) {
		t.Error("bank 1 does not hold the image's bytes")
	}
	if br := b.Boot(); !br.OK || br.Bank != 1 || br.Image.Description != r.Image.Description {
		t.Errorf("boot: %+v", br)
	}
	// The next update goes to bank 0, never to the running bank 1.
	r2 := f.update(b, f.named(m, "public-next"), UpdateOptions{Path: PathBoot})
	if r2.Status != StatusFinishedOK || r2.Bank != 0 {
		t.Fatalf("second update: %d bank %d", r2.Status, r2.Bank)
	}
	// Reopened from disk, the box is the same.
	b2, err := Open(b.Home())
	if err != nil || b2.State().Active != 0 {
		t.Fatalf("reopen: %v", err)
	}
}

func TestR1BootNoOperatorKey(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	r := f.update(b, f.named(m, "custom-alpha"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusFinishedOK || r.Rule != "R1" || r.Image.Kind != KindCustom {
		t.Fatalf("custom at the boot stage: %d %s %s", r.Status, r.Rule, r.Explain)
	}
	// The box learned the custom key from the image it now runs.
	var learned bool
	for _, k := range b.State().Keys {
		if k.Role == RoleCustom && k.ID == f.keys.CustomAlpha.IDString() {
			learned = true
		}
	}
	if !learned {
		t.Errorf("the custom key was not learned: %+v", b.State().Keys)
	}
	r = f.update(b, f.named(m, "operator-one-next"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusWrongSignature || r.Rule != "R1" || !strings.Contains(r.Hint, "operator") {
		t.Fatalf("operator image without key: %d %s %q", r.Status, r.Rule, r.Hint)
	}
}

func TestR2BootOperatorLocked(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG324")
	b := f.box(m, nil, true)
	r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusWrongSignature || r.Rule != "R2" || !strings.Contains(r.Hint, "operator") {
		t.Fatalf("public on a locked box: %d %s %q", r.Status, r.Rule, r.Hint)
	}
	if len(r.Trusted) != 1 || r.Trusted[0].ID != f.keys.OperatorOne.IDString() {
		t.Errorf("trusted: %+v", r.Trusted)
	}
	if r := f.update(b, f.named(m, "operator-one"), UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK || r.Rule != "R2" {
		t.Fatalf("operator image: %d %s %s", r.Status, r.Rule, r.Explain)
	}
	// Neither a factory reset nor Reset Op.KEY removes the key.
	if err := b.FactoryReset(); err != nil {
		t.Fatal(err)
	}
	if err := b.ResetOperatorKey(); err == nil {
		t.Fatal("Reset Op.KEY removed an operator key")
	}
	if b.OperatorKey() == nil || b.State().Settings["oppubKEY"] != f.keys.OperatorOne.IDString() {
		t.Errorf("the operator key is gone: %+v", b.State())
	}
}

func TestR3PortalFactory(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathPortal})
	if r.Status != StatusWrongSignature || r.Rule != "R3" || !strings.Contains(r.Hint, "--via boot") || !strings.Contains(r.HintMenu, "USB Bootstrap") {
		t.Fatalf("public from the factory portal: %d %s %q %q", r.Status, r.Rule, r.Hint, r.HintMenu)
	}
	if r := f.update(b, f.named(m, "factory-next"), UpdateOptions{Path: PathPortal}); r.Status != StatusFinishedOK || r.Rule != "R3" {
		t.Fatalf("factory from the factory portal: %d %s", r.Status, r.Rule)
	}
}

func TestR4PortalPublic(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG420")
	v := m.FactoryVersion
	b := f.box(m, spec("stb_public", "", v), false)
	if r := f.update(b, f.image(m, *spec("stb_public", "custom_alpha", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusWrongSignature || r.Rule != "R4" {
		t.Fatalf("custom from the public portal: %d %s", r.Status, r.Rule)
	}
	if r := f.update(b, f.image(m, *spec("stb_public", "", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusFinishedOK || r.Rule != "R4" {
		t.Fatalf("public from the public portal: %d %s", r.Status, r.Rule)
	}
}

func TestR5PortalCustom(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	v := m.FactoryVersion
	b := f.box(m, spec("stb_public", "custom_alpha", v), false)
	r := f.update(b, f.image(m, *spec("stb_public", "custom_beta", v+1)), UpdateOptions{Path: PathPortal})
	if r.Status != StatusWrongSignature || r.Rule != "R5" || !strings.Contains(r.Explain, "CUSTOM_BETA") {
		t.Fatalf("another custom key: %d %s %s", r.Status, r.Rule, r.Explain)
	}
	if r := f.update(b, f.image(m, *spec("stb_public", "", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusWrongSignature || r.Rule != "R5" {
		t.Fatalf("public from a custom portal: %d %s", r.Status, r.Rule)
	}
	if r := f.update(b, f.image(m, *spec("stb_public", "custom_alpha", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusFinishedOK || r.Rule != "R5" {
		t.Fatalf("same custom key: %d %s %s", r.Status, r.Rule, r.Explain)
	}
}

func TestR6PortalOperator(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG524")
	v := m.FactoryVersion
	b := f.box(m, spec("operator_one", "", v), true)
	if r := f.update(b, f.image(m, *spec("operator_two", "", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusWrongSignature || r.Rule != "R6" {
		t.Fatalf("other operator: %d %s", r.Status, r.Rule)
	}
	if r := f.update(b, f.image(m, *spec("manufacturer", "", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusWrongSignature || r.Rule != "R6" {
		t.Fatalf("factory: %d %s", r.Status, r.Rule)
	}
	if r := f.update(b, f.image(m, *spec("operator_one", "", v+1)), UpdateOptions{Path: PathPortal}); r.Status != StatusFinishedOK || r.Rule != "R6" {
		t.Fatalf("same operator: %d %s %s", r.Status, r.Rule, r.Explain)
	}
}

func TestR7OperatorKeyInstall(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	t.Run("certified", func(t *testing.T) {
		b := f.box(m, nil, false)
		r := b.InstallOperatorKey(f.keys.OperatorOneCert)
		if r.Status != StatusFinishedOK || r.Rule != "R7" || b.OperatorKey() == nil {
			t.Fatalf("got %+v", r)
		}
		if got := b.Trusted(PathBoot); len(got) != 1 || got[0].Role != RoleOperator {
			t.Errorf("trusted at the boot stage: %+v", got)
		}
		if got := b.Trusted(PathPortal); len(got) != 1 || got[0].Role != RoleOperator {
			t.Errorf("trusted on the portal: %+v", got)
		}
		// A second, different operator key is refused; the same one changes nothing.
		before := stateBytes(t, b)
		if r := b.InstallOperatorKey(f.keys.OperatorTwoCert); r.Status != StatusSignatureInit {
			t.Errorf("another operator: %d", r.Status)
		}
		if r := b.InstallOperatorKey(f.keys.OperatorOneCert); r.Status != StatusFinishedOK {
			t.Errorf("same operator again: %d", r.Status)
		}
		if string(stateBytes(t, b)) != string(before) {
			t.Error("state changed")
		}
	})
	t.Run("not certified", func(t *testing.T) {
		b := f.box(m, nil, false)
		pub, _ := f.keys.OperatorOne.ArmoredPublic()
		before := stateBytes(t, b)
		if r := b.InstallOperatorKey(pub); r.Status != StatusSignatureInit || r.Rule != "R7" {
			t.Fatalf("got %d %s", r.Status, r.Rule)
		}
		if r := b.InstallOperatorKey([]byte("garbage")); r.Status != StatusSignatureInit {
			t.Fatalf("garbage: %d", r.Status)
		}
		if string(stateBytes(t, b)) != string(before) || b.OperatorKey() != nil {
			t.Error("state changed")
		}
	})
	t.Run("certified by another manufacturer", func(t *testing.T) {
		dir := tempDir(t)
		pub, _ := f.keys.Public.ArmoredPublic()
		os.WriteFile(filepath.Join(dir, "m.asc"), pub, 0o644)
		img := filepath.Join(dir, "img")
		os.WriteFile(img, f.named(m, "public"), 0o644)
		b, err := Init(filepath.Join(dir, "home"), InitOptions{Model: "MAG254", ManufacturerKey: filepath.Join(dir, "m.asc"), Image: img})
		if err != nil {
			t.Fatal(err)
		}
		if r := b.InstallOperatorKey(f.keys.OperatorOneCert); r.Status != StatusSignatureInit {
			t.Fatalf("got %d", r.Status)
		}
	})
	t.Run("reset without a key", func(t *testing.T) {
		b := f.box(m, nil, false)
		if err := b.ResetOperatorKey(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPortalNeedsARunningImage(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	if err := b.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathPortal})
	if r.Installed || r.Rule != "portal" {
		t.Fatalf("got %d %s", r.Status, r.Rule)
	}
	// At the boot stage the box recovers, whatever the version, into the
	// empty active bank: bank 0, the only valid one, is never written over.
	r = f.update(b, f.named(m, "public-older"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusFinishedOK || r.Bank != 1 || !b.State().Banks[0].Valid {
		t.Fatalf("recovery: %d bank %d %s", r.Status, r.Bank, r.Explain)
	}
}
