package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// dialogScreen is the one dialog of the screens: a short message, or a
// question. A message ends with OK or EXIT, and the stack then does what
// then says (pop: go back). A question runs yes on OK, leaving the dialog,
// and goes back on EXIT.
type dialogScreen struct {
	c     *common
	title string
	text  string
	ask   bool
	yes   tea.Cmd
	then  nav
}

// newMessageScreen shows text until OK or EXIT, then does then.
func newMessageScreen(c *common, title, text string, then nav) *dialogScreen {
	return &dialogScreen{c: c, title: title, text: text, then: then}
}

// newConfirmScreen asks question: OK runs yes, EXIT goes back.
func newConfirmScreen(c *common, title, question string, yes tea.Cmd) *dialogScreen {
	return &dialogScreen{c: c, title: title, text: question, ask: true, yes: yes, then: pop()}
}

func (s *dialogScreen) Init() tea.Cmd { return nil }

func (s *dialogScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil, nav{}
	}
	keys := s.c.keys
	switch {
	case key.Matches(k, keys.OK) && s.ask:
		return s.yes, pop()
	case key.Matches(k, keys.OK), key.Matches(k, keys.Exit), key.Matches(k, keys.Left):
		if s.ask {
			return nil, pop()
		}
		return nil, s.then
	}
	return nil, nav{}
}

func (s *dialogScreen) View() string {
	hint := ""
	if s.ask {
		hint = "OK (enter) to go on · EXIT (esc) to go back"
	}
	return "\n" + dialogBox(s.c.st, s.title, s.text, hint, min(s.c.width-6, 72)) + "\n"
}

func (s *dialogScreen) Title() string       { return s.title }
func (s *dialogScreen) Keys() []key.Binding { return []key.Binding{s.c.keys.OK, s.c.keys.Exit} }

// dialogBox draws a dialog: the title, the text wrapped at w, and the keys
// that answer it (none for a message). Screens that ask a question of their
// own (the update's, Autoupdate's) draw it with this too.
func dialogBox(st Styles, title, text, hint string, w int) string {
	body := st.Message.Render(title) + "\n\n" + wrap(text, w)
	if hint != "" {
		body += "\n\n" + st.Muted.Render(hint)
	}
	return st.Dialog.Render(body)
}
