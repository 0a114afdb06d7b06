//go:build linux

package device

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// smallDisk mounts a tmpfs of size bytes for one test, or skips the test
// where mounting is not allowed.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fillDisk writes a file into dir until the disk is full.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		return path
	}
	defer f.Close()
	for _, size := range []int{64 << 10, 4 << 10, 512, 1} {
		buf := make([]byte, size)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatal(err)
				}
				break
			}
		}
	}
	return path
}

// TestDiskFullOnASmallTmpfs runs updates on a real, small disk that fills
// up: by itself while the image is written, and at the instants where a full
// disk does most harm (the filler is written right there); the box then
// powers on as the fault matrix says.
func TestDiskFullOnASmallTmpfs(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		step installStep
		op   string // "" : the image itself fills the disk
	}{
		{"the image fills the disk", stepIdle, ""},
		{"full when marking the bank", stepWriting, "mark invalid"},
		{"full when writing the bank", stepWriting, "create"},
		{"full when saving the switch", stepSwitching, "save state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			disk := smallDisk(t, "3m")
			m := f.model("MAG254")
			b, err := Init(filepath.Join(disk, "home"), InitOptions{Model: m.Name})
			if err != nil {
				t.Skipf("the small disk cannot hold a box: %v", err)
			}
			if r := f.update(b, f.named(m, "public"), UpdateOptions{}); r.Status != StatusFinishedOK {
				t.Fatalf("setup: %d %s", r.Status, r.Explain)
			}
			rootfs := int64(4 << 20) // larger than the disk
			if c.op != "" {
				rootfs = 256 << 10
			}
			data := f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 2, Tag: "pub", RootFSSize: rootfs})
			images := map[[32]byte][]byte{sha256.Sum256(data): data}
			for n := range 2 {
				old, _ := os.ReadFile(b.BankFile(n))
				images[sha256.Sum256(old)] = old
			}
			before := picture(t, b)
			filler := ""
			b.faults = func(s installStep, op string) error {
				if c.op != "" && filler == "" && s == c.step && op == c.op {
					filler = fillDisk(t, disk)
				}
				return nil
			}
			r := b.Update(context.Background(), USBSource(f.stick(m, data), m), UpdateOptions{})
			if r.Installed || (r.Status != StatusFlashWrite && r.Status != StatusFileWrite) {
				t.Fatalf("got %d %s", r.Status, r.Explain)
			}
			t.Log(r.Explain)
			if filler != "" {
				os.Remove(filler)
			}
			b.faults = nil
			sc := matrixScenario{name: c.name, bootable: true}
			checkBoxAfterFault(t, b.Home(), before, images, sc, 0, &r)
			// With room again, the update goes through.
			small := f.named(m, "public-next")
			if r := f.update(b, small, UpdateOptions{}); r.Status != StatusFinishedOK {
				t.Errorf("after the disk was freed: %d %s", r.Status, r.Explain)
			}
		})
	}
}
