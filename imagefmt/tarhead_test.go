package imagefmt

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"
)

// TestHeadEncoder: the header blocks of a folder's entries, set in a copy of
// the first plain one, are archive/tar's, for every name, mode and size an
// entry may have, plain or not; entries encoded one after the other share
// the encoder as a folder's walk does.
func TestHeadEncoder(t *testing.T) {
	names := []string{"a", "bin/busybox", strings.Repeat("n", 99), strings.Repeat("n", 100), strings.Repeat("n", 101),
		strings.Repeat("d", 90) + "/" + strings.Repeat("f", 120), "usr/share/é-ü.txt", "x\x01y", "etc/custom_key.pub"}
	modes := []int64{0, 0o644, 0o600, 0o755 | 0o4000, 0o7777}
	sizes := []int64{0, 1, 511, 512, 513, 100 << 20, 1<<33 - 1, 1 << 33}
	var enc headEncoder
	n := 0
	for _, typ := range []byte{tar.TypeReg, tar.TypeDir} {
		for _, name := range names {
			for _, mode := range modes {
				for _, size := range sizes {
					h := &tar.Header{Typeflag: typ, Name: name, Mode: mode, Size: size, ModTime: testTime, Uname: "root", Gname: "root"}
					if typ == tar.TypeDir {
						if size != 0 {
							continue
						}
						h.Name += "/"
					}
					var want bytes.Buffer
					if err := tar.NewWriter(&want).WriteHeader(h); err != nil {
						t.Fatalf("%q: archive/tar: %v", h.Name, err)
					}
					got, err := enc.encode(h)
					if err != nil || !bytes.Equal(got, want.Bytes()) {
						t.Fatalf("%q mode %o size %d: the header differs from archive/tar's (%v)", h.Name, mode, size, err)
					}
					n++
				}
			}
		}
	}
	if len(enc.first) != 2 || n < 300 {
		t.Errorf("%d headers compared, %d types copied", n, len(enc.first))
	}
}
