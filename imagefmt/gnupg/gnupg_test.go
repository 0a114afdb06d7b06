package gnupg

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseAgentSignature(t *testing.T) {
	sig := bytes.Repeat([]byte{0xA5}, 256)
	sig[3], sig[9] = '\n', '%' // escaped on the wire
	escaped := strings.NewReplacer("%", "%25", "\n", "%0A", "\r", "%0D").Replace(string(sig))
	cases := []struct {
		name string
		out  string
		want []byte
		err  string
	}{
		{"signature", "OK\nOK\nD (7:sig-val(3:rsa(1:s256:" + escaped + ")))\nOK\n", sig, ""},
		{"split over D lines", "OK\nD (7:sig-val(3:rsa(1:s256:" + escaped[:100] + "\nD " + escaped[100:] + ")))\nOK\n", sig, ""},
		{"shorter integer", "D (7:sig-val(3:rsa(1:s3:abc)))\nOK\n", []byte("abc"), ""},
		{"no secret key", "OK\nERR 67108881 No secret key <GPG Agent>\n", nil, "No secret key"},
		{"cancelled", "ERR 83886179 Operation cancelled <Pinentry>\n", nil, "cancelled"},
		{"nothing", "OK\n", nil, "no RSA signature"},
		{"length past the end", "D (1:s300:abc\n", nil, "cannot be read"},
		{"not a length", "D (1:sx:abc\n", nil, "cannot be read"},
	}
	for _, c := range cases {
		got, err := parseAgentSignature([]byte(c.out))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("%s: %x %v", c.name, got, err)
		}
	}
}

func TestParseSecretKeys(t *testing.T) {
	out := `sec:u:2048:1:0F2EFA4096F17705:1796097289:::u:::scSC:::+:::23::0:
fpr:::::::::2BA35382AB5BDB522DE746E20F2EFA4096F17705:
grp:::::::::0C92E6D915F30786AFD79FB3C69EA34428F64584:
uid:u::::1796097289::67391F428C6D3955E7EA3F644A762E1C35CD0E91::OP\x3aTEST::::::::::0:
ssb:u:2048:1:1111111111111111:1796097289::::::e:::+:::23:
fpr:::::::::AAAA1111111111111111111111111111111111111:
grp:::::::::BBBB111111111111111111111111111111111111:
sec:u:255:22:2222222222222222:1796097289:::u:::scSC:::+:::ed25519::0:
fpr:::::::::CCCC222222222222222222222222222222222222:
grp:::::::::DDDD222222222222222222222222222222222222:
uid:u::::1796097289::67391F428C6D3955E7EA3F644A762E1C35CD0E91::ED_KEY::::::::::0:
`
	keys := parseSecretKeys([]byte(out))
	if len(keys) != 2 {
		t.Fatalf("%d keys: %+v", len(keys), keys)
	}
	k := keys[0]
	if k.id != "0F2EFA4096F17705" || k.fpr != "2BA35382AB5BDB522DE746E20F2EFA4096F17705" || k.grip != "0C92E6D915F30786AFD79FB3C69EA34428F64584" ||
		k.uid != "OP:TEST" || k.algo != 1 || k.bits != 2048 {
		t.Errorf("first key: %+v", k)
	}
	if keys[1].algo != 22 || keys[1].uid != "ED_KEY" {
		t.Errorf("second key: %+v", keys[1])
	}
	if !strings.Contains(k.String(), `"OP:TEST"`) {
		t.Errorf("String: %s", k)
	}
}

func TestAssuanEscape(t *testing.T) {
	if got := assuanEscape(`Sign 100% "A"+B`); got != "Sign+100%25+%22A%22%2BB" {
		t.Errorf("got %s", got)
	}
}

// FuzzAgentSignature: gpg-agent's answer is outside input; no answer panics.
func FuzzAgentSignature(f *testing.F) {
	f.Add([]byte("D (7:sig-val(3:rsa(1:s3:abc)))\nOK\n"))
	f.Add([]byte("ERR 1 x\n"))
	f.Add([]byte("D (1:s9999999999:"))
	f.Fuzz(func(t *testing.T, out []byte) {
		sig, err := parseAgentSignature(out)
		if err == nil && (len(sig) == 0 || len(sig) > 512) {
			t.Fatalf("a signature of %d bytes", len(sig))
		}
	})
}

// FuzzSecretKeys: gpg's listing is outside input; every key kept has a fingerprint and a keygrip.
func FuzzSecretKeys(f *testing.F) {
	f.Add([]byte("sec:u:2048:1:0F2E:1:::u:::scSC:::+:::23::0:\nfpr:::::::::2BA3:\ngrp:::::::::0C92:\n"))
	f.Add([]byte("fpr:::::::::2BA3:\nsec\nuid:::::::::\\x4"))
	f.Fuzz(func(t *testing.T, out []byte) {
		for _, k := range parseSecretKeys(out) {
			if k.fpr == "" || k.grip == "" {
				t.Fatalf("a key without fingerprint or keygrip: %+v", k)
			}
		}
	})
}
