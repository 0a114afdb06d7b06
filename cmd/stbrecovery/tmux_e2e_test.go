package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// terminal drives the real binary in a real terminal: a tmux session of its own.
type terminal struct {
	t      *testing.T
	socket string
	name   string
}

// needTmux skips a terminal test where tmux is missing, and with -short.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; the terminal test needs it")
	}
	if testing.Short() {
		t.Skip("the terminal test builds and runs the program; skipped with -short")
	}
}

// openTerminal starts a tmux server of the test's own (killed at its end)
// with one session of w×h, named name, that runs args (new-session's options
// and command).
func openTerminal(t *testing.T, name string, w, h int, args ...string) *terminal {
	t.Helper()
	term := &terminal{t: t, socket: fmt.Sprintf("stbrecovery-%s-%d", name, os.Getpid()), name: name}
	t.Cleanup(func() { term.tmux("kill-server") })
	if out, err := term.tmux(append([]string{"new-session", "-d", "-s", name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}, args...)...); err != nil {
		t.Fatalf("tmux new-session: %v %s", err, out)
	}
	return term
}

func (term *terminal) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	return string(out), err
}

// screen is the visible text of the pane.
func (term *terminal) screen() string {
	out, _ := term.tmux("capture-pane", "-p", "-t", term.name)
	return out
}

// keys types keys as a person would, one at a time.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if out, err := term.tmux("send-keys", "-t", term.name, k); err != nil {
			term.t.Fatalf("send-keys %s: %v %s", k, err, out)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// waitFor waits until every one of texts is on the screen, and returns the screen.
func (term *terminal) waitFor(limit time.Duration, texts ...string) string {
	term.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := term.screen()
		missing := ""
		for _, x := range texts {
			if !strings.Contains(s, x) {
				missing = x
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("after %v the screen does not show %q:\n%s", limit, missing, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitQuit waits until the program has quit and its tmux session is gone.
func (term *terminal) waitQuit(limit time.Duration) {
	term.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if _, err := term.tmux("has-session", "-t", term.name); err != nil {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the program did not quit:\n%s", term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestTerminalWrongSignature runs the program in tmux at 100×30 and does what
// a trainee does: enter the Bootloader, open Image Info, run USB Bootstrap
// with a wrongly signed image, read the refusal, quit.
func TestTerminalWrongSignature(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	bin := programPath(t)
	stick := filepath.Join(dir, "stick")
	if out, err := exec.Command(bin, "device", "stick", "--out", stick, "--model", "MAG254").CombinedOutput(); err != nil {
		t.Fatalf("device stick: %v\n%s", err, out)
	}
	// The image the Bootloader finds first is the one changed after signing.
	copyFile(t, filepath.Join(stick, "variants", "tampered", "mag254", "imageupdate"), filepath.Join(stick, "mag254", "imageupdate"))
	home := filepath.Join(dir, "box")
	if out, err := exec.Command(bin, "device", "init", "--home", home, "--model", "MAG254").CombinedOutput(); err != nil {
		t.Fatalf("device init: %v\n%s", err, out)
	}
	before, err := exec.Command(bin, "device", "show", "--home", home, "--json").Output()
	if err != nil {
		t.Fatal(err)
	}

	cmdline := fmt.Sprintf("%q --home %q --usb %q --pace instant", bin, home, stick)
	start := time.Now()
	term := openTerminal(t, "e2e", 100, 30, "-e", "NO_COLOR=1", cmdline)
	term.waitFor(5*time.Second, "stbrecovery", "MAG254")
	t.Logf("first frame after %v (100x30 tmux pane)", time.Since(start).Round(time.Millisecond))

	// MENU at power-on opens the Bootloader.
	term.keys("m")
	term.waitFor(5*time.Second, "Bootloader", "TV System", "Upgrade Tools")

	// Image Info: the seventh row.
	term.keys("Down", "Down", "Down", "Down", "Down", "Down", "Right")
	s := term.waitFor(3*time.Second, "Image Info", "Version", "218", "Forced")
	if !strings.Contains(s, "0.2.18-r23-254") {
		t.Errorf("Image Info does not show the factory image's description:\n%s", s)
	}
	term.keys("Left")
	term.waitFor(3*time.Second, "TV System")

	// Upgrade Tools → USB Bootstrap → the image in mag254/.
	term.keys("Down", "Right")
	term.waitFor(3*time.Second, "USB Bootstrap", "Reset Op.KEY")
	term.keys("Enter")
	term.waitFor(5*time.Second, "mag254/imageupdate")
	term.keys("Enter")
	s = term.waitFor(20*time.Second, "Wrong digital signature")
	for _, want := range []string{"Er30", "17 Wrong signature", "R1", "RootFS", "STB_PUBLIC"} {
		if !strings.Contains(s, want) {
			t.Errorf("the refusal screen does not show %q:\n%s", want, s)
		}
	}

	term.keys("q")
	term.waitQuit(5 * time.Second)

	after, err := exec.Command(bin, "device", "show", "--home", home, "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Errorf("the refused update changed the box:\nbefore %s\nafter  %s", before, after)
	}
}
