package classroom

import (
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// TestClassTrainingRecordsEveryStep: every kind of step the screens take is
// in the trainee's session, the steps on the menus too (the goal of
// emergency-startup needs its Emergency startup, that of version-forced its
// Exit & Save), and the hints are the session's count.
func TestClassTrainingRecordsEveryStep(t *testing.T) {
	sc := loadScenarios(t, "emergency-startup")[0]
	r := &run{session: scenario.NewSession(sc, nil)}
	tr := &classTraining{}
	tr.Record(tui.OpStep{Op: "emergency"}) // before the box is open: nowhere to record it
	tr.ready.Store(r)
	for _, st := range []tui.Step{
		tui.UpdateStep{Action: "USB Bootstrap", Detail: "USB:/mag254/imageupdate", Result: device.Result{Status: 16, Installed: true}},
		tui.OpStep{Op: "emergency"},
		tui.OpStep{Op: "set", Settings: map[string]string{"Ver_Forced": "Yes"}},
		tui.BootStep{},
		tui.AutoupdateStep{Report: device.AutoupdateReport{Outcome: device.AutoupdateUpToDate}},
	} {
		tr.Record(st)
	}
	var got []string
	for _, s := range r.session.Report().Steps {
		got = append(got, s.Action+" "+s.Detail)
	}
	want := []string{"USB Bootstrap USB:/mag254/imageupdate", "emergency emergency", "set set Ver_Forced=Yes", "boot power the box on", "autoupdate run Autoupdate"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("steps recorded:\n%q\nwant\n%q", got, want)
	}
	if _, ok := tr.NextHint(); !ok || tr.HintsShown() != 1 || r.session.HintsUsed() != 1 {
		t.Errorf("one hint asked: the training counts %d, the session %d", tr.HintsShown(), r.session.HintsUsed())
	}
	exam := &classTraining{exam: true}
	exam.ready.Store(r)
	if _, ok := exam.NextHint(); ok || exam.HintsShown() != 0 {
		t.Error("a hint in an exam")
	}
}
