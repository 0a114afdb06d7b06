package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// offScreen is the box with its power cut: a dark TV and a blank panel.
type offScreen struct{ c *common }

func newOffScreen(c *common) *offScreen { return &offScreen{c: c} }

func (s *offScreen) Init() tea.Cmd                 { return nil }
func (s *offScreen) Update(tea.Msg) (tea.Cmd, nav) { return nil, nav{} }
func (s *offScreen) Title() string                 { return "Power off" }
func (s *offScreen) Keys() []key.Binding           { return nil }

func (s *offScreen) View() string {
	st := s.c.st
	panel := s.c.frontView("    ", ledOff)
	return "\n" + lipgloss.JoinHorizontal(lipgloss.Top, "  ", panel, "   ",
		"\n"+st.Off.Render("The box has no power.")+"\n"+st.Hint.Render("Press p to power it on; press m right after to hold MENU."))
}
