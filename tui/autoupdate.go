package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
)

type autoupdateMsg struct {
	gen    int
	id     int
	report device.AutoupdateReport
}

func (m autoupdateMsg) generation() int { return m.gen }

// autoupdateScreen is the portal's "Check now": the Autoupdate module's
// steps, each with the values it compared, then the install's outcome.
// (Reconstruction: the portal's own screen is not documented.)
type autoupdateScreen struct {
	c      *common
	id     int
	report *device.AutoupdateReport
}

func newAutoupdateScreen(c *common) *autoupdateScreen { return &autoupdateScreen{c: c, id: c.newID()} }

func (s *autoupdateScreen) Init() tea.Cmd {
	c := s.c
	box, gen, id, ctx := c.env.Box, c.gen, s.id, c.ctx
	return func() tea.Msg {
		var r device.AutoupdateReport
		// Confirmation (autoupdate_cond 1) is answered yes: the person pressed Check now.
		opts := device.AutoupdateOptions{Confirm: func(string) bool { return true }}
		c.lock(func() { r = box.Autoupdate(ctx, opts) })
		return autoupdateMsg{gen: gen, id: id, report: r}
	}
}

func (s *autoupdateScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case autoupdateMsg:
		if msg.id == s.id {
			r := msg.report
			s.report = &r
			return s, s.c.stateCmd()
		}
	case tea.KeyMsg:
		k := s.c.keys
		if s.report == nil {
			return s, nil
		}
		if s.report.Outcome == device.AutoupdateInstalled && key.Matches(msg, k.OK) {
			return s, s.c.reboot()
		}
		if key.Matches(msg, k.OK) || key.Matches(msg, k.Exit) || key.Matches(msg, k.Left) {
			return s, s.c.pop()
		}
	}
	return s, nil
}

func (s *autoupdateScreen) View() string {
	c, st := s.c, s.c.st
	w := min(c.width-4, 96)
	var b strings.Builder
	b.WriteString(st.PortalTitle.Render("Check now · Autoupdate") + "\n")
	if s.report == nil {
		b.WriteString(st.Muted.Render("Reading update_list.txt at autoupdateURL…"))
		return lipgloss.NewStyle().PaddingLeft(1).Render(b.String())
	}
	r := s.report
	if r.ListURL != "" {
		b.WriteString(st.Label.Render("List: ") + r.ListURL + "\n")
	}
	for _, step := range r.Steps {
		mark := st.OK.Render("✓")
		if !step.Pass {
			mark = st.Error.Render("✗")
		}
		row := mark + " " + st.ExplainHead.Render(step.Name) + " " + step.Value
		if step.Versus != "" {
			row += st.Muted.Render(" vs " + step.Versus)
		}
		b.WriteString(truncate(row, w) + "\n")
		if step.Note != "" {
			b.WriteString(indent(st.Muted.Render(wrap(step.Note, w-2)), "  ") + "\n")
		}
	}
	head := st.RefusalHead
	if r.Outcome == device.AutoupdateInstalled || r.Outcome == device.AutoupdateUpToDate {
		head = st.SuccessHead
	}
	b.WriteString("\n" + head.Render(string(r.Outcome)+" · "+r.Status.String()) + "\n")
	if res := r.Result; res != nil && !res.Installed {
		u := &updateScreen{c: c, fl: flavorPortal}
		b.WriteString(st.ExplainBox.Width(w).Render(u.explain(*res, w-4)) + "\n")
	}
	if r.Outcome == device.AutoupdateInstalled {
		b.WriteString(st.Muted.Render("Press OK to reboot into the new image."))
	}
	return lipgloss.NewStyle().PaddingLeft(1).Render(b.String())
}

func (s *autoupdateScreen) Title() string       { return "Check now" }
func (s *autoupdateScreen) Keys() []key.Binding { return []key.Binding{s.c.keys.OK, s.c.keys.Exit} }

// Note is shown with the full help.
func (s *autoupdateScreen) Note() string {
	return "Reconstruction: the Autoupdate module runs in the portal; this page lays out its checks."
}
