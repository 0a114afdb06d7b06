package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// confirmScreen asks a yes/no question: OK runs yes (after leaving the
// dialog), EXIT goes back.
type confirmScreen struct {
	c        *common
	title    string
	question string
	yes      tea.Cmd
}

func newConfirmScreen(c *common, title, question string, yes tea.Cmd) *confirmScreen {
	return &confirmScreen{c: c, title: title, question: question, yes: yes}
}

func (s *confirmScreen) Init() tea.Cmd { return nil }

func (s *confirmScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, s.c.keys.OK):
			return s.yes, pop()
		case key.Matches(k, s.c.keys.Exit), key.Matches(k, s.c.keys.Left):
			return nil, pop()
		}
	}
	return nil, nav{}
}

func (s *confirmScreen) View() string {
	st := s.c.st
	return "\n" + st.Dialog.Render(st.Message.Render(s.title)+"\n\n"+wrap(s.question, min(s.c.width-6, 72))+"\n\n"+
		st.Muted.Render("OK (enter) to go on · EXIT (esc) to go back")) + "\n"
}

func (s *confirmScreen) Title() string { return s.title }
func (s *confirmScreen) Keys() []key.Binding {
	return []key.Binding{s.c.keys.OK, s.c.keys.Exit}
}
