package imagefmt

import (
	"archive/tar"
	"bytes"
	"crypto"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// referenceTar is the folder tar as a build spooled it to a temporary file
// before the folder streamed: a walk that writes as it goes. The streamed
// tar must be byte for byte the same.
func referenceTar(t testing.TB, root string, customKey []byte, mtime time.Time) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		name := filepath.ToSlash(rel)
		if customKey != nil && name == CustomKeyPath {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			return nil
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname = name, mtime, 0, 0, "root", "root"
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if customKey != nil {
		h := &tar.Header{Name: CustomKeyPath, Mode: 0o644, Size: int64(len(customKey)), ModTime: mtime,
			Typeflag: tar.TypeReg, Uname: "root", Gname: "root"}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(customKey)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeTree makes the files (path: size) under root; a size < 0 makes a folder.
func writeTree(t testing.TB, root string, files map[string]int) {
	t.Helper()
	for name, size := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if size < 0 {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, randomBytes(uint64(size+len(name)), size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTarFolder: the streamed tar has the size announced before it is
// written and the bytes of the spooled one, for names and sizes that fill
// tar records exactly, long names (a PAX record), the custom key added or
// replaced, modes, empty folders and links left out.
func TestTarFolder(t *testing.T) {
	long := strings.Repeat("d", 90) + "/" + strings.Repeat("f", 120)
	key := []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxsBN\n-----END PGP PUBLIC KEY BLOCK-----\n")
	tests := []struct {
		name  string
		files map[string]int
		key   []byte
		setup func(t *testing.T, root string)
	}{
		{"empty", map[string]int{}, nil, nil},
		{"empty with a key", map[string]int{}, key, nil},
		{"record sizes", map[string]int{"a": 0, "b": 1, "c": 511, "d": 512, "e": 513, "f/g/h": 100 << 10, "f/empty": -1}, nil, nil},
		{"long and non-ASCII names", map[string]int{long: 700, "usr/share/é-ü.txt": 9, strings.Repeat("n", 100): 3}, nil, nil},
		{"the folder's key replaced", map[string]int{"etc/custom_key.pub": 40, "etc/passwd": 30, "zz": 5}, key, nil},
		{"the folder's key kept", map[string]int{"etc/custom_key.pub": 40, "bin/sh": 900}, nil, nil},
		{"modes and links", map[string]int{"bin/run": 100, "etc/conf": 10}, nil, func(t *testing.T, root string) {
			os.Chmod(filepath.Join(root, "bin/run"), 0o755)
			os.Chmod(filepath.Join(root, "etc/conf"), 0o600)
			if err := os.Symlink("run", filepath.Join(root, "bin/link")); err != nil {
				t.Skip("no symlinks here")
			}
		}},
	}
	mtime := time.Date(2019, 2, 20, 22, 43, 44, 0, time.UTC)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, tc.files)
			if tc.setup != nil {
				tc.setup(t, root)
			}
			want := referenceTar(t, root, tc.key, mtime)
			tf, err := NewTarFolder(root, tc.key, mtime)
			if err != nil {
				t.Fatal(err)
			}
			if tf.Size() != int64(len(want)) {
				t.Errorf("Size() = %d, the tar is %d bytes", tf.Size(), len(want))
			}
			var got bytes.Buffer
			n, err := tf.WriteTo(&got)
			if err != nil || n != int64(got.Len()) {
				t.Fatalf("WriteTo = %d, %v (%d bytes written)", n, err, got.Len())
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("the streamed tar (%d bytes) differs from the spooled one (%d bytes)", got.Len(), len(want))
			}
			// WriteRootFS on the folder writes the same bytes.
			var wr bytes.Buffer
			if err := WriteRootFS(&wr, root, tc.key, mtime); err != nil || !bytes.Equal(wr.Bytes(), want) {
				t.Errorf("WriteRootFS: %v; same bytes: %v", err, bytes.Equal(wr.Bytes(), want))
			}
			// The key a Custom image carries is found in it.
			if tc.key != nil {
				if k, err := FindCustomKey(bytes.NewReader(got.Bytes())); err != nil || !bytes.Equal(k, tc.key) {
					t.Errorf("FindCustomKey = %q, %v", k, err)
				}
			}
		})
	}
}

// TestBuildFromTarFolder: an image whose RootFS streams from the folder is
// byte for byte the image built from the same tar given as data.
func TestBuildFromTarFolder(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	custom := demoKey(t, "custom_alpha.sec.asc")
	pub, err := custom.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	writeTree(t, root, map[string]int{"bin/busybox": 300 << 10, "etc/custom_key.pub": 10, "etc/init.d/rcS": 77, "lib": -1})
	for _, tc := range []struct {
		name   string
		key    []byte
		signer *Key
	}{{"public", nil, nil}, {"custom", pub, custom}} {
		t.Run(tc.name, func(t *testing.T) {
			ref := referenceTar(t, root, tc.key, testTime)
			spec := func(src SectionSource) BuildSpec {
				src.Kind, src.Signer = RootFS, tc.signer
				return BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 219, Description: "folder",
					Hash: crypto.SHA1, Key: signer, Created: testTime, Sections: []SectionSource{src}}
			}
			want := buildBytes(t, spec(SectionSource{Data: bytes.NewReader(ref), Size: int64(len(ref))}))
			tf, err := NewTarFolder(root, tc.key, testTime)
			if err != nil {
				t.Fatal(err)
			}
			got := buildBytes(t, spec(SectionSource{From: tf, Size: tf.Size()}))
			if !bytes.Equal(got, want) {
				t.Fatalf("the image streamed from the folder (%d bytes) differs from the one built from its tar (%d bytes)", len(got), len(want))
			}
		})
	}
}

// TestTarFolderChanged: a file that grows or shrinks between the walk and
// the write stops the build instead of writing a wrong size.
func TestTarFolderChanged(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	// a file that ends where the write buffer does is read to its end
	// before it can show that it grew
	full := readBufferSize - tarBlock
	for _, tc := range []struct {
		name      string
		was, size int
	}{{"shrunk", 1000, 100}, {"grown", 1000, 5000}, {"shrunk to nothing", 1000, 0},
		{"grown past a full buffer", full, full + 1}, {"shrunk from a full buffer", full, full - 1}} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			writeTree(t, root, map[string]int{"a": tc.was, "b": 10})
			tf, err := NewTarFolder(root, nil, testTime)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(root, "a"), make([]byte, tc.size), 0o644)
			_, err = Build(io.Discard, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 219,
				Key: signer, Created: testTime, Sections: []SectionSource{{Kind: RootFS, From: tf, Size: tf.Size()}}})
			if err == nil || !strings.Contains(err.Error(), "changed while the image was built") {
				t.Errorf("Build = %v; want an error saying the file changed", err)
			}
		})
	}
}

// overWriter writes more than it announces.
type overWriter struct{ n int }

func (o overWriter) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(make([]byte, o.n))
	return int64(n), err
}

// TestBuildFromSize: a From that writes other than Size bytes fails the build.
func TestBuildFromSize(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	for _, tc := range []struct {
		wrote int
		want  string
	}{{10, "10 bytes, 100 were announced"}, {101, "more bytes than were announced"}} {
		_, err := Build(io.Discard, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 219,
			Key: signer, Created: testTime, Sections: []SectionSource{{Kind: RootFS, From: overWriter{tc.wrote}, Size: 100}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("writing %d of 100 bytes: %v; want %q", tc.wrote, err, tc.want)
		}
	}
}
