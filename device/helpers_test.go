package device

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// fixture holds the demo keys for one test; loading them is cheap, making RSA keys is not.
type fixture struct {
	t    testing.TB
	keys *demoimage.Keys
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	k, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, keys: k}
}

func (f *fixture) model(name string) Model {
	m, err := LookupModel(name)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

// image builds a demo image into memory.
func (f *fixture) image(m Model, spec demoimage.Spec) []byte {
	f.t.Helper()
	var buf bytes.Buffer
	if err := demoimage.Build(&buf, f.keys, m.DemoModel(), spec); err != nil {
		f.t.Fatal(err)
	}
	return buf.Bytes()
}

// named builds a named demo image into memory.
func (f *fixture) named(m Model, name string) []byte {
	f.t.Helper()
	d, err := demoimage.Lookup(m.DemoModel(), name)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.image(m, d.Spec)
}

// stick writes data as the model's imageupdate on a new USB folder and returns the folder.
func (f *fixture) stick(m Model, data []byte) string {
	f.t.Helper()
	dir := tempDir(f.t)
	folder := filepath.Join(dir, m.USBFolder())
	if err := os.MkdirAll(folder, 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "imageupdate"), data, 0o644); err != nil {
		f.t.Fatal(err)
	}
	return dir
}

// box makes a box of model m running the image built from run (nil: the
// factory image), with the demo operator key One installed when op is true.
func (f *fixture) box(m Model, run *demoimage.Spec, op bool) *Box {
	f.t.Helper()
	dir := tempDir(f.t)
	opts := InitOptions{Model: m.Name}
	if run != nil {
		opts.Image = filepath.Join(dir, "running.img")
		if err := os.WriteFile(opts.Image, f.image(m, *run), 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	if op {
		opts.OperatorKey = filepath.Join(dir, "operator_one.key")
		if err := os.WriteFile(opts.OperatorKey, f.keys.OperatorOneCert, 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	b, err := Init(filepath.Join(dir, "home"), opts)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// update installs data through the pipeline from a USB folder.
func (f *fixture) update(b *Box, data []byte, opts UpdateOptions) Result {
	f.t.Helper()
	return b.Update(context.Background(), USBSource(f.stick(b.Model(), data), b.Model()), opts)
}

// tempDir is a new folder for one test, on a RAM disk when there is one:
// the state writes sync every file, which is slow on a real disk.
func tempDir(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "stbtest"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// stateBytes is the box's state file as it stands.
func stateBytes(t testing.TB, b *Box) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.Home(), StateFileName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func spec(signer, custom string, version int) *demoimage.Spec {
	return &demoimage.Spec{Signer: signer, Custom: custom, Version: version, Tag: "t"}
}
