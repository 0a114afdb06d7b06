package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTerminalPassphrasePrompt runs image build in a real terminal with a
// passphrase-protected key file and no --passphrase-file: it asks, the typed
// passphrase is not echoed, and the image verifies.
func TestTerminalPassphrasePrompt(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; the terminal test needs it")
	}
	if testing.Short() {
		t.Skip("the terminal test builds and runs the program; skipped with -short")
	}
	_, gpg := gnupgEnv(t)
	genKey(gpg, "PROMPT_OP", "typed secret")
	dir := t.TempDir()
	locked := writeFile(t, filepath.Join(dir, "locked.sec.asc"), gpg("--passphrase", "typed secret", "--armor", "--export-secret-keys", "PROMPT_OP"))
	pub := writeFile(t, filepath.Join(dir, "locked.pub.asc"), gpg("--armor", "--export", "PROMPT_OP"))
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("p", 2000)))
	bin := programPath(t)
	img := filepath.Join(dir, "prompt.img")
	term := &terminal{t: t, socket: fmt.Sprintf("stbrecovery-pass-%d", os.Getpid()), name: "pass"}
	t.Cleanup(func() { term.tmux("kill-server") })
	script := fmt.Sprintf("%q image build --model MAG254 --version 300 --desc p --rootfs %q --key %q --out %q; echo EXIT=$?; sleep 60",
		bin, rootfs, locked, img)
	if out, err := term.tmux("new-session", "-d", "-s", term.name, "-x", "120", "-y", "20", "sh", "-c", script); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	term.waitFor(20*time.Second, "Passphrase for PROMPT_OP")
	term.keys("typed secret", "Enter")
	screen := term.waitFor(20*time.Second, "EXIT=0", "Built")
	if strings.Contains(screen, "typed secret") {
		t.Errorf("the passphrase was echoed:\n%s", screen)
	}
	verifies(t, img, []string{pub}, "PROMPT_OP")
}
