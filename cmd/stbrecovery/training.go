package main

import (
	"context"
	"sync/atomic"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// scenarioScreens is a scenario played on the screens: its setup in dir,
// and the session the screens report every step to. It is the screens'
// tui.Training: the session counts the steps and the hints.
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

// Brief is what the scenario panel shows.
func (s *scenarioScreens) Brief() tui.ScenarioBrief { return scenarioBrief(s.sc) }

// NextHint reveals the next hint in the session; none before the scenario is set up.
func (s *scenarioScreens) NextHint() (string, bool) {
	run := s.ready.Load()
	if run == nil {
		return "", false
	}
	return run.Session.NextHint()
}

// HintsShown is how many hints the session revealed.
func (s *scenarioScreens) HintsShown() int {
	run := s.ready.Load()
	if run == nil {
		return 0
	}
	return run.Session.HintsUsed()
}

// Record adds step to the session.
func (s *scenarioScreens) Record(step tui.Step) {
	run := s.ready.Load()
	if run == nil {
		return
	}
	run.Session.Record(stepRecord(step))
}

// Check runs the goal's check on box; the steps are those it took to meet it.
func (s *scenarioScreens) Check(box *device.Box) tui.GoalState {
	run := s.ready.Load()
	if run == nil {
		return tui.GoalState{}
	}
	run.Session.Check(box)
	met, took := run.Session.Met()
	return tui.GoalState{Met: met, Took: took, Steps: run.Session.MetSteps()}
}

// scenarioBrief is what the scenario panel shows of sc.
func scenarioBrief(sc *scenario.Scenario) tui.ScenarioBrief {
	return tui.ScenarioBrief{Name: sc.Name, Title: sc.Title, Model: sc.Model.Name, Difficulty: string(sc.Difficulty),
		Story: sc.Story, Goal: sc.Goal.Show(), Hints: append([]string(nil), sc.Hints...)}
}

// stepRecord is the session's record of a step the screens took.
func stepRecord(step tui.Step) scenario.StepRecord {
	switch st := step.(type) {
	case tui.UpdateStep:
		return scenario.UpdateRecord(st.Action, st.Detail, st.Result)
	case tui.OpStep:
		rec := scenario.OpRecord(scenario.Action(st.Op), st.Settings, st.Err)
		if st.Detail != "" {
			rec.Detail = st.Detail
		}
		return rec
	case tui.BootStep:
		return scenario.BootRecord(st.Report)
	case tui.AutoupdateStep:
		return scenario.AutoupdateRecord(st.Report)
	}
	return scenario.StepRecord{Action: "unknown"}
}
