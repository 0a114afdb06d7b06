package device

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRealPublicKey makes a box that trusts the real STB_PUBLIC key (from the
// manufacturer's utilities, ../shared/vectors): images signed by the demo
// STB_PUBLIC key are then refused, as a real box would refuse them.
func TestRealPublicKey(t *testing.T) {
	vec := filepath.Join("..", "..", "shared", "vectors", "stb_pub_sign.key")
	if _, err := os.Stat(vec); err != nil {
		t.Skipf("the real vectors are not here (%v)", err)
	}
	f := newFixture(t)
	m := f.model("MAG250")
	dir := tempDir(t)
	b, err := Init(filepath.Join(dir, "home"), InitOptions{Model: m.Name, PublicKey: vec})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, k := range b.State().Keys {
		if k.Role == RolePublic {
			found = k.ID == "8D87EE656BEED1ED" && k.Name == "STB_PUBLIC"
		}
	}
	if !found {
		t.Fatalf("keys: %+v", b.State().Keys)
	}
	r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathBoot})
	if r.Status != StatusWrongSignature || r.Rule != "R1" || r.Blocks[0].Signer != nil {
		t.Fatalf("a demo image on a box with the real key: %d %s %+v", r.Status, r.Rule, r.Blocks)
	}
	// The box reopens with the real key in its store.
	if _, err := Open(b.Home()); err != nil {
		t.Fatal(err)
	}
}
