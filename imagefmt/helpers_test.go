package imagefmt

import (
	"bufio"
	"bytes"
	"crypto"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
)

// demoKey loads an embedded demo key: name is a file of assets.Keys(), e.g. "stb_public.sec.asc".
func demoKey(t testing.TB, name string) *Key {
	t.Helper()
	data, err := fs.ReadFile(assets.Keys(), name)
	if err != nil {
		t.Fatalf("demo key %s: %v", name, err)
	}
	k, err := LoadKey(data)
	if err != nil {
		t.Fatalf("demo key %s: %v", name, err)
	}
	return k
}

// testTime is the creation time the test images carry.
var testTime = time.Date(2019, 2, 20, 22, 43, 44, 0, time.UTC)

// prng is a fast deterministic byte source (xorshift64*) for large test data;
// crypto/rand would dominate the benchmarks.
type prng struct{ s uint64 }

func newPRNG(seed uint64) *prng { return &prng{s: seed | 1} }

func (p *prng) Read(b []byte) (int, error) {
	s := p.s
	i := 0
	for ; i+8 <= len(b); i += 8 {
		s ^= s >> 12
		s ^= s << 25
		s ^= s >> 27
		v := s * 2685821657736338717
		b[i], b[i+1], b[i+2], b[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		b[i+4], b[i+5], b[i+6], b[i+7] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
	}
	for ; i < len(b); i++ {
		s ^= s >> 12
		s ^= s << 25
		s ^= s >> 27
		b[i] = byte((s * 2685821657736338717) >> 56)
	}
	p.s = s
	return len(b), nil
}

// randomBytes returns n deterministic pseudo-random bytes.
func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	newPRNG(seed).Read(b)
	return b
}

// buildBytes builds an image in memory.
func buildBytes(t testing.TB, spec BuildSpec) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Build(&buf, spec); err != nil {
		t.Fatalf("build: %v", err)
	}
	return buf.Bytes()
}

// buildLargeFile writes an image with a RootFS of rootfsSize pseudo-random
// bytes into dir and returns its path and size.
func buildLargeFile(t testing.TB, dir string, rootfsSize int64, alg crypto.Hash, signer *Key) (string, int64) {
	t.Helper()
	path := filepath.Join(dir, "large.img")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	spec := BuildSpec{Model: "MAG324", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 300, Description: "bench",
		Hash: alg, Key: signer, Created: testTime,
		Sections: []SectionSource{{Kind: RootFS, Data: io.LimitReader(newPRNG(uint64(rootfsSize)), rootfsSize), Size: rootfsSize}}}
	if _, err := Build(bw, spec); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return path, info.Size()
}
