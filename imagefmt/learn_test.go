package imagefmt

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// learnImage builds a Kernel+RootFS+Env image signed by signer with alg;
// rootfsBy, when set, signs the RootFS block instead.
func learnImage(t *testing.T, alg crypto.Hash, signer, rootfsBy *Key) []byte {
	t.Helper()
	sec := func(k SectionKind, seed uint64, n int) SectionSource {
		d := randomBytes(seed, n)
		return SectionSource{Kind: k, Data: bytes.NewReader(d), Size: int64(n)}
	}
	root := sec(RootFS, 2, 5000)
	root.Signer = rootfsBy
	return buildBytes(t, BuildSpec{Model: "MAG322", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: "learn", Hash: alg, Key: signer, Created: testTime,
		Sections: []SectionSource{sec(Kernel, 1, 700), root, sec(Env, 3, 90)}})
}

// computed names the hashes each section block was given digests of.
func computed(r *Reader) map[string][]crypto.Hash {
	out := map[string][]crypto.Hash{}
	for _, s := range r.Signed() {
		if s.Name == GlobalName {
			continue
		}
		for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
			if _, ok := s.digests[h]; ok {
				out[s.Name] = append(out[s.Name], h)
			}
		}
	}
	return out
}

// TestLearnHashes reads the blocks of a seekable image first and checks that
// a section is hashed once when a given key made its block, with every hash
// otherwise, and that the verdicts are those of hashing everything.
func TestLearnHashes(t *testing.T) {
	pub := demoKey(t, "stb_public.sec.asc")
	custom := demoKey(t, "custom_alpha.sec.asc")
	other := demoKey(t, "manufacturer.pub.asc")
	both := []crypto.Hash{crypto.SHA1, crypto.SHA256}
	sha1, sha256 := []crypto.Hash{crypto.SHA1}, []crypto.Hash{crypto.SHA256}
	tests := []struct {
		name     string
		alg      crypto.Hash
		rootfsBy *Key
		keys     []*Key
		seekable bool
		narrowed int
		want     map[string][]crypto.Hash
		ok       bool // every block verifies
	}{
		{"SHA-1 image, its key", crypto.SHA1, nil, []*Key{other, pub.PublicOnly()}, true, 3,
			map[string][]crypto.Hash{"Kernel": sha1, "RootFS": sha1, "Env": sha1}, true},
		{"SHA-256 image, its key", crypto.SHA256, nil, []*Key{pub.PublicOnly()}, true, 3,
			map[string][]crypto.Hash{"Kernel": sha256, "RootFS": sha256, "Env": sha256}, true},
		{"RootFS by a key not given", crypto.SHA256, custom, []*Key{pub.PublicOnly()}, true, 2,
			map[string][]crypto.Hash{"Kernel": sha256, "RootFS": both, "Env": sha256}, false},
		{"RootFS by a given custom key", crypto.SHA1, custom, []*Key{pub.PublicOnly(), custom.PublicOnly()}, true, 3,
			map[string][]crypto.Hash{"Kernel": sha1, "RootFS": sha1, "Env": sha1}, true},
		{"no key made any block", crypto.SHA1, nil, []*Key{other}, true, 0,
			map[string][]crypto.Hash{"Kernel": both, "RootFS": both, "Env": both}, false},
		{"no keys", crypto.SHA1, nil, nil, true, 0,
			map[string][]crypto.Hash{"Kernel": both, "RootFS": both, "Env": both}, false},
		{"a stream", crypto.SHA1, nil, []*Key{pub.PublicOnly()}, false, 0,
			map[string][]crypto.Hash{"Kernel": both, "RootFS": both, "Env": both}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := learnImage(t, tc.alg, pub, tc.rootfsBy)
			size := int64(len(img))
			if !tc.seekable {
				size = -1
			}
			r, err := NewReader(bytes.NewReader(img), size, both...)
			if err != nil {
				t.Fatal(err)
			}
			n, err := r.LearnHashes(bytes.NewReader(img), tc.keys)
			if err != nil || n != tc.narrowed {
				t.Fatalf("LearnHashes = %d, %v; want %d sections narrowed", n, err, tc.narrowed)
			}
			if err := r.ReadAll(); err != nil {
				t.Fatal(err)
			}
			got := computed(r)
			for name, want := range tc.want {
				if !slices.Equal(got[name], want) {
					t.Errorf("%s hashed with %v, want %v", name, got[name], want)
				}
			}
			// The verdicts are those of a read that hashes everything.
			full, err := NewReader(bytes.NewReader(img), int64(len(img)), both...)
			if err != nil {
				t.Fatal(err)
			}
			if err := full.ReadAll(); err != nil {
				t.Fatal(err)
			}
			checks, fullChecks := r.Verify(tc.keys), full.Verify(tc.keys)
			allOK := true
			for i, c := range checks {
				f := fullChecks[i]
				if c.OK() != f.OK() || c.Key != f.Key || c.Hash != f.Hash || c.HashChecked != f.HashChecked {
					t.Errorf("%s: %+v, hashing everything gives %+v", c.Name, c, f)
				}
				allOK = allOK && c.OK()
			}
			if allOK != tc.ok {
				t.Errorf("every block verifies: %v, want %v", allOK, tc.ok)
			}
		})
	}
}

// TestLearnHashesChangedFile: when the block read ahead names another hash
// than the block that streams by (the file changed between the two reads),
// the streamed block does not verify.
func TestLearnHashesChangedFile(t *testing.T) {
	pub := demoKey(t, "stb_public.sec.asc")
	keys := []*Key{pub.PublicOnly()}
	streamed := learnImage(t, crypto.SHA256, pub, nil)
	ahead := learnImage(t, crypto.SHA1, pub, nil)
	r, err := NewReader(bytes.NewReader(streamed), int64(len(streamed)), crypto.SHA1, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.LearnHashes(bytes.NewReader(ahead), keys); n != 3 || err != nil {
		t.Fatalf("LearnHashes = %d, %v", n, err)
	}
	if err := r.ReadAll(); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Verify(keys) {
		if c.Name == GlobalName {
			continue
		}
		if c.OK() || !strings.Contains(c.Err.Error(), "read for SHA-1") {
			t.Errorf("%s: %v; want a block that does not verify (read for SHA-1)", c.Name, c.Err)
		}
	}
}

// TestLearnHashesOtherImage: a ReaderAt that does not hold the streamed
// image from offset 0 teaches nothing.
func TestLearnHashesOtherImage(t *testing.T) {
	pub := demoKey(t, "stb_public.sec.asc")
	img := learnImage(t, crypto.SHA1, pub, nil)
	other := buildBytes(t, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 7,
		Description: "other", Key: pub, Created: testTime,
		Sections: []SectionSource{{Kind: RootFS, Data: bytes.NewReader(randomBytes(5, 100)), Size: 100}}})
	for name, ra := range map[string][]byte{
		"another image":  other,
		"shifted by one": append([]byte{0}, img...),
		"a short file":   img[:10],
	} {
		r, err := NewReader(bytes.NewReader(img), int64(len(img)), crypto.SHA1, crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := r.LearnHashes(bytes.NewReader(ra), []*Key{pub.PublicOnly()}); n != 0 || err != nil {
			t.Errorf("%s: LearnHashes = %d, %v; want 0, nil", name, n, err)
		}
	}
}

// TestLearnHashesAfterStart: once a section has started, nothing changes.
func TestLearnHashesAfterStart(t *testing.T) {
	pub := demoKey(t, "stb_public.sec.asc")
	img := learnImage(t, crypto.SHA1, pub, nil)
	r, err := NewReader(bytes.NewReader(img), int64(len(img)), crypto.SHA1, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if n, err := r.LearnHashes(bytes.NewReader(img), []*Key{pub.PublicOnly()}); n != 0 || err != nil {
		t.Fatalf("LearnHashes after the first section = %d, %v; want 0, nil", n, err)
	}
	if err := r.ReadAll(); err != nil {
		t.Fatal(err)
	}
	if got := computed(r)["Kernel"]; len(got) != 2 {
		t.Errorf("Kernel hashed with %v, want both", got)
	}
}

// TestVerifyFileHashesOnce: image verify on a file reads each section with
// the one hash its block names.
func TestVerifyFileHashesOnce(t *testing.T) {
	pub := demoKey(t, "stb_public.sec.asc")
	for _, alg := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		t.Run(HashName(alg), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "img")
			if err := os.WriteFile(path, learnImage(t, alg, pub, nil), 0o644); err != nil {
				t.Fatal(err)
			}
			f, checks, err := verifyFile(path, []*Key{pub.PublicOnly()}, crypto.SHA1, crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			for _, c := range checks {
				if !c.OK() || c.Hash != alg {
					t.Errorf("%s: %v with %s, want OK with %s", c.Name, c.Err, HashName(c.Hash), HashName(alg))
				}
			}
			got := computed(f.Reader)
			if len(got) != 3 {
				t.Errorf("hashes of %d sections, want 3", len(got))
			}
			for name, hs := range got {
				if !slices.Equal(hs, []crypto.Hash{alg}) {
					t.Errorf("%s hashed with %v, want only %s", name, hs, HashName(alg))
				}
			}
		})
	}
}
