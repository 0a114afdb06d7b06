package tui

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// rawControl reports a control character that would act on the terminal;
// the tests render without colour, so the screen itself writes none.
func rawControl(v string) bool {
	for _, r := range v {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return true
		}
	}
	return false
}

// TestScreensShowOutsideTextEscaped protects the screens from text that
// came from outside: a running image whose signed description holds "\r",
// and a USB folder named with escape sequences, are shown escaped on the
// portal, in the inspector and in USB Bootstrap's list.
func TestScreensShowOutsideTextEscaped(t *testing.T) {
	const desc = "0.2.18-pub-254\rOFFICIAL"
	const folder = "evil\x1b]0;owned\x07\x1b[2J"
	tb := newTestBox(t, "MAG254", deviceInit())
	key, err := tb.keys.Key("stb_public")
	if err != nil {
		t.Fatal(err)
	}
	rootfs := make([]byte, 4096)
	rand.Read(rootfs)
	var img bytes.Buffer
	if _, err := imagefmt.Build(&img, imagefmt.BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: desc, Key: key, Created: time.Unix(1550702624, 0),
		Sections: []imagefmt.SectionSource{{Kind: imagefmt.RootFS, Data: bytes.NewReader(rootfs), Size: int64(len(rootfs))}}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "running.img")
	if err := os.WriteFile(file, img.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("portal and inspector", func(t *testing.T) {
		tb := newTestBox(t, "MAG254", device.InitOptions{Image: file})
		s := start(t, Env{Box: tb.box}, false, 100, 30)
		s.waitFor(`0.2.18-pub-254\rOFFICIAL`)
		s.keys("i")
		v := s.finish()
		if rawControl(v) || strings.Count(v, `0.2.18-pub-254\rOFFICIAL`) < 2 {
			t.Fatalf("the description is not shown escaped on the portal and in the inspector:\n%q", v)
		}
	})
	t.Run("USB Bootstrap list", func(t *testing.T) {
		tb := newTestBox(t, "MAG254", deviceInit())
		tb.putDemoImage(t, "", "public")
		tb.putDemoImage(t, "variants/"+folder, "public-next")
		s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 100, 30)
		s.waitFor("Press m (MENU)")
		s.keys("m")
		s.waitFor("Exit & Discard")
		s.down(7)
		s.keys("right", "enter")
		s.waitFor("OK installs", `evil\x1b]0;owned\x07\x1b[2J`)
		v := s.finish()
		if rawControl(v) {
			t.Fatalf("a raw control character reached the screen:\n%q", v)
		}
	})
}

// TestScenarioPanelShowsTextEscaped protects the screen from a scenario
// file (given with --scenario FILE) whose story, goal or hints carry
// control characters.
func TestScenarioPanelShowsTextEscaped(t *testing.T) {
	tr := &fakeTraining{brief: ScenarioBrief{Name: "x", Title: "Title\x1b]0;owned\x07", Model: "MAG254",
		Story: "A story\rOVERWRITTEN", Goal: "Goal \x1b[2J", Hints: []string{"hint \x1b[31mred"}}}
	p := NewScenarioPanel(tr, NewStyles(testRenderer()))
	tr.NextHint()
	v := p.View(60)
	if rawControl(v) {
		t.Fatalf("a raw control character reached the panel:\n%q", v)
	}
	for _, want := range []string{`Title\x1b]0;owned\x07`, `A story\rOVERWRITTEN`, `Goal \x1b[2J`, `hint \x1b[31mred`} {
		if !strings.Contains(v, want) {
			t.Errorf("the panel does not show %q:\n%s", want, v)
		}
	}
}
