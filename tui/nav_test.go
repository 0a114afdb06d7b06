package tui

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// navScreen is a screen that asks for a fixed move on every message.
type navScreen struct {
	name string
	then nav
}

func newNavScreen(name string) *navScreen { return &navScreen{name: name} }

func (s *navScreen) asks(n nav) *navScreen         { s.then = n; return s }
func (s *navScreen) Init() tea.Cmd                 { return nil }
func (s *navScreen) Update(tea.Msg) (tea.Cmd, nav) { return nil, s.then }
func (s *navScreen) View() string                  { return s.name }
func (s *navScreen) Title() string                 { return s.name }
func (s *navScreen) Keys() []key.Binding           { return nil }

func stackNames(m *Model) []string {
	var out []string
	for _, s := range m.stack {
		out = append(out, s.Title())
	}
	return out
}

// TestNavigate: a move a screen returns is applied at once, beneath the
// stick screen when that is on top; only the stick screen's own pop closes
// it, and a screen no longer on the stack moves nothing.
func TestNavigate(t *testing.T) {
	c := &common{}
	files := &filesScreen{c: c}
	a, b := newNavScreen("a"), newNavScreen("b")
	cases := []struct {
		name  string
		stack []screen
		from  screen
		n     nav
		want  []string
	}{
		{"push", []screen{a}, a, push(b), []string{"a", "b"}},
		{"pop", []screen{a, b}, b, pop(), []string{"a"}},
		{"pop keeps the last screen", []screen{a}, a, pop(), []string{"a"}},
		{"reset", []screen{a, b}, b, reset(newNavScreen("c")), []string{"c"}},
		{"stay", []screen{a, b}, b, nav{}, []string{"a", "b"}},
		{"push under the stick screen", []screen{a, files}, a, push(b), []string{"a", "b", files.Title()}},
		{"pop under the stick screen", []screen{a, b, files}, b, pop(), []string{"a", files.Title()}},
		{"reset under the stick screen", []screen{a, b, files}, b, reset(newNavScreen("c")), []string{"c", files.Title()}},
		{"the stick screen closes itself", []screen{a, b, files}, files, pop(), []string{"a", "b"}},
		{"a screen gone asks nothing", []screen{a}, b, push(newNavScreen("c")), []string{"a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &Model{c: c, stack: append([]screen(nil), tc.stack...)}
			m.navigate(tc.from, tc.n)
			got := stackNames(m)
			if len(got) != len(tc.want) {
				t.Fatalf("stack %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("stack %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestForwardAppliesNavBeforeTheNextMessage: the screen a move puts on top
// gets the very next message.
func TestForwardAppliesNavBeforeTheNextMessage(t *testing.T) {
	c := &common{}
	b := newNavScreen("b")
	a := newNavScreen("a").asks(push(b))
	m := &Model{c: c, stack: []screen{a}}
	m.forward(tea.KeyMsg{Type: tea.KeyEnter})
	b.then = pop()
	m.forward(tea.KeyMsg{Type: tea.KeyEnter})
	if got := stackNames(m); len(got) != 1 || got[0] != "a" {
		t.Errorf("stack %v, want [a]: the second key did not reach b", got)
	}
}
