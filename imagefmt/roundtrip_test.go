package imagefmt

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// optionalKinds are the sections a build may leave out (RootFS is always there).
var optionalKinds = []SectionKind{Kernel, Env, Bootstrap, Userfs, SecondBoot, Logotype}

// TestRoundTrip builds an image for every combination of optional sections
// and both hashes, then reads it back (header, data, blocks), inspects it and
// verifies every block.
func TestRoundTrip(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	pub := demoKey(t, "stb_public.pub.asc")
	other := demoKey(t, "manufacturer.pub.asc")
	for _, alg := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		for mask := 0; mask < 1<<len(optionalKinds); mask++ {
			var kinds []SectionKind
			for i, k := range optionalKinds {
				if mask&(1<<i) != 0 {
					kinds = append(kinds, k)
				}
			}
			name := fmt.Sprintf("%s/%02x", HashName(alg), mask)
			t.Run(name, func(t *testing.T) {
				roundTrip(t, alg, kinds, signer, []*Key{other, pub})
			})
		}
	}
}

func roundTrip(t *testing.T, alg crypto.Hash, optional []SectionKind, signer *Key, keys []*Key) {
	data := map[SectionKind][]byte{RootFS: randomBytes(99, 3000)}
	for i, k := range optional {
		data[k] = randomBytes(uint64(i+1), 100+int(k)*37)
	}
	var sources []SectionSource
	for k := Kernel; k <= Logotype; k++ {
		d, ok := data[k]
		if !ok {
			continue
		}
		src := SectionSource{Kind: k, Data: bytes.NewReader(d), Size: int64(len(d))}
		if k == Bootstrap || k == Userfs {
			src.Version = "v" + k.String()
		}
		sources = append(sources, src)
	}
	img := buildBytes(t, BuildSpec{Model: "MAG322", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: "0.2.18-r19-pub-254", Hash: alg, Key: signer, Created: testTime, Sections: sources,
		Extra: []Field{{Name: "Built by", Value: "roundtrip test"}}})

	// Streaming read with both hashes, checking each section's data.
	r, err := NewReader(bytes.NewReader(img), int64(len(img)), crypto.SHA1, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	if h.Model != "MAG322" || h.Version != 218 || h.Description != "0.2.18-r19-pub-254" || h.VerUpdateAPI != "2" {
		t.Errorf("header %+v", h)
	}
	if u := h.Unknown(); len(u) != 1 || u[0].Value != "roundtrip test" {
		t.Errorf("unknown lines %+v", u)
	}
	if len(h.Sections) != len(sources) {
		t.Fatalf("%d sections, want %d", len(h.Sections), len(sources))
	}
	for i := 0; ; i++ {
		s, err := r.Next()
		if err == io.EOF {
			if i != len(sources) {
				t.Fatalf("EOF after %d sections", i)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Kind != sources[i].Kind {
			t.Fatalf("section %d is %s, want %s", i, s.Kind, sources[i].Kind)
		}
		if (s.Kind == Bootstrap || s.Kind == Userfs) && s.Version != "v"+s.Kind.String() {
			t.Errorf("%s version %q", s.Kind, s.Version)
		}
		if i%2 == 0 { // read half the sections, let Next skip the others
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data[s.Kind]) {
				t.Errorf("%s data differs", s.Kind)
			}
		}
	}
	if !r.Done() || r.Consumed() != int64(len(img)) {
		t.Errorf("done %v consumed %d of %d", r.Done(), r.Consumed(), len(img))
	}
	checks := r.Verify(keys)
	if len(checks) != len(sources)+1 || checks[len(checks)-1].Name != GlobalName {
		t.Fatalf("%d checks", len(checks))
	}
	for _, c := range checks {
		if !c.OK() || !c.Key.Same(signer) || c.Hash != alg || !c.HashChecked {
			t.Errorf("%s: ok=%v key=%v hash=%s err=%v", c.Name, c.OK(), c.Key, HashName(c.Hash), c.Err)
		}
		if !c.Block.Time().Equal(testTime) {
			t.Errorf("%s created %v", c.Name, c.Block.Time())
		}
	}

	// Inspect agrees with the streaming reader, without reading the data.
	ih, blocks, err := Inspect(bytes.NewReader(img), int64(len(img)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ih.Raw(), h.Raw()) || len(blocks) != len(checks) {
		t.Fatalf("inspect: %d blocks", len(blocks))
	}
	for i, b := range blocks {
		if !bytes.Equal(b.Raw, r.Signed()[i].Raw) || b.Name != checks[i].Name {
			t.Errorf("inspect block %d (%s) differs", i, b.Name)
		}
	}

	// With only the other generation's hash, the blocks are found but not checkable.
	otherAlg := crypto.SHA256
	if alg == crypto.SHA256 {
		otherAlg = crypto.SHA1
	}
	r2, err := NewReader(bytes.NewReader(img), -1, otherAlg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.ReadAll(); err != nil {
		t.Fatal(err)
	}
	for _, c := range r2.Verify(keys) {
		if c.Name == GlobalName {
			if !c.OK() { // the global block's bytes are kept, so any hash can be checked
				t.Errorf("global with %s: %v", HashName(otherAlg), c.Err)
			}
			continue
		}
		if c.OK() || c.HashChecked || !c.Key.Same(signer) || Code(c.Err) != 17 {
			t.Errorf("%s read for %s: ok=%v checked=%v err=%v", c.Name, HashName(otherAlg), c.OK(), c.HashChecked, c.Err)
		}
	}
}

// TestCustomImage: the RootFS is a tar that carries the custom key and its
// block is signed by that key; every other block by the signer.
func TestCustomImage(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	custom := demoKey(t, "custom_alpha.sec.asc")
	customPub, err := custom.ArmoredPublic()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "etc", "hostname"), []byte("mag\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, alg := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		t.Run(HashName(alg), func(t *testing.T) {
			var rootfs bytes.Buffer
			if err := WriteRootFS(&rootfs, dir, customPub, testTime); err != nil {
				t.Fatal(err)
			}
			env := []byte("serial=1\n")
			img := buildBytes(t, BuildSpec{Model: "MAG254", Date: "d", Version: 1, Description: "custom", Hash: alg,
				Key: signer, Created: testTime, Sections: []SectionSource{
					{Kind: RootFS, Data: bytes.NewReader(rootfs.Bytes()), Size: int64(rootfs.Len()), Signer: custom},
					{Kind: Env, Data: bytes.NewReader(env), Size: int64(len(env))},
				}})
			r, err := NewReader(bytes.NewReader(img), int64(len(img)), crypto.SHA1, crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Next(); err != nil {
				t.Fatal(err)
			}
			scan := NewKeyScanner()
			if _, err := r.WriteTo(scan); err != nil {
				t.Fatal(err)
			}
			found, err := scan.Close()
			if err != nil || found == nil {
				t.Fatalf("custom key in RootFS: %q %v", found, err)
			}
			fk, err := LoadKey(found)
			if err != nil || !fk.Same(custom) {
				t.Fatalf("the RootFS carries another key: %v", err)
			}
			if err := r.ReadAll(); err != nil {
				t.Fatal(err)
			}
			want := map[string]*Key{"RootFS": custom, "Env": signer, GlobalName: signer}
			for _, c := range r.Verify([]*Key{signer.PublicOnly(), custom.PublicOnly()}) {
				if !c.OK() || !c.Key.Same(want[c.Name]) || c.Hash != alg {
					t.Errorf("%s: %v by %v", c.Name, c.Err, c.Key)
				}
			}
			// Without the custom key, only the RootFS block fails.
			for _, c := range r.Verify([]*Key{signer.PublicOnly()}) {
				if (c.Name == "RootFS") == c.OK() {
					t.Errorf("%s without the custom key: ok=%v", c.Name, c.OK())
				}
			}
		})
	}
}

// TestParseHeaderLastLine: a header whose last field runs into "Start data..." is refused.
func TestParseHeaderLastLine(t *testing.T) {
	base := "STB Model:MAG254\nDate:d\nImage Version:1\nImage Description:x\n"
	if _, err := ParseHeader([]byte(base + "Start data...\n")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{base + "Foo:barStart data...\n", strings.TrimSuffix(base, "\n") + "Start data...\n"} {
		if _, err := ParseHeader([]byte(bad)); Code(err) != 22 {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestParallelHashes streams sections large enough for the hashes to run side
// by side, through both Read and WriteTo, and checks every block.
func TestParallelHashes(t *testing.T) {
	signer := demoKey(t, "stb_public.sec.asc")
	kernel := randomBytes(5, 3<<20+17)
	rootfs := randomBytes(6, 2<<20+1)
	for _, alg := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		img := buildBytes(t, BuildSpec{Model: "MAG520", Date: "d", Version: 1, Description: "p", Hash: alg, Key: signer,
			Created: testTime, Sections: []SectionSource{
				{Kind: Kernel, Data: bytes.NewReader(kernel), Size: int64(len(kernel))},
				{Kind: RootFS, Data: bytes.NewReader(rootfs), Size: int64(len(rootfs))},
			}})
		r, err := NewReader(bytes.NewReader(img), int64(len(img)), crypto.SHA1, crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1<<20) // Read with a large buffer
		var got bytes.Buffer
		for {
			n, err := r.Read(buf)
			got.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got.Bytes(), kernel) {
			t.Fatal("kernel data differs")
		}
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		got.Reset()
		if _, err := r.WriteTo(&got); err != nil { // WriteTo hashes from the reader's buffer
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), rootfs) {
			t.Fatal("rootfs data differs")
		}
		if err := r.ReadAll(); err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Verify([]*Key{signer}) {
			if !c.OK() || c.Hash != alg {
				t.Errorf("%s %s: %v", HashName(alg), c.Name, c.Err)
			}
		}
	}
}
