package device

import "testing"

// TestKeysComparedByFingerprint protects the rules from two keys that share
// a key id: only the full fingerprints tell them apart.
func TestKeysComparedByFingerprint(t *testing.T) {
	a := KeyRef{Role: RolePublic, Name: "STB_PUBLIC", ID: "BE49D5235C4D8326", Fingerprint: "3F94 8890 0A93 146A B04E F163 BE49 D523 5C4D 8326"}
	forged := KeyRef{Role: RoleOperator, Name: "OP", ID: a.ID, Fingerprint: "0000 0000 0000 0000 0000 0000 BE49 D523 5C4D 8326"}
	old := KeyRef{Role: RolePublic, Name: "STB_PUBLIC", ID: a.ID}
	cases := []struct {
		name string
		x, y KeyRef
		want bool
	}{
		{"the same key", a, a, true},
		{"same key id, other fingerprint", a, forged, false},
		{"a record without fingerprint falls back to the key id", a, old, true},
		{"no key at all", KeyRef{}, KeyRef{}, false},
	}
	for _, c := range cases {
		if got := c.x.Is(c.y); got != c.want {
			t.Errorf("%s: Is = %v, want %v", c.name, got, c.want)
		}
		if got := c.y.Is(c.x); got != c.want {
			t.Errorf("%s (reversed): Is = %v, want %v", c.name, got, c.want)
		}
	}
}
