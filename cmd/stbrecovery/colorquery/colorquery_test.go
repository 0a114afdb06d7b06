package colorquery

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuiet(t *testing.T) {
	for _, c := range []struct {
		args  []string
		quiet bool
	}{
		{nil, false},
		{[]string{"--model", "MAG322"}, false},
		{[]string{"--home", "device"}, false},
		{[]string{"--home=box", "--usb", "stick"}, false},
		{[]string{"rules"}, true},
		{[]string{"device", "show", "--home", "box"}, true},
		{[]string{"--home=box", "device"}, true},
		{[]string{"--help"}, true},
		{[]string{"image", "info", "x"}, true},
		{[]string{"nosuchcommand"}, false},
		{[]string{"--", "rules"}, false},
	} {
		if got := Quiet(c.args); got != c.quiet {
			t.Errorf("Quiet(%q) = %v; want %v", c.args, got, c.quiet)
		}
	}
}

func TestRestore(t *testing.T) {
	t.Setenv("TERM", "dumb")
	t.Setenv(savedTerm, "xterm-256color")
	Restore()
	if os.Getenv("TERM") != "xterm-256color" {
		t.Errorf("TERM=%q after Restore", os.Getenv("TERM"))
	}
	if _, ok := os.LookupEnv(savedTerm); ok {
		t.Error("the saved TERM is still in the environment")
	}
	t.Setenv(savedTerm, unset)
	Restore()
	if _, ok := os.LookupEnv("TERM"); ok {
		t.Error("TERM set after Restore of an unset TERM")
	}
}

// TestSubcommandAsksNoColours runs the real program in a pseudo-terminal
// (script) and reads what it wrote to the terminal: a subcommand writes no
// background-colour query (OSC 11), which a mute terminal would leave
// unanswered for five seconds; the screens' start still would.
func TestSubcommandAsksNoColours(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "stbrecovery")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	typescript := filepath.Join(tmp, "typescript")
	cmd := exec.Command(script, "-qec", bin+" rules", typescript)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	data, err := os.ReadFile(typescript)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "\x1b]11;?") {
		t.Fatal("`stbrecovery rules` asked the terminal for its background colour")
	}
	if !strings.Contains(string(data), "R1") {
		t.Fatalf("the rules table did not reach the terminal:\n%s", data)
	}
}
