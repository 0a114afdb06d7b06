package demoimage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestBuildsAreReproducible(t *testing.T) {
	k := keys(t)
	for _, m := range []Model{mag254, mag524} {
		for _, d := range Images(m) {
			if a, b := build(t, k, m, d.Spec), build(t, k, m, d.Spec); !bytes.Equal(a, b) {
				t.Errorf("%s %s: two builds differ", m.Base, d.Name)
			}
		}
	}
}

// The bytes of the demo images are fixed: scenarios, goldens and the box's
// factory image depend on them, so a change of builder must not move a byte.
func TestImagesKeepTheirBytes(t *testing.T) {
	k := keys(t)
	for _, c := range []struct {
		m    Model
		name string
		spec *Spec // nil: the named image
		sum  string
	}{
		{mag254, "factory", nil, "8f4da0ee921126c15a27bf6b3c151b61f53157fd29be2f3614bb173c9a5e86ed"},
		{mag254, "custom-alpha", nil, "e662a830eda74c89732966fd244bdf517631423c932f1a16f6a300893d3ef5f6"},
		{mag254, "tampered", nil, "75625a11f81b93d5f573f67daa5b8facbb4a2a530f669d666f869044fe61887f"},
		{mag254, "cut-short", nil, "71ed301aed2f1011675ad978a8c8afab1dbc3f46bab6ea55169e8d8202016739"},
		{mag254, "wrong-hash", nil, "f1c6738bada324097b4238dbae1cda73791ddb7e7aa27470167ce689864acfad"},
		{mag524, "factory", nil, "b5807790510eff5c8f76284999445bf8fc8b5ea70fa6515859ad020f77f0592a"},
		{mag524, "operator-two", nil, "bfab8e5a2ba8ab96b9d68a7a47117e06375446f599d604a6b415f4ea87fd8496"},
		{mag524, "wrong-model", nil, "1fe0ab3cee49e07f37762f64a9bf8af6e66fd0335cebc06ceb9b544f77bd67ed"},
		{mag524, "larger, carrying another key, Global tampered, own Env",
			&Spec{Signer: "stb_public", Version: 300, RootFSSize: 3 << 20, Carry: "custom_beta", TamperGlobal: true, Env: "a=b\n"},
			"3377f987187f2fa008ab99b3a709c03e2a62eefedcde7672e90881b0ea42c1f4"},
	} {
		var buf bytes.Buffer
		var err error
		if c.spec != nil {
			err = Build(&buf, k, c.m, *c.spec)
		} else {
			err = BuildNamed(&buf, k, c.m, c.name)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", c.m.Base, c.name, err)
		}
		sum := sha256.Sum256(buf.Bytes())
		if got := hex.EncodeToString(sum[:]); got != c.sum {
			t.Errorf("%s %s: SHA-256 %s, want %s", c.m.Base, c.name, got, c.sum)
		}
	}
}

func TestVariantsDifferFromTheGoodImage(t *testing.T) {
	k := keys(t)
	good := Spec{Signer: "stb_public", Version: mag254.FactoryVersion + 1, Tag: "pub"}
	public := build(t, k, mag254, good)
	tampered, cut, global := good, good, good
	tampered.Tamper, cut.Cut, global.TamperGlobal = true, true, true
	if b := build(t, k, mag254, tampered); len(b) != len(public) || countDiff(b, public) != 1 {
		t.Errorf("tampered: %d bytes, %d differ", len(b), countDiff(b, public))
	}
	if b := build(t, k, mag254, global); len(b) != len(public) || countDiff(b, public) != 1 || b[len(b)-100] == public[len(b)-100] {
		t.Errorf("Global tampered: %d bytes, %d differ", len(b), countDiff(b, public))
	}
	if b := build(t, k, mag254, cut); !bytes.Equal(b, public[:len(public)-4096]) {
		t.Errorf("cut short: %d bytes, want the first %d of the good image", len(b), len(public)-4096)
	}
}

func countDiff(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func TestFactoryImageHeader(t *testing.T) {
	k := keys(t)
	for _, c := range []struct {
		m    Model
		want []string
	}{
		{mag254, []string{"STB Model:MAG254\n", "Date:Thu Feb 21 00:43:44 EET 2019\n", "Image Version:218\n", "Image Description:0.2.18-r23-254\n"}},
		{mag524, []string{"STB Model:MAG524\n", "Date:Wed Jun 16 12:09:57 EEST 2021\n", "Image Version:221\n", "Image Description:2.21.05-r1-524\n"}},
	} {
		var buf bytes.Buffer
		if err := BuildNamed(&buf, k, c.m, "factory"); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !bytes.Contains(buf.Bytes()[:400], []byte(w)) {
				t.Errorf("%s factory header lacks %q", c.m.Base, w)
			}
		}
	}
}

func TestBuildRefusesUnknownKeys(t *testing.T) {
	k := keys(t)
	for _, spec := range []Spec{
		{Signer: "nobody", Version: 219},
		{Signer: "stb_public", Custom: "nobody", Version: 219},
		{Signer: "stb_public", Carry: "nobody", Version: 219},
	} {
		if err := Build(&bytes.Buffer{}, k, mag254, spec); err == nil || err.Error() != `no demo key "nobody"` {
			t.Errorf("%+v: %v", spec, err)
		}
	}
}
