package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
)

const (
	tagWindow = iota + 1
	tagStage
)

// bootScreen is power-on: the logo and the model number on the front panel
// while MENU is listened for, then the boot stages of Box.Boot stepping on a
// timer, then the portal (or the error the box stays on).
type bootScreen struct {
	c          *common
	id         int
	report     *device.BootReport
	windowOver bool
	stage      int // stages shown so far
	done       bool
}

func newBootScreen(c *common) *bootScreen { return &bootScreen{c: c, id: c.newID()} }

func (s *bootScreen) Init() tea.Cmd {
	return tea.Batch(s.c.bootCmd(), s.c.tick(s.c.timing.MenuWindow, s.id, tagWindow))
}

func (s *bootScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	c := s.c
	switch msg := msg.(type) {
	case bootReportMsg:
		r := msg.report
		s.report = &r
		if s.windowOver {
			return s.step()
		}
	case tickMsg:
		if msg.id != s.id {
			return nil, nav{}
		}
		switch msg.tag {
		case tagWindow:
			s.windowOver = true
			if s.report != nil {
				return s.step()
			}
		case tagStage:
			return s.step()
		}
	case tea.KeyMsg:
		if s.windowOver {
			return nil, nav{}
		}
		switch {
		case key.Matches(msg, c.keys.OK):
			// skip the rest of the MENU window
			s.windowOver = true
			if s.report != nil {
				return s.step()
			}
		case key.Matches(msg, c.keys.Menu):
			return nil, reset(newRecoveryScreen(c))
		case c.model.Emergency && key.Matches(msg, c.keys.Service):
			return nil, reset(newServiceScreen(c))
		}
	}
	return nil, nav{}
}

// step shows the next stage, or leaves for the portal after the last one.
func (s *bootScreen) step() (tea.Cmd, nav) {
	if s.done {
		return nil, nav{}
	}
	if s.stage < len(s.report.Stages) {
		s.stage++
		return s.c.tick(s.c.timing.BootStep, s.id, tagStage), nav{}
	}
	s.done = true
	if s.report.OK {
		return nil, reset(newPortalScreen(s.c))
	}
	return nil, nav{}
}

// newRecoveryScreen is the menu MENU opens: Bootloader or SRU, by model.
func newRecoveryScreen(c *common) screen {
	if c.model.Menu == device.MenuBootloader {
		return newBootloaderScreen(c)
	}
	return newSRUScreen(c, false)
}

// current is the stage on screen, nil during the MENU window.
func (s *bootScreen) current() *device.BootStage {
	if s.report == nil || s.stage == 0 {
		return nil
	}
	return &s.report.Stages[s.stage-1]
}

func (s *bootScreen) View() string {
	c, st := s.c, s.c.st
	panel := c.model.Number()
	tv := ""
	failed := false
	if cur := s.current(); cur != nil {
		panel = cur.Panel
		tv = cur.Text
		failed = s.done && !s.report.OK
	}
	led := ledOn
	if failed {
		led = ledError
	}
	front := c.frontView(panel, led)

	var b strings.Builder
	b.WriteString(lipgloss.JoinHorizontal(lipgloss.Bottom, st.Logo.Render(logo), "  ", st.LogoSub.Render(c.model.Name)) + "\n\n")
	if s.report != nil {
		for i := 0; i < s.stage; i++ {
			t := s.report.Stages[i].Text
			if t == "" {
				continue
			}
			switch {
			case i == s.stage-1 && failed:
				b.WriteString(st.TVError.Render(t))
			case i == s.stage-1:
				b.WriteString(st.TVText.Render(t))
			default:
				b.WriteString(st.StageDone.Render(t))
			}
			b.WriteByte('\n')
		}
	}
	if tv == "" && !s.windowOver {
		b.WriteString(st.Hint.Render(wrap(s.menuHint(), c.width-20)) + "\n")
	}
	if failed {
		b.WriteString("\n" + st.Hint.Render(wrap(s.recoverHint(), c.width-20)) + "\n")
	}
	return "\n" + lipgloss.JoinHorizontal(lipgloss.Top, "  ", front, "   ", b.String())
}

func (s *bootScreen) menuHint() string {
	name := "the Bootloader"
	if s.c.model.Menu == device.MenuSRU {
		name = "the System Recovery Utility"
	}
	h := "Press m (MENU) now to open " + name + " (enter: boot at once)."
	if s.c.model.Emergency {
		h += "\nHold s (service button) for alternative NAND, factory reset or Emergency startup."
	}
	return h
}

func (s *bootScreen) recoverHint() string {
	if s.report != nil && s.report.Hint != "" {
		h := "The box stays here. To recover: " + s.report.Hint + ". Press p twice (power off, on), then m (MENU)"
		if s.c.model.Emergency {
			h += ", or hold s for the service button"
		}
		return h + "."
	}
	h := "The box stays here. Recover it at the boot stage: press p twice (power off, on), then m for "
	if s.c.model.Menu == device.MenuBootloader {
		h += "the Bootloader (Upgrade Tools → USB Bootstrap)."
	} else {
		h += "the System Recovery Utility (Upgrade Tools → Update software)."
	}
	if s.c.model.Emergency {
		h += " Or hold s for Emergency startup from USB."
	}
	return h
}

func (s *bootScreen) Title() string { return "Power-on" }

func (s *bootScreen) Keys() []key.Binding {
	if s.windowOver {
		return nil
	}
	boot := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "boot now"))
	if s.c.model.Emergency {
		return []key.Binding{s.c.keys.Menu, s.c.keys.Service, boot}
	}
	return []key.Binding{s.c.keys.Menu, boot}
}

const logo = "┌┬┐┌─┐┌─┐\n│││├─┤│ ┬\n┴ ┴┴ ┴└─┘"
