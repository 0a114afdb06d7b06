package imagefmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestKeyOptions: a file of several keys needs an id and names the keys it
// holds; a protected secret key needs its passphrase.
func TestKeyOptions(t *testing.T) {
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	first, err := GenerateKey("FIRST_KEY", "", at)
	if err != nil {
		t.Fatal(err)
	}
	second, err := GenerateKey("SECOND_KEY", "", at)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := first.ArmoredPublic()
	b, _ := second.ArmoredPublic()
	armoredTwo := append(append([]byte(nil), a...), b...)
	binaryTwo := append(append([]byte(nil), first.PublicBytes()...), second.PublicBytes()...)
	for _, two := range [][]byte{armoredTwo, binaryTwo} {
		cases := []struct {
			id   string
			want *Key
			err  []string
		}{
			{"", nil, []string{"holds 2 keys", first.IDString(), `"FIRST_KEY"`, second.IDString(), `"SECOND_KEY"`, "FILE#ID"}},
			{"SECOND_KEY", second, nil},
			{"second_key", second, nil},
			{first.IDString(), first, nil},
			{first.IDString()[8:], first, nil},
			{strings.ReplaceAll(second.FingerprintString(), " ", ""), second, nil},
			{"_KEY", nil, []string{`"_KEY" names 2 keys`}},
			{"THIRD", nil, []string{`no key "THIRD"`, "FIRST_KEY", "SECOND_KEY"}},
		}
		for _, c := range cases {
			k, err := LoadKeyWith(two, KeyOptions{ID: c.id})
			if c.want != nil {
				if err != nil || !k.Same(c.want) {
					t.Errorf("id %q: %v", c.id, err)
				}
				continue
			}
			for _, w := range c.err {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("id %q: error %v, want %q", c.id, err, w)
				}
			}
		}
		all, err := LoadKeys(two)
		if err != nil || len(all) != 2 || !all[0].Same(first) || !all[1].Same(second) {
			t.Errorf("LoadKeys: %d keys, %v", len(all), err)
		}
	}

	// A protected secret key.
	locked, err := GenerateKey("LOCKED_KEY", "", at)
	if err != nil {
		t.Fatal(err)
	}
	if err := locked.Entity.PrivateKey.Encrypt([]byte("right pass")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := locked.Entity.SerializePrivateWithoutSigning(&buf, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	pass := func(p string) func(*Key) ([]byte, error) {
		return func(k *Key) ([]byte, error) {
			if k.Name != "LOCKED_KEY" {
				t.Errorf("asked for the passphrase of %s", k)
			}
			return []byte(p), nil
		}
	}
	if _, err := LoadKey(data); !errors.Is(err, ErrPassphrase) || !strings.Contains(err.Error(), "--passphrase-file") {
		t.Errorf("no passphrase: %v", err)
	}
	if _, err := LoadKeyWith(data, KeyOptions{Passphrase: pass("wrong")}); !errors.Is(err, ErrPassphrase) || !strings.Contains(err.Error(), "does not unlock") {
		t.Errorf("wrong passphrase: %v", err)
	}
	k, err := LoadKeyWith(data, KeyOptions{Passphrase: pass("right pass")})
	if err != nil || k.Private == nil || !k.Same(locked) {
		t.Fatalf("right passphrase: %v", err)
	}
	if _, err := SignBytes(k, 0x5 /* crypto.SHA1 */, []byte("data"), at); err != nil {
		t.Errorf("the unlocked key does not sign: %v", err)
	}
}
