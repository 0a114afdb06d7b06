package tui

import (
	"crypto"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Install Op.KEY: a certified operator key from the USB drive (R7).

// putFile writes data at name (slash-separated) on the stick, making one when
// tb has none.
func (tb *testBox) putFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if tb.usb == "" {
		tb.usb = t.TempDir()
	}
	p := filepath.Join(tb.usb, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// putCert puts the certified demo operator key name on the stick as keys/<name>.key.
func (tb *testBox) putCert(t testing.TB, name string) {
	t.Helper()
	cert, err := tb.keys.Cert(name)
	if err != nil {
		t.Fatal(err)
	}
	tb.putFile(t, "keys/"+name+".key", cert)
}

// putDemoImage puts the named demo image on the stick at root/<model>/imageupdate.
func (tb *testBox) putDemoImage(t testing.TB, root, name string) {
	t.Helper()
	data, err := os.ReadFile(tb.demoFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if root != "" {
		root += "/"
	}
	tb.putFile(t, root+tb.model.USBFolder()+"/imageupdate", data)
}

// blInstallOpKey opens the Bootloader's Upgrade Tools → Install Op.KEY.
func blInstallOpKey(s *session) {
	s.t.Helper()
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right")
	s.waitFor("Install Op.KEY")
	s.down(3)
	s.keys("enter")
	s.waitFor("Key files on the USB drive")
}

func TestOutcomeOpKeyInstalledSRU(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
	tb.putCert(t, "operator_one")
	tb.putCert(t, "operator_two")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	s.keys("down", "enter") // Upgrade Tools
	s.waitFor("Using multicast")
	s.down(2)
	s.keys("enter")
	s.waitFor("keys/operator_two.key")
	s.keys("enter")
	s.waitFor("Install the operator key OPERATOR_ONE", "cannot be undone")
	s.keys("y")
	s.waitFor("installed: the box now accepts")
	s.golden()
	op := tb.box.OperatorKey()
	if op == nil || op.ID != tb.keys.OperatorOne.IDString() {
		t.Errorf("operator key after the install: %+v, want operator_one", op)
	}
}

// TestOutcomeOpKeyUncertified: a custom key renamed to .key carries no
// certification; the box refuses it with 1 Signature init error (R7).
func TestOutcomeOpKeyUncertified(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	pub, err := fs.ReadFile(assets.Keys(), "custom_alpha.pub.asc")
	if err != nil {
		t.Fatal(err)
	}
	tb.putFile(t, "keys/custom_alpha.key", pub)
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	blInstallOpKey(s)
	s.keys("enter", "y")
	s.waitFor("1 Signature init error", "rule R7", "Next:")
	s.golden()
	if op := tb.box.OperatorKey(); op != nil {
		t.Errorf("an uncertified key was installed: %+v", op)
	}
}

// TestOutcomeOpKeyWrongCertifier: an operator key certified by a key other
// than MANUFACTURER is refused, on the portal too.
func TestOutcomeOpKeyWrongCertifier(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	// operator_two certified by custom_alpha: a certification, by the wrong key
	cert, err := imagefmt.Certify(tb.keys.CustomAlpha, tb.keys.OperatorTwo, crypto.SHA256, time.Unix(1550000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	tb.putFile(t, tb.model.USBFolder()+"/mixed.key", cert)
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, false, 80, 24)
	s.waitFor("Home")
	s.keys("enter") // Settings
	s.waitFor("Install Op.KEY")
	s.keys("down", "enter")
	s.waitFor("mag254/mixed.key")
	s.keys("enter", "enter")
	s.waitFor("1 Signature init error", "rule R7")
	if op := tb.box.OperatorKey(); op != nil {
		t.Errorf("a key with a foreign certification was installed: %+v", op)
	}
	s.finish()
}

// TestFlowOpKeyThenOperatorImage: install operator_one in the Bootloader,
// then its image through USB Bootstrap (R2 lets it in), then a Public image
// is refused by R2. Each step is recorded for training.
func TestFlowOpKeyThenOperatorImage(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.putCert(t, "operator_one")
	tb.putDemoImage(t, "", "operator-one")
	tb.putDemoImage(t, "variants/public", "public")
	var recorded []string
	opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
	opts.Training = &fakeTraining{
		brief: ScenarioBrief{Name: "operator-key-install", Title: "Joining an operator", Model: "MAG254",
			Goal: "The box holds the operator's key and runs its image."},
		record: func(step Step) {
			if st, ok := step.(UpdateStep); ok {
				recorded = append(recorded, st.Action+" "+st.Detail+": "+strconv.Itoa(int(st.Result.Status))+" "+string(st.Result.Rule))
			}
		},
		check: func(box *device.Box) GoalState { return GoalState{Steps: len(recorded)} },
	}
	s := startWith(t, opts, 80, 24)
	s.waitFor("Press m (MENU)")
	blInstallOpKey(s)
	s.keys("enter", "y")
	s.waitFor("installed: the box now accepts")
	s.keys("enter", "esc") // back to the list, back to Upgrade Tools
	s.waitFor("USB Bootstrap")
	s.keys("up", "up", "up", "enter") // USB Bootstrap
	s.waitFor("OK installs")
	s.keys("enter") // mag254/imageupdate: the operator's image
	s.waitFor("Update finished OK")
	if img := tb.box.Running(); img == nil {
		t.Fatal("no image runs")
	}
	st := tb.box.State()
	if other := st.Banks[1-st.Active]; !st.Banks[st.Active].Valid || st.Banks[st.Active].Image.Kind != device.KindOperator || !other.Valid {
		t.Errorf("after the operator image: active bank %d holds %+v", st.Active, st.Banks[st.Active].Image)
	}
	s.keys("enter") // reboot
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter") // Upgrade Tools → USB Bootstrap
	s.waitFor("OK installs", "public")
	s.keys("down", "enter") // variants/public
	s.waitFor("Wrong digital signature", "rule R2")
	s.golden()
	want := []string{
		"Install Op.KEY USB keys/operator_one.key: 16 R7",
		"USB Bootstrap USB mag254/imageupdate: 16 R2",
		"USB Bootstrap USB variants/public/mag254/imageupdate: 17 R2",
	}
	if len(recorded) != len(want) {
		t.Fatalf("recorded %q, want %q", recorded, want)
	}
	for i := range want {
		if recorded[i] != want[i] {
			t.Errorf("step %d recorded %q, want %q", i+1, recorded[i], want[i])
		}
	}
}

// opKeyScreenCases are the golden screens of Install Op.KEY (run by TestScreen).
var opKeyScreenCases = []screenCase{
	// OpKeyList: the key files of the stick's keys/ folder, then of the
	// model's folder; the selected one says whether it carries a
	// certification.
	{name: "OpKeyList", model: "MAG254", prep: opKeyListStick, w: 80, h: 24, steps: portalInstallOpKey(
		step{wait: []string{"mag254/operator_one.key"}},
		step{keys: []string{"down"}, wait: []string{"no certification block"}},
	)},
	{name: "OpKeyNoDrive", model: "MAG322", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}}, // Upgrade Tools
		step{down: 2, keys: []string{"enter"}, wait: []string{"USB device not found!"}},
	)},
	// OpKeyManyKeys: a long list scrolls inside the screen.
	{name: "OpKeyManyKeys", model: "MAG254", prep: manyKeysStick, w: 80, h: 24, steps: portalInstallOpKey(
		step{wait: []string{"keys/operator_01.key"}},
		step{down: 15, wait: []string{"operator_16.key"}},
	)},
}

// portalInstallOpKey opens the portal's Settings → Install Op.KEY, then takes more.
func portalInstallOpKey(more ...step) []step {
	return append([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter"}, wait: []string{"Install Op.KEY"}}, // Settings
		{keys: []string{"down", "enter"}},
	}, more...)
}

// opKeyListStick puts key files, good and bad, and a file that is no key
// on the stick.
func opKeyListStick(t *testing.T, tb *testBox) string {
	t.Helper()
	pub, err := fs.ReadFile(assets.Keys(), "custom_alpha.pub.asc")
	if err != nil {
		t.Fatal(err)
	}
	tb.putFile(t, "keys/broken.key", []byte("not a key\n"))
	tb.putFile(t, "keys/custom_alpha.key", pub)
	tb.putFile(t, "keys/notes.txt", []byte("not listed\n"))
	cert, _ := tb.keys.Cert("operator_one")
	tb.putFile(t, "mag254/operator_one.key", cert)
	return ""
}

// manyKeysStick puts 20 operator keys on the stick.
func manyKeysStick(t *testing.T, tb *testBox) string {
	t.Helper()
	cert, _ := tb.keys.Cert("operator_two")
	for i := 1; i <= 20; i++ {
		tb.putFile(t, fmt.Sprintf("keys/operator_%02d.key", i), cert)
	}
	return ""
}

// TestFlowOpKeyAsksFirst: OK on a key asks first, naming the key and what
// the box will accept from then on; only y or OK installs it.
func TestFlowOpKeyAsksFirst(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.putCert(t, "operator_one")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	blInstallOpKey(s)
	s.keys("enter")
	s.waitFor("Install the operator key OPERATOR_ONE", "accept only images signed by", "cannot be undone")
	// keys that are not a yes leave the box as it was
	s.keys("x", "n")
	s.keys("enter", "esc")
	s.keys("enter", "left")
	s.keys("enter") // the question again, left on screen
	v := s.finish()
	if op := tb.box.OperatorKey(); op != nil {
		t.Errorf("a key was installed without a yes: %+v", op)
	}
	if !strings.Contains(v, "Install the operator key OPERATOR_ONE") {
		t.Errorf("the question is not on screen:\n%s", v)
	}
}
