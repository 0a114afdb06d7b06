package imagefmt

import (
	"bytes"
	"crypto"
	"os"
	"path/filepath"
	"testing"
)

const vectorsDir = "../../shared/vectors"

// vector reads a file of the manufacturer's real test vectors, skipping when they are absent.
func vector(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, name))
	if os.IsNotExist(err) {
		t.Skipf("real vectors not found at %s; skipping", vectorsDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func realPublicKey(t testing.TB) *Key {
	t.Helper()
	k, err := LoadKey(vector(t, "stb_pub_sign.key"))
	if err != nil {
		t.Fatalf("load real STB_PUBLIC: %v", err)
	}
	return k
}

func TestRealKeyLoads(t *testing.T) {
	k := realPublicKey(t)
	if k.IDString() != "8D87EE656BEED1ED" {
		t.Errorf("key id %s, want 8D87EE656BEED1ED", k.IDString())
	}
	if got := k.FingerprintString(); got != "2CE3 2C86 F4D4 D561 E676 B77B 8D87 EE65 6BEE D1ED" {
		t.Errorf("fingerprint %s", got)
	}
	if k.Name != "STB_PUBLIC" || k.UserID != "STB_PUBLIC (Public key!!)" {
		t.Errorf("name %q user id %q", k.Name, k.UserID)
	}
	if k.Certification == nil {
		t.Fatal("the stb_pub_sign.key form must carry its certification block")
	}
	bin, err := LoadKey(vector(t, "stb_pub_sign.bin"))
	if err != nil {
		t.Fatalf("binary form: %v", err)
	}
	if !bin.Same(k) || !bytes.Equal(bin.PublicBytes(), k.PublicBytes()) || bin.Certification == nil {
		t.Error("binary and base64 forms differ")
	}
}

func TestRealGlobalHeader(t *testing.T) {
	g := vector(t, "global_sig")
	h, err := ParseHeader(g[:206])
	if err != nil {
		t.Fatal(err)
	}
	if h.Model != "MAG250" || h.Date != "Thu Feb 21 00:43:44 EET 2019" || h.Version != 219 ||
		h.Description != `"2.19.02-release"` || h.VerUpdateAPI != "2" {
		t.Errorf("fields %+v", h)
	}
	want := []Section{{Kind: RootFS, Size: 72600823}, {Kind: Env, Size: 72, Offset: 72600823}, {Kind: Logotype, Size: 25929, Offset: 72601158}}
	if len(h.Sections) != len(want) {
		t.Fatalf("sections %+v", h.Sections)
	}
	for i := range want {
		if h.Sections[i] != want[i] {
			t.Errorf("section %d = %+v, want %+v", i, h.Sections[i], want[i])
		}
	}
	if _, ok := h.Section(Kernel); ok {
		t.Error("the real MAG250 header has no Kernel line")
	}
}

func TestRealSectionBlocks(t *testing.T) {
	k := realPublicKey(t)
	g := vector(t, "global_sig")
	blocks := g[206:]
	if len(blocks) != 3*BlockSize {
		t.Fatalf("global_sig holds %d block bytes", len(blocks))
	}
	cases := []struct {
		name  string
		data  []byte
		block []byte
	}{
		{"Env", vector(t, "env_mag250.txt"), blocks[BlockSize : 2*BlockSize]},
		{"Logotype", vector(t, "logo.bmp.gz"), blocks[2*BlockSize:]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blk, err := ParseBlock(c.block)
			if err != nil {
				t.Fatal(err)
			}
			check := func(data []byte, alg crypto.Hash) Check {
				h := alg.New()
				h.Write(data)
				s := &Signed{Name: c.name, Block: blk, digests: map[crypto.Hash][]byte{alg: blk.Digest(h)}}
				return CheckSigned(s, []*Key{k})
			}
			if r := check(c.data, crypto.SHA1); !r.OK() || r.Hash != crypto.SHA1 || r.Key != k {
				t.Fatalf("real block does not verify with SHA-1: %+v", r)
			}
			if r := check(c.data, crypto.SHA256); r.OK() {
				t.Error("the SHA-1 block verified as SHA-256")
			}
			for _, bit := range []int{0, 7, len(c.data)*8 - 1} {
				flipped := append([]byte(nil), c.data...)
				flipped[bit/8] ^= 1 << (bit % 8)
				if r := check(flipped, crypto.SHA1); r.OK() {
					t.Errorf("verified with bit %d of the data flipped", bit)
				}
			}
			bad := append([]byte(nil), c.block...)
			bad[100] ^= 0x10
			if blk2, err := ParseBlock(bad); err == nil {
				h := crypto.SHA1.New()
				h.Write(c.data)
				s := &Signed{Name: c.name, Block: blk2, digests: map[crypto.Hash][]byte{crypto.SHA1: blk2.Digest(h)}}
				if CheckSigned(s, []*Key{k}).OK() {
					t.Error("verified with a bit of the signature flipped")
				}
			}
		})
	}
}
