package device

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// BenchmarkUpdateUSB256MiB installs a 256 MiB image from a USB folder, from
// the Source to the switched bank, and checks that every byte was read once.
// The image is built once (deterministic) into STB_BENCH_DIR, or a temporary
// folder on the test's disk. Compare with: cat image >/dev/null; sha1sum image.
func BenchmarkUpdateUSB256MiB(b *testing.B) {
	dir := os.Getenv("STB_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else {
		d, err := os.MkdirTemp(dir, "stbbench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(d) })
		dir = d
	}
	f := newFixture(b)
	m := f.model("MAG254")
	stick := filepath.Join(dir, "stick")
	folder := filepath.Join(stick, m.USBFolder())
	if err := os.MkdirAll(folder, 0o755); err != nil {
		b.Fatal(err)
	}
	img := filepath.Join(folder, "imageupdate")
	out, err := os.Create(img)
	if err != nil {
		b.Fatal(err)
	}
	spec := demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 1, Tag: "pub", RootFSSize: 256<<20 - 70<<10}
	if err := demoimage.Build(out, f.keys, m.DemoModel(), spec); err != nil {
		b.Fatal(err)
	}
	out.Close()
	fi, _ := os.Stat(img)
	b.Logf("image %s: %d bytes", img, fi.Size())
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		home := filepath.Join(dir, "home")
		os.RemoveAll(home)
		box, err := Init(home, InitOptions{Model: m.Name})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		r := box.Update(context.Background(), USBSource(stick, m), UpdateOptions{Path: PathBoot})
		if r.Status != StatusFinishedOK {
			b.Fatalf("%d %s", r.Status, r.Explain)
		}
		if r.Read != fi.Size() {
			b.Fatalf("read %d bytes of a %d-byte image", r.Read, fi.Size())
		}
	}
}
