package device

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// publicImage builds a Public image for m with the given description.
func (f *fixture) publicImage(m Model, version int, desc string) []byte {
	f.t.Helper()
	k, err := f.keys.Key("stb_public")
	if err != nil {
		f.t.Fatal(err)
	}
	data := make([]byte, 4096)
	rand.Read(data)
	var buf bytes.Buffer
	if _, err := imagefmt.Build(&buf, imagefmt.BuildSpec{Model: m.Base, Date: "Thu Feb 21 00:43:44 EET 2019", Version: version,
		Description: desc, Hash: m.Hash, Key: k, Created: time.Unix(1550702624, 0),
		Sections: []imagefmt.SectionSource{{Kind: imagefmt.RootFS, Data: bytes.NewReader(data), Size: int64(len(data))}}}); err != nil {
		f.t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDescriptionStoredByteExactBoots protects power-on from a description
// the state cannot hold: whatever UTF-8 text an image's description holds is
// stored byte for byte, so the box boots it (GO__) after a restart; a
// description that is not UTF-8 never gets that far (22, nothing changed).
func TestDescriptionStoredByteExactBoots(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	for _, desc := range []string{
		"0.2.18-r19-pub-254",
		`"quoted"-254`,
		"Прошивка-254",
		"a<b>&c\u2028d\u00e9",
		"tab\tand-cr\rhere",
		"\ufeffbom-first",
	} {
		t.Run(desc, func(t *testing.T) {
			b := f.box(m, nil, false)
			res := f.update(b, f.publicImage(m, m.FactoryVersion+1, desc), UpdateOptions{Path: PathBoot})
			if !res.Installed {
				t.Fatalf("not installed: %d %s", res.Status, res.Explain)
			}
			again, err := Open(b.Home())
			if err != nil {
				t.Fatal(err)
			}
			rep := again.Boot()
			if !rep.OK || rep.Image == nil || rep.Image.Description != desc {
				t.Fatalf("boot after restart: ok %v %+v; want GO__ with %q", rep.OK, rep.Stages, desc)
			}
		})
	}
	t.Run("not UTF-8", func(t *testing.T) {
		b := f.box(m, nil, false)
		img := f.publicImage(m, m.FactoryVersion+1, "0.2.18-cafe-254")
		i := bytes.Index(img, []byte("cafe"))
		img[i+3] = 0xe9 // Latin-1 é
		before := stateBytes(t, b)
		res := f.update(b, img, UpdateOptions{Path: PathBoot})
		if res.Installed || res.Status != StatusInvalidHeader {
			t.Fatalf("status %d installed %v; want 22", res.Status, res.Installed)
		}
		if !bytes.Equal(before, stateBytes(t, b)) {
			t.Fatal("the refused image changed the state")
		}
		if rep := b.Boot(); !rep.OK {
			t.Fatalf("the box no longer boots: %+v", rep.Stages)
		}
	})
}
