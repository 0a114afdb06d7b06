package device

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stbrecovery/stbrecovery/assets"
)

func TestListStickKeys(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	dir := tempDir(t)
	cert, err := f.keys.Cert("operator_one")
	if err != nil {
		t.Fatal(err)
	}
	custom, err := fs.ReadFile(assets.Keys(), "custom_alpha.pub.asc")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"keys/operator_one.key": cert,
		"keys/broken.key":       []byte("not a key\n"),
		"keys/README.txt":       []byte("not listed\n"),
		"mag254/CUSTOM.KEY":     custom,
		"mag250/other.key":      cert, // another model's folder: not looked at
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "keys", "folder.key"), 0o755); err != nil {
		t.Fatal(err)
	}

	got, err := ListStickKeys(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, keyName string
		certified     bool
	}{
		{"keys/broken.key", "", false},
		{"keys/operator_one.key", f.keys.OperatorOne.Name, true},
		{"mag254/CUSTOM.KEY", f.keys.CustomAlpha.Name, false},
	}
	if len(got) != len(want) {
		t.Fatalf("ListStickKeys = %+v, want %d keys", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.name || g.KeyName != w.keyName || g.Certified != w.certified {
			t.Errorf("key %d = %s %q certified=%v, want %s %q certified=%v", i, g.Name, g.KeyName, g.Certified, w.name, w.keyName, w.certified)
		}
		if g.Description == "" {
			t.Errorf("%s has no description", g.Name)
		}
	}
	if got[1].ID != f.keys.OperatorOne.IDString() {
		t.Errorf("operator_one id = %s, want %s", got[1].ID, f.keys.OperatorOne.IDString())
	}
	if got[0].Description != "not a readable key" {
		t.Errorf("broken.key description = %q", got[0].Description)
	}

	// what is read is what the box installs
	data, err := got[1].Read()
	if err != nil {
		t.Fatal(err)
	}
	box := f.box(m, nil, false)
	if res := box.InstallOperatorKey(data); !res.Installed {
		t.Errorf("installing the listed key: %d %s: %s", res.Status, res.Text, res.Explain)
	}

	// a key gone from the stick is 25
	if err := os.Remove(got[1].File); err != nil {
		t.Fatal(err)
	}
	if _, err := got[1].Read(); StatusOf(err) != StatusFileNotFound {
		t.Errorf("reading a removed key: %v, want status 25", err)
	}
}

func TestListStickKeysNoDrive(t *testing.T) {
	m, err := LookupModel("MAG322")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ListStickKeys(filepath.Join(t.TempDir(), "none"), m); StatusOf(err) != StatusUSBNotFound {
		t.Errorf("no drive: %v, want status 29", err)
	}
	got, err := ListStickKeys(t.TempDir(), m)
	if err != nil || len(got) != 0 {
		t.Errorf("empty drive: %v, %v; want no keys and no error", got, err)
	}
}
