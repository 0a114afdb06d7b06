package classroom

import (
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// TestExam: in an exam the panel offers no hints and the clock shows; a
// trainee who solves the scenario in time gets a score; one whose time
// runs out loses the screens, is told so, and shows as out of time; the
// trainer ends the exam for everyone; the report gives the scores.
func TestExam(t *testing.T) {
	c := startClass(t, Config{Exam: true, TimeLimit: time.Minute})
	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Exam · 1m0s left · no hints", "Exam: no hints", "No hints left.")
	ann.press("h")
	solveCustomKeyLock(ann)
	c.waitSteps(t, "ann", 3)
	if r := c.srv.roster.get("ann").row(c.srv.exam); r.State != "goal met" || r.Score < 60 || r.Hints != 0 {
		t.Errorf("ann: %+v; want the goal met, no hint, a score of 60 or more", r)
	}
	bob := c.trainee(t, "bob", 100, 30)
	bob.waitFor("Exam · ")
	trainer := c.trainerTerm(t, 140, 30)
	trainer.waitFor("exam, 1m0s per scenario", "Score")
	trainer.press("E")
	trainer.waitFor("End the exam for every trainee now?")
	trainer.press("y")
	trainer.waitFor("The exam ended for every trainee.", "exam ended", "out of time")
	bob.waitFor("The trainer ended the exam. Your record is kept.")
	bob.press("x")
	bob.ended()
	ann.waitFor("The trainer ended the exam.") // ann met the goal: her row stays "goal met"
	if r := c.srv.roster.get("ann").row(c.srv.exam); r.State != "goal met" {
		t.Errorf("ann after the end: %+v", r)
	}
	if r := c.srv.roster.get("bob").row(c.srv.exam); r.State != "out of time" || r.Score != 0 {
		t.Errorf("bob after the end: %+v", r)
	}
	ann.press("x")
	ann.ended()
	c.srv.Close()
	rows, err := ReadReport(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Score == nil || *rows[0].Score < 60 || rows[0].OutOfTime || rows[1].Score == nil || *rows[1].Score != 0 || !rows[1].OutOfTime {
		t.Errorf("report rows: %+v", rows)
	}
}

// TestExamTimeLimit: a trainee past the time limit loses the screens.
func TestExamTimeLimit(t *testing.T) {
	c := startClass(t, Config{Exam: true, TimeLimit: 1500 * time.Millisecond})
	cy := c.trainee(t, "cy", 100, 30)
	cy.waitFor("Press m (MENU)")
	cy.waitFor("Time is up for Locked to a Custom image. Your record is kept for the trainer.")
	if r := c.srv.roster.get("cy").row(c.srv.exam); r.State != "out of time" {
		t.Errorf("cy: %+v", r)
	}
	cy.press("x")
	cy.ended()
	// back after the limit: still out of time
	again := c.trainee(t, "cy", 100, 30)
	again.waitFor("Time is up for Locked to a Custom image.")
}

func TestScore(t *testing.T) {
	limit := 10 * time.Minute
	rep := func(met bool, took time.Duration, steps, hints int) scenario.Report {
		return scenario.Report{GoalMet: met, TimeToGoal: took.Seconds(), Steps: make([]scenario.StepRecord, steps), HintsUsed: hints}
	}
	for _, tc := range []struct {
		name string
		rep  scenario.Report
		want int
	}{
		{"not met", rep(false, 0, 3, 0), 0},
		{"at once, as the solution", rep(true, 0, 3, 0), 100},
		{"half the time", rep(true, 5*time.Minute, 3, 0), 80},
		{"two extra steps", rep(true, 0, 5, 0), 90},
		{"many extra steps cost 30 at most", rep(true, 0, 40, 0), 70},
		{"a hint", rep(true, 0, 3, 1), 90},
		{"past the limit", rep(true, 11*time.Minute, 3, 0), 0},
		{"never below 10", rep(true, 10*time.Minute, 40, 5), 10},
	} {
		if got := Score(tc.rep, limit, 3); got != tc.want {
			t.Errorf("%s: score %d, want %d", tc.name, got, tc.want)
		}
	}
}
