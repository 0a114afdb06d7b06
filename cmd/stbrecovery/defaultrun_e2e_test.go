package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTerminalDefaultRunHTTPJourney walks the default run's HTTP journeys in
// a real terminal, as a sales engineer would: the portal's Check now
// installs the demo server's next release; after Def. Settings in the
// Bootloader, Check now still reads the demo server and says up to date;
// Update from URL finds the image update_url names (no 404), and the
// settings page shows the demo server's URLs.
func TestTerminalDefaultRunHTTPJourney(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := programPath(t)
	term := openTerminal(t, "run", 80, 24, "-e", "NO_COLOR=1", "-e", "TMPDIR="+dir, fmt.Sprintf("%q --pace instant", bin))
	toSoftwareUpdate := func() {
		term.waitFor(30*time.Second, "Home", "Settings")
		term.keys("Enter")
		term.waitFor(5*time.Second, "Software update")
		term.keys("Enter")
		term.waitFor(5*time.Second, "Check now", "Autoupdate URL")
	}

	// Check now: the demo server's next release, with the question of autoupdate_cond 1.
	toSoftwareUpdate()
	s := term.screen()
	for _, want := range []string{"/mag/254/update_list.txt", "/mag/254/imageupdate"} {
		if !strings.Contains(s, want) {
			t.Errorf("the settings do not show the demo server's %s:\n%s", want, s)
		}
	}
	term.keys("Down", "Down", "Enter")
	term.waitFor(20*time.Second, "Update now?")
	term.keys("Enter")
	term.waitFor(30*time.Second, "16 Update finished OK")

	// Reboot into the Bootloader, Def. Settings, Exit & Save.
	term.keys("Enter")
	term.waitFor(10*time.Second, "Press m (MENU)")
	term.keys("m")
	term.waitFor(5*time.Second, "Def. Settings", "Exit & Save")
	term.keys("Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Enter")
	term.waitFor(5*time.Second, "Press OK")
	term.keys("Enter")
	term.waitFor(5*time.Second, "Default settings restored")
	term.keys("Down", "Enter")
	term.waitFor(5*time.Second, "Please confirm save change")
	term.keys("Enter")

	// Check now after the factory reset: still the demo server, up to date.
	toSoftwareUpdate()
	term.keys("Down", "Down", "Enter")
	term.waitFor(20*time.Second, "up-to-date")

	// Update from URL: the image update_url names is found (the same version, so the portal asks).
	term.keys("Escape")
	term.waitFor(5*time.Second, "Update from URL")
	term.keys("Up", "Enter")
	term.waitFor(10*time.Second, "URL: http://127.0.0.1:", "update_list.txt of the configured server")
	term.keys("Enter")
	s = term.waitFor(30*time.Second, "Install it anyway?")
	if strings.Contains(s, "25 File not found") || strings.Contains(s, "28 Incorrect URL") {
		t.Fatalf("Update from URL on the default run:\n%s", s)
	}
	term.keys("Escape") // not anyway: the box keeps what it runs
	term.waitFor(10*time.Second, "24 File check finished")
	term.keys("q")
	term.waitQuit(10 * time.Second) // it quits and removes its temporary box
	if left, _ := filepath.Glob(filepath.Join(dir, "stbrecovery-*")); len(left) > 0 {
		t.Errorf("the temporary box is left behind: %v", left)
	}
}
