package classroom

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTrainerAssignsAndResets: the trainer gives a trainee at work another
// scenario, which their screens switch to at once; resets that box, which
// starts afresh with a new record (the old one kept); assigns a scenario to
// every trainee, which one who is away starts at their next login; and
// resets the box of a trainee who is away.
func TestTrainerAssignsAndResets(t *testing.T) {
	c := startClass(t, Config{Scenarios: loadScenarios(t, "custom-key-lock", "power-cut")})
	bob := c.trainee(t, "bob", 100, 30)
	bob.waitFor("pick a scenario")
	bob.press("enter") // custom-key-lock
	bob.waitFor("Press m (MENU)", "Locked to a Custom image")
	bob.press("q") // back to the scenarios
	bob.waitFor("pick a scenario (your boxes are kept)")
	bob.press("q")
	bob.ended()

	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Hello ann: pick a scenario", "Power cut while writing")
	trainer := c.trainerTerm(t, 120, 30)
	trainer.waitFor("ann", "choosing", "bob")
	trainer.press("a")
	trainer.waitFor("Assign a scenario to ann")
	trainer.press("down", "enter")
	trainer.waitFor("power-cut assigned to ann.")
	ann.waitFor("The trainer gave you: Power cut while writing.", "Press m (MENU)")
	ann.press("enter")
	ann.waitFor("Running")
	c.waitSteps(t, "ann", 1)
	first := c.srv.roster.get("ann").runs["power-cut"]

	trainer.press("r")
	trainer.waitFor("Reset ann's box")
	trainer.press("y")
	trainer.waitFor("ann's box was reset.")
	ann.waitFor("The trainer reset your box for Power cut while writing.", "Press m (MENU)")
	ann.press("enter")
	ann.waitFor("Running")
	c.waitSteps(t, "ann", 1)
	if again := c.srv.roster.get("ann").runs["power-cut"]; again == first || again == nil {
		t.Fatal("the reset box kept its run")
	}

	// bob is away: his box for custom-key-lock is reset at once, and the
	// assignment waits for his login
	trainer.press("down", "r")
	trainer.waitFor("Reset bob's box")
	trainer.press("y")
	trainer.waitFor("bob's box was reset.")
	if _, err := os.Stat(filepath.Join(c.dir, "trainees", "bob", "custom-key-lock", "box")); !os.IsNotExist(err) {
		t.Errorf("bob's box is still there after the reset: %v", err)
	}
	trainer.press("A")
	trainer.waitFor("Assign a scenario to every trainee")
	trainer.press("up", "enter") // custom-key-lock (the list remembers power-cut)
	trainer.waitFor("custom-key-lock assigned to all 2 trainees.")
	ann.waitFor("The trainer gave you: Locked to a Custom image.")
	bob = c.trainee(t, "bob", 100, 30)
	bob.waitFor("Press m (MENU)", "Locked to a Custom image")
	ann.press("q")
	bob.press("q")
	ann.ended()
	bob.ended()
	c.srv.Close()
	rows, err := ReadReport(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]int{}
	for _, r := range rows {
		sessions[r.Trainee+"/"+r.Report.Scenario.Name] = r.Sessions
	}
	want := map[string]int{"ann/power-cut": 2, "ann/custom-key-lock": 1, "bob/custom-key-lock": 2}
	for k, n := range want {
		if sessions[k] != n {
			t.Errorf("%s: %d sessions in the report, want %d (all: %v)", k, sessions[k], n, sessions)
		}
	}
}
