package device

import (
	"bytes"
	"os"
	"testing"
)

// A box made without an image runs its model's demo factory image, byte for
// byte, with the catalogue's version, date and description in its header.
func TestInitRunsTheDemoFactoryImage(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"MAG254", "MAG524"} {
		m := f.model(name)
		img := f.named(m, "factory")
		for _, want := range []string{"STB Model:" + m.Base + "\n", "Date:" + m.FactoryDate + "\n", "Image Description:" + m.FactoryDesc + "\n"} {
			if !bytes.Contains(img[:400], []byte(want)) {
				t.Errorf("%s: factory header lacks %q", name, want)
			}
		}
		b := f.box(m, nil, false)
		got, err := os.ReadFile(b.BankFile(0))
		if err != nil || !bytes.Equal(got, img) {
			t.Errorf("%s: Init's factory image differs from the demo factory image (%v)", name, err)
		}
		if info := b.Running(); info == nil || info.Version != m.FactoryVersion || info.Description != m.FactoryDesc {
			t.Errorf("%s: running %+v", name, info)
		}
	}
}

// DemoModel hands the demo builder the catalogue's facts of each model.
func TestDemoModel(t *testing.T) {
	for _, m := range Catalogue() {
		d := m.DemoModel()
		if d.Base != m.Base || d.Hash != m.Hash || d.FactoryVersion != m.FactoryVersion || d.FactoryDate != m.FactoryDate || d.FactoryDesc != m.FactoryDesc {
			t.Errorf("%s: %+v", m.Name, d)
		}
	}
}
