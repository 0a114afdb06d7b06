package demoimage

import (
	"bytes"
	"testing"
)

func TestKeys(t *testing.T) {
	k := keys(t)
	for _, name := range KeyNames() {
		key, err := k.Key(name)
		if err != nil || key == nil || !key.CanSign() {
			t.Fatalf("%s: %v %v", name, key, err)
		}
		pub, err := LoadPublicKey(name)
		if err != nil || !pub.Same(key) || pub.CanSign() {
			t.Errorf("%s: public part %v, %v", name, pub, err)
		}
	}
	for _, name := range OperatorKeyNames() {
		cert, err := k.Cert(name)
		if err != nil || len(cert) == 0 {
			t.Errorf("%s: certified form %d bytes, %v", name, len(cert), err)
		}
	}
	if a, b := k.OperatorOneCert, k.OperatorTwoCert; bytes.Equal(a, b) {
		t.Error("both operators have the same certified key")
	}
	if _, err := k.Key("nobody"); err == nil || err.Error() != `no demo key "nobody"` {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := k.Cert("manufacturer"); err == nil || err.Error() != `no certified demo operator key "manufacturer"` {
		t.Errorf("uncertified key: %v", err)
	}
	if _, err := LoadPublicKey("nobody"); err == nil {
		t.Error("a demo key that does not exist loaded")
	}
	// The lists are copies: changing one changes nothing for the next caller.
	names := KeyNames()
	names[0] = "changed"
	if KeyNames()[0] != "manufacturer" {
		t.Error("KeyNames shares its list")
	}
}
