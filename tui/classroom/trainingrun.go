package classroom

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// scenarioOptions are the screens' options for trainee t on sc: Start opens
// the trainee's box for sc behind the first screen's spinner, and Training
// records every step in the run's session and its JSON report. With reset,
// Start first sets the trainee's box for sc up afresh.
//
// In an exam (ex not nil) the panel says so and offers no hints.
func scenarioOptions(t *trainee, sc *scenario.Scenario, ex *exam, hosts []string, base tui.Options, reset bool) tui.Options {
	tr := &classTraining{exam: ex != nil}
	tr.brief = tui.ScenarioBrief{Name: sc.Name, Title: sc.Title, Model: sc.Model.Name,
		Difficulty: string(sc.Difficulty), Story: sc.Story, Goal: sc.Goal.Show(), Hints: append([]string(nil), sc.Hints...)}
	if ex != nil {
		tr.brief.Hints = nil
		tr.brief.Story += fmt.Sprintf("\n\nExam: no hints; %s to meet the goal from the moment you opened this scenario.", ex.limit)
	}
	if !reset {
		// back in the same class: the hints already asked for stay shown
		t.mu.Lock()
		tr.before = t.runs[sc.Name]
		t.mu.Unlock()
	}
	opts := base
	opts.Start = func(ctx context.Context) (tui.Env, error) {
		if reset {
			if err := t.reset(sc); err != nil {
				return tui.Env{}, err
			}
		}
		r, err := t.open(sc)
		if err != nil {
			return tui.Env{}, err
		}
		tr.ready.Store(r)
		w := r.world
		return tui.Env{Box: w.Box, USBDir: w.USBDir, ServerURL: w.ServerURL,
			HTTP: []device.HTTPOption{device.WithTransport(newBoxTransport(w.ServerURL, hosts))}}, ctx.Err()
	}
	opts.Training = tr
	return opts
}

// classTraining is a trainee's tui.Training on one scenario: it records
// every step in the run's session and keeps the run's JSON report up to
// date. The session counts the hints.
type classTraining struct {
	brief  tui.ScenarioBrief
	exam   bool                // no hints
	before *run                // the run of this classroom the trainee comes back to, until Start opens it
	ready  atomic.Pointer[run] // set by Start, before any step is recorded
}

// Brief is what the scenario panel shows.
func (c *classTraining) Brief() tui.ScenarioBrief { return c.brief }

// NextHint reveals the next hint in the session; none in an exam or before
// the box is open.
func (c *classTraining) NextHint() (string, bool) {
	r := c.ready.Load()
	if r == nil || c.exam {
		return "", false
	}
	return r.session.NextHint()
}

// HintsShown is how many hints the session revealed: the run's the trainee
// comes back to until the box is open; none in an exam.
func (c *classTraining) HintsShown() int {
	r := c.ready.Load()
	if r == nil {
		r = c.before
	}
	if r == nil || c.exam {
		return 0
	}
	return r.session.HintsUsed()
}

// Record adds a step to the session: an update, a step on the menus, a
// power-on or a run of Autoupdate.
func (c *classTraining) Record(step tui.Step) {
	r := c.ready.Load()
	if r == nil {
		return
	}
	switch s := step.(type) {
	case tui.UpdateStep:
		r.record(scenario.UpdateRecord(s.Action, s.Detail, s.Result))
	case tui.OpStep:
		rec := scenario.OpRecord(scenario.Action(s.Op), s.Settings, s.Err)
		if s.Detail != "" {
			rec.Detail = s.Detail
		}
		r.record(rec)
	case tui.BootStep:
		r.record(scenario.BootRecord(s.Report))
	case tui.AutoupdateStep:
		r.record(scenario.AutoupdateRecord(s.Report))
	}
}

// Check runs the goal's check on box, and writes the report when it changed.
func (c *classTraining) Check(box *device.Box) tui.GoalState {
	r := c.ready.Load()
	if r == nil {
		return tui.GoalState{}
	}
	r.session.Check(box)
	// the report on disk follows every step, hint and goal (not every
	// check, each of which would cost a sync of the disk); a failed write
	// shows in the class report as an older file
	if r.needsWrite() {
		r.session.WriteReport(r.report)
	}
	met, took := r.session.Met()
	return tui.GoalState{Met: met, Took: took, Steps: r.session.Steps()}
}
