package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// scenarioScreens is a scenario played on the screens: its setup in dir,
// and the session the screens report every step to.
type scenarioScreens struct {
	sc     *scenario.Scenario
	dir    string
	report string
	ready  atomic.Pointer[scenarioRun] // set by start, before any step is recorded
}

// start sets the scenario up and starts its update server; it runs behind
// the first screen's spinner, and stops at its next step when ctx ends.
func (s *scenarioScreens) start(ctx context.Context) (tui.Env, error) {
	w, err := s.sc.Setup(s.dir)
	if err != nil {
		return tui.Env{}, err
	}
	if err := ctx.Err(); err != nil {
		return tui.Env{}, err // quit while the scenario was being set up
	}
	if err := w.StartServer(); err != nil {
		w.Close()
		return tui.Env{}, err
	}
	if err := ctx.Err(); err != nil {
		w.Close()
		return tui.Env{}, err
	}
	run := &scenarioRun{World: w, Session: scenario.NewSession(s.sc, nil), report: s.report}
	s.ready.Store(run)
	return run.env(), nil
}

// training is what the screens tell the session, with the panel drawn in st.
func (s *scenarioScreens) training(st tui.Styles) *tui.Training {
	sc := s.sc
	brief := tui.ScenarioBrief{Name: sc.Name, Title: sc.Title, Model: sc.Model.Name, Difficulty: string(sc.Difficulty),
		Story: sc.Story, Goal: sc.Goal.Show(), Hints: append([]string(nil), sc.Hints...)}
	return &tui.Training{
		Panel: tui.NewScenarioPanel(brief, st),
		Hint: func() (string, bool) {
			run := s.ready.Load()
			if run == nil {
				return "", false
			}
			return run.Session.NextHint()
		},
		Record: func(step any) {
			run := s.ready.Load()
			if run == nil {
				return
			}
			switch st := step.(type) {
			case tui.UpdateStep:
				run.Session.Record(scenario.UpdateRecord(st.Action, st.Detail, st.Result))
			case tui.OpStep:
				run.Session.Record(scenario.OpRecord(scenario.Action(st.Op), st.Settings, st.Err))
			case device.BootReport:
				run.Session.Record(scenario.BootRecord(st))
			case device.AutoupdateReport:
				run.Session.Record(scenario.AutoupdateRecord(st))
			}
		},
		Check: func(box *device.Box) (bool, time.Duration, int) {
			run := s.ready.Load()
			if run == nil {
				return false, 0, 0
			}
			run.Session.Check(box)
			met, took := run.Session.Met()
			return met, took, run.Session.MetSteps()
		},
	}
}
