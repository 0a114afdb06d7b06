package scenario

import (
	"context"
	"testing"
	"time"
)

// setupShipped loads a shipped scenario and sets it up, with its server running.
func setupShipped(t *testing.T, name string) (*Scenario, *World) {
	t.Helper()
	sc, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != name {
		t.Errorf("name %q in %s.yaml", sc.Name, name)
	}
	w, err := sc.Setup(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.StartServer(); err != nil {
		t.Fatal(err)
	}
	return sc, w
}

func TestShippedCount(t *testing.T) {
	if n := len(Names()); n < 12 {
		t.Errorf("%d scenarios shipped; want at least 12", n)
	}
}

// TestShippedGoalNotMetAtStart: no scenario is solved before the trainee starts.
func TestShippedGoalNotMetAtStart(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, w := setupShipped(t, name)
			if met, why := w.Check(); met {
				t.Fatalf("the goal is met before any step: %s", why)
			}
		})
	}
}

// TestShippedSolutions plays every shipped scenario's solution through the
// device API; each step's outcome is the one the file expects, and the goal is met.
func TestShippedSolutions(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, w := setupShipped(t, name)
			sess := NewSession(sc, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := w.Play(ctx, sess); err != nil {
				t.Fatal(err)
			}
			met, why := sess.Check(w.Box)
			if !met {
				t.Fatalf("the solution does not meet the goal: %s", why)
			}
			if got := sess.Steps(); got != len(sc.Solution) {
				t.Errorf("%d steps recorded; the solution has %d", got, len(sc.Solution))
			}
			if r := sess.Report(); !r.GoalMet || r.GoalMetAt == nil {
				t.Errorf("report: goal_met %v at %v", r.GoalMet, r.GoalMetAt)
			}
		})
	}
}
