package classroom

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

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
	var ready atomic.Pointer[run] // set by Start, before any step is recorded
	st := tui.NewStyles(base.Renderer)
	brief := tui.ScenarioBrief{Name: sc.Name, Title: sc.Title, Model: sc.Model.Name,
		Difficulty: string(sc.Difficulty), Story: sc.Story, Goal: sc.Goal.Show(), Hints: append([]string(nil), sc.Hints...)}
	if ex != nil {
		brief.Hints = nil
		brief.Story += fmt.Sprintf("\n\nExam: no hints; %s to meet the goal from the moment you opened this scenario.", ex.limit)
	}
	panel := tui.NewScenarioPanel(brief, st)
	t.mu.Lock()
	if r := t.runs[sc.Name]; r != nil && !reset {
		// back in the same class: the hints already asked for stay shown
		for i := r.session.HintsUsed(); i > 0; i-- {
			panel.NextHint()
		}
	}
	t.mu.Unlock()
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
		ready.Store(r)
		w := r.world
		return tui.Env{Box: w.Box, USBDir: w.USBDir, ServerURL: w.ServerURL,
			HTTP: []device.HTTPOption{device.WithTransport(newBoxTransport(w.ServerURL, hosts))}}, ctx.Err()
	}
	opts.Training = &tui.Training{
		Panel: panel,
		Hint: func() (string, bool) {
			r := ready.Load()
			if r == nil || ex != nil {
				return "", false
			}
			return r.session.NextHint()
		},
		Record: func(step any) {
			r := ready.Load()
			if r == nil {
				return
			}
			switch s := step.(type) {
			case tui.UpdateStep:
				r.record(scenario.UpdateRecord(s.Action, s.Detail, s.Result))
			case device.BootReport:
				r.record(scenario.BootRecord(s))
			case device.AutoupdateReport:
				r.record(scenario.AutoupdateRecord(s))
			}
		},
		Check: func(box *device.Box) (bool, time.Duration, int) {
			r := ready.Load()
			if r == nil {
				return false, 0, 0
			}
			r.session.Check(box)
			// the report on disk follows every step, hint and goal (not every
			// check, each of which would cost a sync of the disk); a failed write
			// shows in the class report as an older file
			if r.needsWrite() {
				r.session.WriteReport(r.report)
			}
			met, took := r.session.Met()
			return met, took, r.session.Steps()
		},
	}
	return opts
}
