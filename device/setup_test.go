package device

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// setupImage writes the named demo image of m into a file of its own.
func setupImage(t *testing.T, m Model, name string) string {
	t.Helper()
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := demoimage.BuildNamed(&buf, keys, m.DemoModel(), name); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func setupBox(t *testing.T, model string) *Box {
	t.Helper()
	b, err := Init(filepath.Join(t.TempDir(), "box"), InitOptions{Model: model})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFlashBankInactive(t *testing.T) {
	b := setupBox(t, "MAG254")
	if err := b.FlashBank(1, setupImage(t, b.Model(), "custom-alpha")); err != nil {
		t.Fatal(err)
	}
	st := b.State()
	if st.Active != 0 || !st.Banks[1].Valid || st.Banks[1].Image.Kind != KindCustom {
		t.Fatalf("bank 1 = %+v, active %d; want a valid custom image, active 0", st.Banks[1], st.Active)
	}
	if st.Settings["Image_Version"] != "218" {
		t.Errorf("Image_Version = %q; flashing the inactive bank must not change it", st.Settings["Image_Version"])
	}
	// Reopened from disk, the box boots the new bank once it is selected.
	re, err := Open(b.Home())
	if err != nil {
		t.Fatal(err)
	}
	if err := re.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	if r := re.Boot(); !r.OK || r.Image.Kind != KindCustom {
		t.Fatalf("boot from bank 1: %+v", r)
	}
}

func TestFlashBankActiveSetsImageSettings(t *testing.T) {
	b := setupBox(t, "MAG322")
	if err := b.FlashBank(0, setupImage(t, b.Model(), "public-next")); err != nil {
		t.Fatal(err)
	}
	st := b.State()
	if st.Settings["Image_Version"] != "220" || b.Running().Kind != KindPublic {
		t.Fatalf("running %+v, Image_Version %q", b.Running(), st.Settings["Image_Version"])
	}
	if r := b.Boot(); !r.OK {
		t.Fatalf("boot: %+v", r)
	}
}

func TestFlashBankRefuses(t *testing.T) {
	b := setupBox(t, "MAG254")
	m := b.Model()
	for _, c := range []struct{ image, want string }{
		{"wrong-model", "built for MAG322"},
		{"operator-one", "does not verify"}, // no operator key installed
		{"tampered", "does not verify"},
		{"wrong-hash", "SHA-256"}, // a SHA-256 image on a SHA-1 model
	} {
		before := b.State()
		err := b.FlashBank(1, setupImage(t, m, c.image))
		if err == nil {
			t.Errorf("%s: flashed; want a refusal", c.image)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want it to say %q", c.image, err, c.want)
		}
		if after := b.State(); after.Banks[1].Valid != before.Banks[1].Valid {
			t.Errorf("%s: bank 1 changed on a refusal", c.image)
		}
	}
	if err := b.FlashBank(2, setupImage(t, m, "public")); err == nil {
		t.Error("bank 2 flashed")
	}
	if err := b.FlashBank(1, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file flashed")
	}
}

func TestFlashBankOperatorImageWithKey(t *testing.T) {
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	b := setupBox(t, "MAG254")
	if r := b.InstallOperatorKey(keys.OperatorOneCert); !r.Installed {
		t.Fatalf("operator key: %+v", r)
	}
	if err := b.FlashBank(0, setupImage(t, b.Model(), "operator-one")); err != nil {
		t.Fatal(err)
	}
	if k := b.Running().Kind; k != KindOperator {
		t.Fatalf("running kind %s", k)
	}
}

func TestDamageBank(t *testing.T) {
	b := setupBox(t, "MAG254")
	if err := b.FlashBank(1, setupImage(t, b.Model(), "public")); err != nil {
		t.Fatal(err)
	}
	if err := b.DamageBank(1); err != nil {
		t.Fatal(err)
	}
	if st := b.State(); st.Banks[1].Valid || st.Banks[1].Image != nil {
		t.Fatalf("bank 1 still valid: %+v", st.Banks[1])
	}
	if r := b.Boot(); !r.OK {
		t.Fatalf("the active bank must still boot: %+v", r)
	}
	if err := b.DamageBank(0); err != nil {
		t.Fatal(err)
	}
	r := b.Boot()
	if r.OK || len(r.Stages) == 0 || r.Stages[len(r.Stages)-1].Panel != "Er20" {
		t.Fatalf("boot with no valid bank: %+v", r)
	}
	// Recovery at the boot stage still works, and writes the other bank.
	usb := t.TempDir()
	folder := filepath.Join(usb, b.Model().USBFolder())
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(setupImage(t, b.Model(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "imageupdate"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	res := b.Update(context.Background(), USBSource(usb, b.Model()), UpdateOptions{Path: PathBoot})
	if !res.Installed {
		t.Fatalf("recovery: %+v", res)
	}
	if r := b.Boot(); !r.OK {
		t.Fatalf("boot after recovery: %+v", r)
	}
	if err := b.DamageBank(-1); err == nil {
		t.Error("bank -1 damaged")
	}
}
