package tui

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// fakeEnv is a terminal's environment for termenv.
type fakeEnv map[string]string

func (e fakeEnv) Environ() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

func (e fakeEnv) Getenv(k string) string { return e[k] }

// TestNoColor: the styles take their colour profile from the renderer, which
// reads NO_COLOR from the environment (lipgloss' default renderer does the
// same with the real one).
func TestNoColor(t *testing.T) {
	render := func(env fakeEnv) string {
		r := lipgloss.NewRenderer(io.Discard, termenv.WithEnvironment(env), termenv.WithTTY(true), termenv.WithUnsafe())
		st := NewStyles(r)
		return st.Error.Render("Wrong digital signature") + st.BLSelected.Render("TV System")
	}
	colour := render(fakeEnv{"TERM": "xterm-256color", "COLORTERM": "truecolor"})
	if !strings.Contains(colour, "\x1b[") {
		t.Fatalf("a colour terminal got no colour: %q", colour)
	}
	plain := render(fakeEnv{"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"})
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("NO_COLOR=1 still got escape sequences: %q", plain)
	}
}
