package classroom

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	gossh "golang.org/x/crypto/ssh"
)

// solveCustomKeyLock solves custom-key-lock by keys: power on with MENU,
// Upgrade Tools → USB Bootstrap, the stick's image, OK to reboot, boot.
func solveCustomKeyLock(term *terminal) {
	term.t.Helper()
	term.waitFor("Press m (MENU)", "Locked to a Custom image")
	term.press("m")
	term.waitFor("Exit & Discard")
	term.press("down", "down", "down", "down", "down", "down", "down", "right")
	term.waitFor("USB Bootstrap")
	term.press("enter")
	term.waitFor("OK installs")
	term.press("enter")
	term.waitFor("Update finished OK", "Goal met")
	term.press("enter") // reboot now
	term.waitFor("Press m (MENU)")
	term.press("enter") // boot at once
	term.waitFor("Home")
}

// waitSteps waits until the trainee's record holds n steps.
func (c *class) waitSteps(t testing.TB, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tr := c.srv.roster.get(name)
		if tr != nil && tr.row(nil).Steps >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never recorded %d steps", name, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runningKind is the kind of image the box in home runs, read from disk.
func runningKind(t testing.TB, home string) device.Kind {
	t.Helper()
	box, err := device.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	img := box.Running()
	if img == nil {
		t.Fatalf("%s runs no image", home)
	}
	return img.Kind
}

// TestClassSolves: trainees at once, each on their own pty, solve the
// scenario by keystrokes while the trainer's dashboard watches; every box
// ends in its own folder running the Public image, and the class report
// lists every trainee with the goal met.
func TestClassSolves(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 5
	}
	c := startClass(t, Config{})
	trainer := c.trainerTerm(t, 120, 40)
	trainer.waitFor("stbrecovery classroom", "0 trainees")
	start := time.Now()
	t.Run("trainees", func(t *testing.T) {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("trainee-%02d", i)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				term := c.trainee(t, name, 100, 30)
				solveCustomKeyLock(term)
				c.waitSteps(t, name, 3) // power-on, update, power-on
				term.press("q")
				term.ended()
			})
		}
	})
	t.Logf("%d trainees solved the scenario in %v", n, time.Since(start).Round(time.Millisecond))
	trainer.waitFor(fmt.Sprintf("%d trainees, 0 online, %d goals met", n, n))
	for i := 0; i < n; i++ {
		home := filepath.Join(c.dir, "trainees", fmt.Sprintf("trainee-%02d", i), "custom-key-lock", "box")
		if k := runningKind(t, home); k != device.KindPublic {
			t.Errorf("%s runs a %v image, want the Public one", home, k)
		}
	}
	trainer.press("q")
	trainer.ended()
	c.srv.Close()
	rows, err := ReadReport(c.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("the report has %d rows, want %d", len(rows), n)
	}
	for _, r := range rows {
		if !r.Report.GoalMet || r.Report.Scenario.Name != "custom-key-lock" || len(r.Report.Steps) < 2 || r.Sessions != 1 {
			t.Errorf("%s: goal met %v, scenario %s, %d steps, %d sessions", r.Trainee, r.Report.GoalMet, r.Report.Scenario.Name, len(r.Report.Steps), r.Sessions)
		}
		if r.LastStatus != "boot: ok" {
			t.Errorf("%s: last status %q, want the boot", r.Trainee, r.LastStatus)
		}
	}
}

// TestTrainerSeesSteps: the dashboard shows a trainee at work and, with
// Enter, their step log, which follows them live.
func TestTrainerSeesSteps(t *testing.T) {
	c := startClass(t, Config{})
	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Press m (MENU)")
	ann.press("enter")
	ann.waitFor("Home")
	trainer := c.trainerTerm(t, 120, 30)
	trainer.waitFor("ann", "custom-key-lock", "working", "boot: ok")
	trainer.press("enter")
	trainer.waitFor("Step log of ann", "boot", "power the box on")
	ann.press("p") // power off
	ann.waitFor("power off")
	ann.press("p")
	ann.waitFor("Press m (MENU)")
	ann.press("enter")
	trainer.waitFor("  2.")
	trainer.press("esc")
	trainer.waitFor("1 trainees, 1 online")
}

// TestRefusals: a wrong code, a name that is no folder, the trainer's name
// without the key, a stranger's key for the trainer: all refused, and the
// wrong code is logged and slowed down.
func TestRefusals(t *testing.T) {
	c := startClass(t, Config{WrongCodeDelay: 150 * time.Millisecond})
	code := "blue-42"
	kbd := func(answer string) gossh.AuthMethod {
		return gossh.KeyboardInteractive(func(user, instruction string, questions []string, echos []bool) ([]string, error) {
			answers := make([]string, len(questions))
			for i := range answers {
				answers[i] = answer
			}
			return answers, nil
		})
	}
	stranger := startClass(t, Config{}).trainer // a key listed in another class only
	for _, tc := range []struct {
		name string
		user string
		auth gossh.AuthMethod
		slow bool
	}{
		{"wrong code by password", "bob", gossh.Password("red-7"), true},
		{"wrong code by keyboard", "bob", kbd("red-7"), true},
		{"name leaving its folder", "../bob", gossh.Password(code), false},
		{"name with a slash", "a/b", kbd(code), false},
		{"dots only", "..", gossh.Password(code), false},
		{"name too long", strings.Repeat("x", 33), gossh.Password(code), false},
		{"trainer with the code", TrainerName, gossh.Password(code), false},
		{"trainer with a stranger's key", TrainerName, gossh.PublicKeys(stranger), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			begin := time.Now()
			cl, err := c.dial(tc.user, tc.auth)
			if err == nil {
				cl.Close()
				t.Fatal("logged in")
			}
			if took := time.Since(begin); tc.slow && took < 150*time.Millisecond {
				t.Errorf("a wrong code was answered in %v, before the delay", took)
			}
		})
	}
	if !strings.Contains(c.log.String(), `wrong class code for "bob"`) {
		t.Errorf("the log does not note the wrong code:\n%s", c.log.String())
	}
	// the right code by either method gets in
	for _, auth := range []gossh.AuthMethod{gossh.Password(code), kbd(code)} {
		cl, err := c.dial("bob", auth)
		if err != nil {
			t.Fatalf("the right code is refused: %v", err)
		}
		cl.Close()
	}
	if _, err := os.Stat(filepath.Join(c.dir, "bob")); err == nil {
		t.Error("a folder was made outside trainees/")
	}
}
