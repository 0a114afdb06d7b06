package tui

import (
	"strconv"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestFlowTraining: the scenario panel beside the screens, a hint, and the
// goal met once the update is installed.
func TestFlowTraining(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	hints := []string{"Hold MENU at power-on.", "Upgrade Tools → USB Bootstrap."}
	steps := 0
	var recorded []string
	tr := &fakeTraining{
		brief: ScenarioBrief{Name: "first-update", Title: "A first update", Model: "MAG254", Difficulty: "easy",
			Story: "The box runs its factory image.", Goal: "The box runs version 219 or newer.", Hints: hints},
		record: func(step Step) {
			steps++
			switch st := step.(type) {
			case UpdateStep:
				recorded = append(recorded, st.Action+": "+strconv.Itoa(int(st.Result.Status)))
			case BootStep:
				recorded = append(recorded, "boot")
			}
		},
		check: func(box *device.Box) GoalState {
			v, _ := strconv.Atoi(box.State().Settings["Image_Version"])
			return GoalState{Met: v >= 219, Steps: steps}
		},
	}
	opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
	opts.Training = tr
	s := startWith(t, opts, 100, 30)
	s.waitFor("Press m (MENU)", "Scenario: A first update")
	s.keys("h")
	s.waitFor("Hint 1 of 2")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	s.waitFor("Update finished OK", "Goal met")
	s.golden()
	if len(recorded) < 2 || recorded[len(recorded)-1] != "USB Bootstrap: 16" {
		t.Errorf("recorded steps %q, want a boot then USB Bootstrap: 16", recorded)
	}
}
