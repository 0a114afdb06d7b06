package imagefmt

import (
	"bufio"
	"bytes"
	"crypto"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/assets"
)

// Run a fuzz target with, e.g.:
//
//	go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 20s -fuzzminimizetime 2s ./imagefmt
//
// A short -fuzzminimizetime matters here: minimizing a new 2 KiB input (a
// whole image, a whole key) for the default 60 s stalls the exec counter,
// which then looks like a hang.

// fuzzSeedImage is a small valid image for the seeds.
func fuzzSeedImage(f *testing.F) []byte {
	signer := demoKey(f, "stb_public.sec.asc")
	return buildBytes(f, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: "x", Key: signer, Created: testTime, Sections: []SectionSource{
			{Kind: Kernel, Data: strings.NewReader("kernel"), Size: 6},
			{Kind: RootFS, Data: strings.NewReader("rootfs"), Size: 6},
			{Kind: Env, Data: strings.NewReader("env"), Size: 3},
			{Kind: Bootstrap, Data: strings.NewReader("bs"), Size: 2, Version: "7"},
		}})
}

// FuzzReader feeds arbitrary bytes to the header parser and the streaming
// reader (with and without a known size), and to Inspect: none may panic, and
// every error must carry a status code.
func FuzzReader(f *testing.F) {
	img := fuzzSeedImage(f)
	f.Add(img)
	f.Add(img[:len(img)-1])
	f.Add([]byte("STB Model:MAG254\nDate:d\nImage Version:1\nImage Description:x\nImage  size:263\nStart data...\n"))
	f.Add([]byte("Start data...\n"))
	f.Add([]byte(""))
	if g, err := os.ReadFile(filepath.Join(vectorsDir, "global_sig")); err == nil {
		f.Add(g)
	}
	keys := []*Key{demoKey(f, "stb_public.pub.asc")}
	f.Fuzz(func(t *testing.T, data []byte) {
		if h, err := ParseHeader(data); err == nil {
			_ = h.DataSize()
			_ = h.Unknown()
		} else if c := Code(err); c != 22 {
			t.Fatalf("ParseHeader: code %d for %v", c, err)
		}
		if h, err := ReadHeader(bufio.NewReader(bytes.NewReader(data))); err == nil {
			if !bytes.HasPrefix(data, h.Raw()) {
				t.Fatal("ReadHeader's raw bytes are not the input's start")
			}
		}
		for _, size := range []int64{int64(len(data)), -1} {
			r, err := NewReader(bytes.NewReader(data), size, crypto.SHA1, crypto.SHA256)
			if err != nil {
				if c := Code(err); c != 22 && c != 27 {
					t.Fatalf("NewReader: code %d for %v", c, err)
				}
				continue
			}
			if err := r.ReadAll(); err != nil {
				if c := Code(err); c != 22 && c != 27 {
					t.Fatalf("ReadAll: code %d for %v", c, err)
				}
				continue
			}
			if r.Consumed() != int64(len(data)) {
				t.Fatalf("consumed %d of %d bytes", r.Consumed(), len(data))
			}
			for _, c := range r.Verify(keys) {
				if !c.OK() && Code(c.Err) != 17 {
					t.Fatalf("check %s: %v", c.Name, c.Err)
				}
			}
		}
		if _, _, err := Inspect(bytes.NewReader(data), int64(len(data))); err != nil {
			if c := Code(err); c != 22 && c != 27 {
				t.Fatalf("Inspect: code %d for %v", c, err)
			}
		}
	})
}

// FuzzBlock parses arbitrary 263-byte blocks and opens them with a key.
func FuzzBlock(f *testing.F) {
	img := fuzzSeedImage(f)
	f.Add(img[len(img)-BlockSize:])
	f.Add(make([]byte, BlockSize))
	f.Add(bytes.Repeat([]byte{0xff}, BlockSize))
	f.Add([]byte{0, 1, 2})
	if g, err := os.ReadFile(filepath.Join(vectorsDir, "global_sig")); err == nil && len(g) >= 206+BlockSize {
		f.Add(g[206 : 206+BlockSize])
	}
	pub := demoKey(f, "stb_public.pub.asc")
	f.Fuzz(func(t *testing.T, data []byte) {
		blk, err := ParseBlock(data)
		if err != nil {
			if Code(err) != 17 {
				t.Fatalf("ParseBlock: %v", err)
			}
			if len(data) != BlockSize {
				return
			}
		} else if !bytes.Equal(blk.Bytes(), data) {
			t.Fatal("Bytes does not give back the parsed block")
		}
		alg, digest, ok := blk.Recover(pub.Public)
		if ok && len(digest) != alg.Size() {
			t.Fatalf("recovered a %d-byte digest for %s", len(digest), HashName(alg))
		}
		s := &Signed{Name: "Fuzz", Block: blk, shape: err, digests: map[crypto.Hash][]byte{crypto.SHA1: make([]byte, 20)}}
		_ = CheckSigned(s, []*Key{pub})
	})
}

// FuzzLoadKey feeds arbitrary bytes to the key loader.
func FuzzLoadKey(f *testing.F) {
	entries, _ := fs.ReadDir(assets.Keys(), ".")
	for _, e := range entries {
		if data, err := fs.ReadFile(assets.Keys(), e.Name()); err == nil {
			f.Add(data)
		}
	}
	for _, v := range []string{"stb_pub_sign.key", "stb_pub_sign.bin"} {
		if data, err := os.ReadFile(filepath.Join(vectorsDir, v)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n"))
	f.Add([]byte{0x99, 0x01, 0x0d, 0x04})
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := LoadKey(data)
		if err != nil {
			return
		}
		if k.Public == nil || k.Public.N.BitLen() != 2048 {
			t.Fatal("LoadKey returned a key that is not RSA-2048")
		}
		_ = k.String()
		_ = k.FingerprintString()
		if _, err := k.ArmoredPublic(); err != nil {
			t.Fatalf("a loaded key cannot be written back: %v", err)
		}
		if k.Certification != nil {
			_, _ = k.VerifyCertification(k)
		}
	})
}
