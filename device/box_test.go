package device

import (
	"os"
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	want := []string{"MAG250", "MAG254", "MAG254w1", "MAG254w2", "MAG270", "MAG256", "MAG322", "MAG324", "MAG349", "MAG351", "MAG410", "MAG420", "MAG424", "MAG425", "MAG520", "MAG522", "MAG524"}
	got := Catalogue()
	if len(got) != len(want) {
		t.Fatalf("%d models", len(got))
	}
	for i, m := range got {
		if m.Name != want[i] {
			t.Errorf("model %d is %s, want %s", i, m.Name, want[i])
		}
		if (m.Menu == MenuBootloader) != (m.Base == "MAG250" || m.Base == "MAG254" || m.Base == "MAG270") {
			t.Errorf("%s: menu %v", m.Name, m.Menu)
		}
		if m.Emergency != (m.Name == "MAG420" || m.Name == "MAG424") {
			t.Errorf("%s: emergency %v", m.Name, m.Emergency)
		}
		if _, ok := ParseImageDate(m.FactoryDate); !ok {
			t.Errorf("%s: date %q", m.Name, m.FactoryDate)
		}
	}
	for _, n := range []string{"mag254w1", "254", "MAG-322"} {
		if _, err := LookupModel(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if m, _ := LookupModel("mag254w2"); m.USBFolder() != "mag254" {
		t.Errorf("USB folder %s", m.USBFolder())
	}
}

func TestBootAndBanks(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	br := b.Boot()
	panels := []string{}
	for _, s := range br.Stages {
		panels = append(panels, s.Panel)
	}
	if !br.OK || strings.Join(panels, " ") != "254 nand chec GO__" {
		t.Fatalf("boot: %v %v", br.OK, panels)
	}
	// The backup bank is empty: booting it stops at Er20 and does not switch back.
	if err := b.SetActiveBank(1); err != nil {
		t.Fatal(err)
	}
	br = b.Boot()
	last := br.Stages[len(br.Stages)-1]
	if br.OK || last.Panel != "Er20" || last.Text != "Active partition not valid" || b.State().Active != 1 {
		t.Fatalf("boot of an empty bank: %+v", br)
	}
	if !strings.Contains(br.Hint, "NAND") {
		t.Errorf("hint %q", br.Hint)
	}
	if b.State().Settings["bootmode"] != "NAND2" {
		t.Errorf("bootmode %s", b.State().Settings["bootmode"])
	}
	if err := b.SaveSettings(map[string]string{"bootmode": "NAND"}); err != nil {
		t.Fatal(err)
	}
	if !b.Boot().OK {
		t.Fatal("NAND again does not boot")
	}
	// A bank file that went missing stops at Er20 too.
	os.Remove(b.BankFile(0))
	if br := b.Boot(); br.OK || br.Stages[len(br.Stages)-1].Text != "Error loading image from nand" {
		t.Fatalf("missing bank file: %+v", br)
	}
	if err := b.SetActiveBank(2); err == nil {
		t.Error("bank 2 accepted")
	}
}

func TestSettings(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG322"), nil, false)
	if err := b.SaveSettings(map[string]string{"tvsystem": "1080i-50", "portal1": "http://portal.example/", "autoupdate_cond": "2"}); err != nil {
		t.Fatal(err)
	}
	before := stateBytes(t, b)
	for _, bad := range []map[string]string{{"tvsystem": "SECAM"}, {"Image_Version": "999"}, {"serial#": "x"}, {"a=b": "c"}, {"portal1": "two\nlines"}} {
		if err := b.SaveSettings(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if string(stateBytes(t, b)) != string(before) {
		t.Error("a refused change was stored")
	}
	if err := b.FactoryReset(); err != nil {
		t.Fatal(err)
	}
	st := b.State()
	if st.Settings["tvsystem"] != "720p-50" || st.Settings["autoupdate_cond"] != "1" || st.Settings["portal1"] != "" || st.Settings["Image_Version"] != "218" || st.Settings["serial#"] == "" {
		t.Errorf("after reset: %v", st.Settings)
	}
	lines := b.Printenv()
	for i := 1; i < len(lines); i++ {
		if lines[i-1] > lines[i] {
			t.Error("printenv is not sorted")
		}
	}
}
