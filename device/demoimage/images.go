package demoimage

import (
	"crypto"
	"fmt"
	"io"
	"strings"
)

// Image is one named demo image, with a line that says what it is for.
type Image struct {
	Name        string // e.g. "public", "custom-alpha", "tampered"
	Description string // what the image is for, in one line
	Spec        Spec   // how it is built
}

// Images lists the named demo images for model m, good ones first.
func Images(m Model) []Image {
	v := m.FactoryVersion
	other := "MAG322"
	if m.Base != "MAG254" {
		other = "MAG254"
	}
	if m.Base == "MAG322" {
		other = "MAG324"
	}
	wrongHash, hashNote := crypto.SHA256, "SHA-256 blocks (this model reads only SHA-1)"
	if m.Hash != crypto.SHA1 {
		wrongHash, hashNote = crypto.SHA1, "SHA-1 blocks (this model accepts only SHA-256)"
	}
	return []Image{
		{"factory", "Factory image, the version the box leaves the factory with", Spec{Signer: "manufacturer", Version: v}},
		{"factory-next", "Factory image, next version (portal update of a Factory box)", Spec{Signer: "manufacturer", Version: v + 1}},
		{"public", "Public image, newer than the factory image", Spec{Signer: "stb_public", Version: v + 1, Tag: "pub"}},
		{"public-next", "Public image, one more version up", Spec{Signer: "stb_public", Version: v + 2, Tag: "pub"}},
		{"public-same", "Public image of the factory version (needs Forced = Yes)", Spec{Signer: "stb_public", Version: v, Tag: "pub"}},
		{"public-older", "Public image older than the factory image (refused at the boot stage)", Spec{Signer: "stb_public", Version: v - 1, Tag: "pub"}},
		{"custom-alpha", "Custom image of Alpha TV (custom key CUSTOM_ALPHA in its RootFS)", Spec{Signer: "stb_public", Custom: "custom_alpha", Version: v + 1, Tag: "alphatv"}},
		{"custom-alpha-next", "Custom image of Alpha TV, next version (portal update of an Alpha TV box)", Spec{Signer: "stb_public", Custom: "custom_alpha", Version: v + 2, Tag: "alphatv"}},
		{"custom-beta", "Custom image of Beta Net (custom key CUSTOM_BETA)", Spec{Signer: "stb_public", Custom: "custom_beta", Version: v + 2, Tag: "betanet"}},
		{"operator-one", "Operator image of One IPTV (needs its operator key in the box)", Spec{Signer: "operator_one", Version: v + 1, Tag: "oneiptv"}},
		{"operator-one-next", "Operator image of One IPTV, next version", Spec{Signer: "operator_one", Version: v + 2, Tag: "oneiptv"}},
		{"operator-two", "Operator image of Two Telecom (needs its operator key in the box)", Spec{Signer: "operator_two", Version: v + 1, Tag: "twotel"}},
		{"tampered", "Public image with one RootFS byte changed after signing", Spec{Signer: "stb_public", Version: v + 1, Tag: "pub", Tamper: true}},
		{"wrong-model", "Public image built for " + other, Spec{Signer: "stb_public", Model: other, Version: v + 1, Tag: "pub"}},
		{"cut-short", "Public image whose last 4 KiB are missing (a broken copy)", Spec{Signer: "stb_public", Version: v + 1, Tag: "pub", Cut: true}},
		{"wrong-hash", "Public image with " + hashNote, Spec{Signer: "stb_public", Version: v + 1, Tag: "pub", Hash: wrongHash}},
		{"unknown-signer", "Image signed by a key no box knows", Spec{Signer: "custom_beta", Version: v + 1, Tag: "homebrew"}},
	}
}

// Lookup finds a named demo image of model m.
func Lookup(m Model, name string) (Image, error) {
	var names []string
	for _, d := range Images(m) {
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return Image{}, fmt.Errorf("no demo image %q: use one of %s", name, strings.Join(names, ", "))
}

// BuildNamed writes the named demo image for model m.
func BuildNamed(w io.Writer, keys *Keys, m Model, name string) error {
	d, err := Lookup(m, name)
	if err != nil {
		return err
	}
	return Build(w, keys, m, d.Spec)
}
