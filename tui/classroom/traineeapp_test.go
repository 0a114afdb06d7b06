package classroom

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBackToTheScenarios: a trainee who quits the screens of one scenario
// comes back to the class's scenarios with that box kept, starts another,
// and leaves from the list; in a class of one scenario, or once the trainer
// assigned one, quitting leaves.
func TestBackToTheScenarios(t *testing.T) {
	c := startClass(t, Config{Scenarios: loadScenarios(t, "custom-key-lock", "power-cut")})
	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Hello ann: pick a scenario")
	ann.press("enter") // custom-key-lock
	ann.waitFor("Press m (MENU)", "Locked to a Custom image")
	ann.press("enter")
	ann.waitFor("Running")
	c.waitSteps(t, "ann", 1)

	ann.press("q")
	ann.waitFor("pick a scenario (your boxes are kept)", "Power cut while writing")
	ann.press("down", "enter") // power-cut
	ann.waitFor("Press m (MENU)", "Power cut while writing")
	ann.press("q")
	ann.waitFor("pick a scenario (your boxes are kept)")
	ann.press("up", "enter") // custom-key-lock again: its record goes on
	ann.waitFor("Press m (MENU)", "Locked to a Custom image")
	if n := len(c.srv.roster.get("ann").runs["custom-key-lock"].session.Report().Steps); n < 1 {
		t.Errorf("custom-key-lock's record has %d steps after coming back; want the earlier step kept", n)
	}
	ann.press("q")
	ann.waitFor("pick a scenario (your boxes are kept)")
	ann.press("q")
	ann.ended()
	for _, sc := range []string{"custom-key-lock", "power-cut"} {
		if _, err := os.Stat(filepath.Join(c.dir, "trainees", "ann", sc, "box")); err != nil {
			t.Errorf("ann's box for %s: %v", sc, err)
		}
	}

	one := startClass(t, Config{})
	bob := one.trainee(t, "bob", 100, 30)
	bob.waitFor("Press m (MENU)")
	bob.press("q")
	bob.ended()
}
