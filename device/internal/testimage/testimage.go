// Package testimage makes the small signed images, the demo keys and the
// snapshots of a box's folder that the tests of device and of its
// sub-packages share. It does not import device, so that device's own tests
// may use it.
package testimage

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Key loads the demo secret key name ("stb_public", "operator_one", …).
func Key(t testing.TB, name string) *imagefmt.Key {
	t.Helper()
	k, err := demoimage.LoadSecretKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Spec describes a small test image.
type Spec struct {
	Model   string // "" is MAG254
	Version int
	Date    time.Time
	Desc    string
	RootFS  int64 // RootFS data bytes; 0 is 4096
	Key     *imagefmt.Key
}

// Build writes a signed image with a Kernel of 1024 zero bytes and a RootFS
// of zeros to w, and returns its header.
func Build(t testing.TB, w io.Writer, s Spec) *imagefmt.Header {
	t.Helper()
	if s.Model == "" {
		s.Model = "MAG254"
	}
	if s.RootFS == 0 {
		s.RootFS = 4096
	}
	hdr, err := imagefmt.Build(w, imagefmt.BuildSpec{
		Model: s.Model, Date: imagefmt.FormatHeaderDate(s.Date), Version: s.Version, Description: s.Desc,
		Key: s.Key, Created: s.Date,
		Sections: []imagefmt.SectionSource{
			{Kind: imagefmt.Kernel, Data: bytes.NewReader(make([]byte, 1024)), Size: 1024},
			{Kind: imagefmt.RootFS, Data: io.LimitReader(Zeros{}, s.RootFS), Size: s.RootFS},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return hdr
}

// Bytes is the image of s in memory.
func Bytes(t testing.TB, s Spec) []byte {
	t.Helper()
	var b bytes.Buffer
	Build(t, &b, s)
	return b.Bytes()
}

// Write builds the image of s into dir/rel, making the folders on the way.
func Write(t testing.TB, dir, rel string, s Spec) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, Bytes(t, s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Zeros reads zero bytes for ever.
type Zeros struct{}

// Read fills p with zeros.
func (Zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// EET is the zone of the manufacturer's header dates (UTC+2).
func EET() *time.Location { return time.FixedZone("EET", 2*3600) }

// Files is every file under home, path → bytes; folders are not state, the
// files in them are.
func Files(t testing.TB, home string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(home, p)
		data, err := os.ReadFile(p)
		snap[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// Same reports, as test errors, every entry of before that changed or
// disappeared in after, and every entry that appeared.
func Same(t testing.TB, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if w, ok := after[k]; !ok {
			t.Errorf("%s disappeared", k)
		} else if w != v {
			t.Errorf("%s changed", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s appeared", k)
		}
	}
}
