package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// trainingFor is a small training run on tb's box: the goal is a version of
// at least minVersion; steps counts the steps recorded.
func trainingFor(tb *testBox, minVersion int, steps *int) *fakeTraining {
	hints := []string{"Hold MENU at power-on.", "Upgrade Tools → USB Bootstrap."}
	return &fakeTraining{
		brief: ScenarioBrief{Name: "first-update", Title: "A first update", Model: tb.model.Name, Difficulty: "easy",
			Story: "The box runs its factory image.", Goal: "The box runs a newer version.", Hints: hints},
		record: func(Step) { *steps++ },
		check: func(box *device.Box) GoalState {
			v, _ := strconv.Atoi(box.State().Settings["Image_Version"])
			return GoalState{Met: v >= minVersion, Steps: *steps}
		},
	}
}

// TestFlowOverlayOwnsKeys: at 80x24 the task panel and the inspector cover
// the Bootloader; the keys that would install an image reach neither the
// hidden menu nor the box, and the key line says where they go.
func TestFlowOverlayOwnsKeys(t *testing.T) {
	for _, tc := range []struct {
		name, open, line string
	}{
		{"task", "t", "Task panel over the screen"},
		{"inspector", "i", "Inspector over the screen"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBox(t, "MAG254", deviceInit())
			tb.demoStick(t, "public")
			steps := 0
			opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
			opts.Training = trainingFor(tb, 219, &steps)
			s := startWith(t, opts, 80, 24)
			s.waitFor("Press m (MENU)")
			s.keys("m")
			s.waitFor("Exit & Discard")
			s.keys(tc.open)
			s.waitFor(tc.line, "esc close")
			// Upgrade Tools → USB Bootstrap → OK, typed blind
			s.down(7)
			s.keys("right", "enter", "enter", "p", "m")
			s.keys("esc")
			v := s.finish()
			if got := tb.box.State().Settings["Image_Version"]; got != "218" {
				t.Errorf("Image_Version = %s: a key reached the hidden screen", got)
			}
			if steps > 1 {
				t.Errorf("%d steps recorded behind the panel", steps)
			}
			if !strings.Contains(v, "▸TV System") {
				t.Errorf("the menu's cursor moved behind the panel:\n%s", v)
			}
		})
	}
}

// TestFlowGoalMetBanner: the goal met shows under the screen without the
// task panel being opened, with the step count the panel gives.
func TestFlowGoalMetBanner(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	steps := 0
	opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
	opts.Training = trainingFor(tb, 219, &steps)
	s := startWith(t, opts, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	s.waitFor("Update finished OK", "Goal met in")
	s.golden()
	if line := s.m.c.panel.MetLine(); !strings.Contains(line, "2 steps") {
		t.Errorf("met line %q, want the 2 steps taken (boot, update)", line)
	}
}
