package demoimage

import (
	"bytes"
	"crypto"
	"testing"
)

// Two models of the catalogue, one of each family: the builder must give
// them exactly the images the box and the stick have always had.
var (
	mag254 = Model{Base: "MAG254", Hash: crypto.SHA1, FactoryVersion: 218, FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254"}
	mag524 = Model{Base: "MAG524", Hash: crypto.SHA256, FactoryVersion: 221, FactoryDate: "Wed Jun 16 12:09:57 EEST 2021", FactoryDesc: "2.21.05-r1-524"}
)

func keys(t testing.TB) *Keys {
	t.Helper()
	k, err := LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func build(t testing.TB, k *Keys, m Model, spec Spec) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Build(&buf, k, m, spec); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
