package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTerminalPassphrasePrompt runs image build in a real terminal with a
// passphrase-protected key file and no --passphrase-file: it asks, the typed
// passphrase is not echoed, and the image verifies.
func TestTerminalPassphrasePrompt(t *testing.T) {
	needTmux(t)
	_, gpg := gnupgEnv(t)
	genKey(gpg, "PROMPT_OP", "typed secret")
	dir := t.TempDir()
	locked := writeFile(t, filepath.Join(dir, "locked.sec.asc"), gpg("--passphrase", "typed secret", "--armor", "--export-secret-keys", "PROMPT_OP"))
	pub := writeFile(t, filepath.Join(dir, "locked.pub.asc"), gpg("--armor", "--export", "PROMPT_OP"))
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("p", 2000)))
	bin := programPath(t)
	img := filepath.Join(dir, "prompt.img")
	script := fmt.Sprintf("%q image build --model MAG254 --version 300 --desc p --rootfs %q --key %q --out %q; echo EXIT=$?; sleep 60",
		bin, rootfs, locked, img)
	term := openTerminal(t, "pass", 120, 20, "sh", "-c", script)
	term.waitFor(20*time.Second, "Passphrase for PROMPT_OP")
	term.keys("typed secret", "Enter")
	screen := term.waitFor(20*time.Second, "EXIT=0", "Built")
	if strings.Contains(screen, "typed secret") {
		t.Errorf("the passphrase was echoed:\n%s", screen)
	}
	verifies(t, img, []string{pub}, "PROMPT_OP")
}
