package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// messageScreen shows a short message until OK or EXIT; then it runs done
// (nil: go back).
type messageScreen struct {
	c     *common
	title string
	text  string
	done  tea.Cmd
}

func newMessageScreen(c *common, title, text string, done tea.Cmd) *messageScreen {
	return &messageScreen{c: c, title: title, text: text, done: done}
}

func (s *messageScreen) Init() tea.Cmd { return nil }

func (s *messageScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && (key.Matches(k, s.c.keys.OK) || key.Matches(k, s.c.keys.Exit) || key.Matches(k, s.c.keys.Left)) {
		if s.done != nil {
			return s, s.done
		}
		return s, s.c.pop()
	}
	return s, nil
}

func (s *messageScreen) View() string {
	st := s.c.st
	return "\n" + st.Dialog.Render(st.Message.Render(s.title)+"\n\n"+wrap(s.text, min(s.c.width-6, 72))) + "\n"
}

func (s *messageScreen) Title() string       { return s.title }
func (s *messageScreen) Keys() []key.Binding { return []key.Binding{s.c.keys.OK, s.c.keys.Exit} }
