// Command screens renders the pictures of the main journey that README.md
// shows (assets/screens/*.png): it builds the program, runs it in a tmux
// pane of 100×30, plays the journey's keys, captures each screen with its
// colours and renders it with charmbracelet/freeze.
//
//	go install github.com/charmbracelet/freeze@latest   # once; tmux must be installed too
//	go run ./assets/gen/screens                          # from the repository's root
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// shot is one picture: keys pressed, then a wait for texts, then a capture
// (none when the shot has no name: a step between pictures).
type shot struct {
	name string
	keys []string
	wait []string
}

// journey is the main journey: power-on, the Bootloader, a refused USB
// Bootstrap, the portal's Check now.
var journey = []shot{
	{name: "1-power-on", wait: []string{"Press m (MENU)"}},
	{name: "2-bootloader", keys: []string{"m"}, wait: []string{"Exit & Discard"}},
	{name: "3-usb-bootstrap", keys: []string{"Down", "Down", "Down", "Down", "Down", "Down", "Down", "Right", "Enter"}, wait: []string{"tampered"}},
	{name: "4-wrong-signature", keys: []string{"Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Enter"}, wait: []string{"Wrong digital signature", "Next:"}},
	{keys: []string{"Enter", "p", "p"}, wait: []string{"Home · MAG254"}},
	{name: "5-check-now", keys: []string{"Enter", "Enter", "Down", "Down", "Enter"}, wait: []string{"Update now?"}},
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "screens:", err)
		os.Exit(1)
	}
}

func run() error {
	freeze, err := exec.LookPath("freeze")
	if err != nil {
		return fmt.Errorf("freeze is not on PATH: go install github.com/charmbracelet/freeze@latest")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		return fmt.Errorf("tmux is not installed")
	}
	tmp, err := os.MkdirTemp("", "screens-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "stbrecovery")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/stbrecovery").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	socket := fmt.Sprintf("screens-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		return string(out), err
	}
	defer tmux("kill-server")
	if out, err := tmux("new-session", "-d", "-s", "s", "-x", "100", "-y", "30", "-e", "TERM=xterm-256color",
		"-e", "COLORTERM=truecolor", bin+" --pace instant"); err != nil {
		return fmt.Errorf("tmux: %v %s", err, out)
	}
	outDir := filepath.Join("assets", "screens")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	var ansis []string // captured first: the power-on screen waits for nobody
	for _, s := range journey {
		for _, k := range s.keys {
			if out, err := tmux("send-keys", "-t", "s", k); err != nil {
				return fmt.Errorf("send-keys: %v %s", err, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
		screen, err := waitFor(tmux, s.wait)
		if err != nil {
			return fmt.Errorf("%s: %v", s.name, err)
		}
		if s.name == "" {
			continue
		}
		ansi := filepath.Join(tmp, s.name+".ansi")
		if err := os.WriteFile(ansi, []byte(carrySGR(screen)), 0o644); err != nil {
			return err
		}
		ansis = append(ansis, ansi)
	}
	for _, ansi := range ansis {
		png := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(ansi), ".ansi")+".png")
		cmd := exec.Command(freeze, "--language", "ansi", "--window", "--padding", "20", "-o", png, ansi)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("freeze: %v\n%s", err, out)
		}
		fmt.Println("wrote", png)
	}
	return nil
}

// waitFor captures the pane, with its colours, once it shows every text.
func waitFor(tmux func(...string) (string, error), texts []string) (string, error) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		plain, _ := tmux("capture-pane", "-p", "-t", "s")
		ok := true
		for _, t := range texts {
			ok = ok && strings.Contains(plain, t)
		}
		if ok {
			time.Sleep(100 * time.Millisecond) // let the frame settle
			return tmux("capture-pane", "-p", "-e", "-t", "s")
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the screen never showed %q:\n%s", texts, plain)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// pen is the colours and attributes in force: what an SGR sequence leaves.
type pen struct {
	fg, bg string
	attrs  map[string]bool
}

// apply reads one SGR sequence's parameters into the pen.
func (p *pen) apply(params string) {
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		c := ps[i]
		switch {
		case c == "" || c == "0":
			p.fg, p.bg, p.attrs = "", "", map[string]bool{}
		case c == "38" || c == "48":
			n := 3 // 38;5;N
			if i+1 < len(ps) && ps[i+1] == "2" {
				n = 5 // 38;2;R;G;B
			}
			end := min(i+n, len(ps))
			v := strings.Join(ps[i:end], ";")
			if c == "38" {
				p.fg = v
			} else {
				p.bg = v
			}
			i = end - 1
		case c == "39":
			p.fg = ""
		case c == "49":
			p.bg = ""
		case len(c) == 2 && (c[0] == '3' || c[0] == '9'):
			p.fg = c
		case len(c) == 2 && c[0] == '4' || len(c) == 3 && c[:2] == "10":
			p.bg = c
		case len(c) == 2 && c[0] == '2':
			delete(p.attrs, c[1:])
		default:
			p.attrs[c] = true
		}
	}
}

// sequence is the SGR sequence that sets the pen from a reset, "" for none.
func (p *pen) sequence() string {
	var parts []string
	for a := range p.attrs {
		parts = append(parts, a)
	}
	sort.Strings(parts)
	if p.fg != "" {
		parts = append(parts, p.fg)
	}
	if p.bg != "" {
		parts = append(parts, p.bg)
	}
	if len(parts) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(parts, ";") + "m"
}

// carrySGR starts every line with the colours in force at its start: tmux
// writes a colour once and lets it run on over line ends, while freeze
// draws each line on its own.
func carrySGR(screen string) string {
	p := &pen{attrs: map[string]bool{}}
	var b strings.Builder
	for _, line := range strings.Split(screen, "\n") {
		b.WriteString(p.sequence())
		b.WriteString(line)
		b.WriteString("\n")
		for _, m := range sgr.FindAllStringSubmatch(line, -1) {
			p.apply(m[1])
		}
	}
	return b.String()
}
