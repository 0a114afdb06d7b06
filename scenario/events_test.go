package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestShortcutsDoNotMeetTheGoal: a goal that asks for the lesson's steps is
// not met by the shortcut that leaves the box in the same state.
func TestShortcutsDoNotMeetTheGoal(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		shortcut []Step
		why      string
	}{
		// the SRU (MENU at power-on) installs from USB without Emergency startup
		{"emergency-startup", []Step{{Action: ActionUpdate, From: "usb", Via: device.PathBoot}}, "Emergency startup"},
		// Forced turned on for one run and never saved
		{"version-forced", []Step{{Action: ActionUpdate, From: "usb", Via: device.PathBoot, Force: true}}, "saving Ver_Forced=Yes"},
		// saved as Yes, but never saved back to No (the box's default is No already)
		{"version-forced", []Step{
			{Action: ActionSet, Settings: map[string]string{"Ver_Forced": "Yes"}},
			{Action: ActionUpdate, From: "usb", Via: device.PathBoot},
			{Action: ActionFactoryReset},
		}, "saving Ver_Forced=No after saving Ver_Forced=Yes"},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			sc, w := setupShipped(t, tc.scenario)
			sess := NewSession(sc, nil)
			for _, st := range tc.shortcut {
				rec, err := w.Do(context.Background(), st)
				sess.Record(rec)
				if err != nil {
					t.Fatalf("shortcut step %s: %v", st.Describe(), err)
				}
			}
			if met, why := w.Check(); !met {
				t.Fatalf("the shortcut should leave the box as the goal says, to be a shortcut: %s", why)
			}
			met, why := sess.Check(w.Box)
			if met {
				t.Fatal("the shortcut meets the goal")
			}
			if !strings.Contains(why, tc.why) {
				t.Errorf("why = %q, want it to name %q", why, tc.why)
			}
		})
	}
}

func TestParseUsed(t *testing.T) {
	base := "title: T\nmodel: MAG254\ndifficulty: easy\nsummary: s\nstory: s\nhints: [h]\nsolution:\n  - action: boot\ngoal:\n  boots: true\n"
	for _, tc := range []struct {
		used, err string
		want      int
	}{
		{"  used: [emergency]\n", "", 1},
		{"  used: [set Ver_Forced=Yes, set Ver_Forced=No]\n", "", 2},
		{"  used: [fly]\n", "unknown event", 0},
		{"  used: [set]\n", "names what was saved", 0},
		{"  used: [emergency x=1]\n", "only a set event", 0},
		{"  used: []\n", "must be a list", 0},
		{"  used: emergency\n", "must be a list", 0},
	} {
		sc, err := Parse("t.yaml", []byte(base+tc.used))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.used, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.used, err, tc.err)
		case tc.err == "" && len(sc.Goal.Used) != tc.want:
			t.Errorf("%q: %d events", tc.used, len(sc.Goal.Used))
		}
	}
}
