package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTerminalClosedCleansUp: closing the terminal (tmux sends SIGHUP to the
// program) removes the temporary box as q does, for the default run and a
// scenario run.
func TestTerminalClosedCleansUp(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := programPath(t)
	for i, tc := range []struct {
		name, args, wait string
	}{
		{"default", "", "Press m"},
		{"scenario", "--scenario power-cut", "t task"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := filepath.Join(dir, "tmp-"+tc.name)
			if err := os.Mkdir(tmp, 0o755); err != nil {
				t.Fatal(err)
			}
			cmdline := fmt.Sprintf("exec %q %s", bin, tc.args)
			term := openTerminal(t, fmt.Sprintf("hup%d", i), 80, 24, "-e", "NO_COLOR=1", "-e", "TMPDIR="+tmp, cmdline)
			term.waitFor(20*time.Second, tc.wait)
			if left, _ := filepath.Glob(filepath.Join(tmp, "stbrecovery-*")); len(left) == 0 {
				t.Fatal("no temporary box while the program runs: the test looks in the wrong place")
			}
			// closing the terminal: tmux hangs up on the program
			if out, err := term.tmux("kill-session", "-t", term.name); err != nil {
				t.Fatalf("kill-session: %v %s", err, out)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				left, _ := filepath.Glob(filepath.Join(tmp, "stbrecovery-*"))
				if len(left) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after SIGHUP the temporary box is still there: %v", left)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
