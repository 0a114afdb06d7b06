package tui

// A side panel (the inspector, the scenario's task) sits beside the screens
// on a wide terminal and over them on a narrow one. While it covers the
// screen it owns the keys: nothing typed reaches the hidden screen, and the
// key line says so.

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// cover names the panel that hides the screen.
type cover int

const (
	coverNone cover = iota
	coverInspector
	coverTask
)

// covering is the panel drawn over the screen, if any.
func (m *Model) covering() cover {
	if m.termW >= inspectorSideBySide {
		return coverNone
	}
	switch {
	case m.showIns:
		return coverInspector
	case m.task && m.c.opts.Training != nil:
		return coverTask
	}
	return coverNone
}

// coverKey handles a key while a panel covers the screen: it scrolls or
// closes the panel, asks for a hint, shows help or quits; every other key
// is dropped.
func (m *Model) coverKey(cv cover, msg tea.KeyMsg) tea.Cmd {
	c, k := m.c, m.c.keys
	closeKey := k.CloseTask
	if cv == coverInspector {
		closeKey = k.CloseInspector
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.insp.resize(m.termW)
		return nil
	case key.Matches(msg, closeKey):
		if cv == coverInspector {
			m.showIns = false
		} else {
			m.task = false
		}
		m.layout()
		return m.forward(tea.WindowSizeMsg{Width: c.width, Height: c.height})
	case cv == coverTask && key.Matches(msg, k.Inspector) && c.ready:
		m.showIns = true
		m.layout()
		return m.forward(tea.WindowSizeMsg{Width: c.width, Height: c.height})
	case c.opts.Training != nil && c.ready && key.Matches(msg, k.Hint):
		return c.trainHint()
	case key.Matches(msg, k.PanelScroll):
		if cv == coverInspector {
			return m.insp.update(msg)
		}
		var cmd tea.Cmd
		m.taskVP, cmd = m.taskVP.Update(msg)
		return cmd
	}
	return nil
}

// coverFooter is the key line while a panel covers the screen.
func (m *Model) coverFooter(cv cover) string {
	c, k := m.c, m.c.keys
	name, closeKey := "Task panel", k.CloseTask
	if cv == coverInspector {
		name, closeKey = "Inspector", k.CloseInspector
	}
	keys := []key.Binding{k.PanelScroll, closeKey}
	if c.opts.Training != nil && c.ready {
		keys = append(keys, k.Hint)
	}
	keys = append(keys, k.Help, k.Quit)
	prefix := c.st.Warn.Render(name+" over the screen:") + " "
	if m.help.ShowAll {
		return prefix + "\n" + m.help.View(bindings{full: [][]key.Binding{keys}})
	}
	h := m.help
	h.Width = 0
	return truncate(prefix+h.ShortHelpView(keys), m.termW)
}

// taskView is the scenario panel drawn over the screen, w wide and h high,
// scrolled where the trainee left it.
func (m *Model) taskView(w, h int) string {
	m.taskVP.Width, m.taskVP.Height = w, h
	m.taskVP.SetContent(m.c.panel.View(w))
	return m.taskVP.View()
}

// banner is the line that says the goal is met, shown under the screen from
// the moment the check holds, whatever panel is open.
func (m *Model) banner() string {
	p := m.c.panel
	if !p.GoalMet() {
		return ""
	}
	st := m.c.st
	return truncate(st.OK.Render("★ "+p.MetLine())+st.Muted.Render(" · q ends the session, or keep exploring"), m.termW)
}
