package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// messageScreen shows a short message until OK or EXIT; then the stack does
// what then says (pop: go back).
type messageScreen struct {
	c     *common
	title string
	text  string
	then  nav
}

func newMessageScreen(c *common, title, text string, then nav) *messageScreen {
	return &messageScreen{c: c, title: title, text: text, then: then}
}

func (s *messageScreen) Init() tea.Cmd { return nil }

func (s *messageScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	if k, ok := msg.(tea.KeyMsg); ok && (key.Matches(k, s.c.keys.OK) || key.Matches(k, s.c.keys.Exit) || key.Matches(k, s.c.keys.Left)) {
		return nil, s.then
	}
	return nil, nav{}
}

func (s *messageScreen) View() string {
	st := s.c.st
	return "\n" + st.Dialog.Render(st.Message.Render(s.title)+"\n\n"+wrap(s.text, min(s.c.width-6, 72))) + "\n"
}

func (s *messageScreen) Title() string       { return s.title }
func (s *messageScreen) Keys() []key.Binding { return []key.Binding{s.c.keys.OK, s.c.keys.Exit} }
