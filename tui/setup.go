package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// setupScreen is shown while Options.Start builds the box, the demo USB
// stick and the update server.
type setupScreen struct {
	c    *common
	spin spinner.Model
}

func newSetupScreen(c *common) *setupScreen {
	return &setupScreen{c: c, spin: spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(c.st.StageCode))}
}

func (s *setupScreen) Init() tea.Cmd {
	if s.c.opts.Static {
		return nil
	}
	return s.spin.Tick
}

func (s *setupScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	if t, ok := msg.(spinner.TickMsg); ok {
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(t)
		return cmd, nav{}
	}
	return nil, nav{}
}

func (s *setupScreen) View() string {
	return "\n  " + s.spin.View() + " Preparing the box, the demo USB stick and the update server…"
}

func (s *setupScreen) Title() string       { return "" }
func (s *setupScreen) Keys() []key.Binding { return nil }
