package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

type autoupdateMsg struct {
	gen    int
	id     int
	report device.AutoupdateReport
}

func (m autoupdateMsg) generation() int { return m.gen }

// autoEventMsg is one event of a running Autoupdate: a step decided, install
// progress, or the question asked when autoupdate_cond is 1.
type autoEventMsg struct {
	gen      int
	id       int
	events   chan tea.Msg
	step     *device.AutoupdateStep
	progress *device.Progress
	question string
	answer   chan bool
}

func (m autoEventMsg) generation() int { return m.gen }

// listenAuto reads the next event of a running Autoupdate.
func listenAuto(events chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-events
		if !ok {
			return nil
		}
		return m
	}
}

// autoupdateScreen is the portal's "Check now": the Autoupdate module's
// steps, each with the values it compared, then the install's outcome.
// (Reconstruction: the portal's own screen is not documented.)
type autoupdateScreen struct {
	c        *common
	id       int
	report   *device.AutoupdateReport
	steps    []device.AutoupdateStep // as they are decided
	progress *device.Progress
	question string    // asked when autoupdate_cond is 1 ("update with confirmation")
	answer   chan bool // where the answer goes; nil when nothing is asked

	// vp holds the page when it is taller than the screen; it follows the
	// newest line (the question, the outcome) until the person scrolls up.
	vp       viewport.Model
	scrolled bool
}

func newAutoupdateScreen(c *common) *autoupdateScreen { return &autoupdateScreen{c: c, id: c.newID()} }

func (s *autoupdateScreen) Init() tea.Cmd {
	c := s.c
	box, gen, id, power := c.env.Box, c.gen, s.id, c.power
	ctx := power.ctx
	events := make(chan tea.Msg, 64)
	send := func(m autoEventMsg) bool {
		m.gen, m.id, m.events = gen, id, events
		select {
		case events <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}
	opts := device.AutoupdateOptions{
		// autoupdate_cond 1: the person answers on this screen.
		Confirm: func(q string) bool {
			ans := make(chan bool, 1)
			if !send(autoEventMsg{question: q, answer: ans}) {
				return false
			}
			select {
			case a := <-ans:
				return a
			case <-ctx.Done():
				return false
			}
		},
		Step:     func(st device.AutoupdateStep) { send(autoEventMsg{step: &st}) },
		Progress: func(p device.Progress) { send(autoEventMsg{progress: &p}) },
		HTTP:     c.env.HTTP,
	}
	work := func() tea.Msg {
		var r device.AutoupdateReport
		power.run(func(ctx context.Context) { r = box.Autoupdate(ctx, opts) })
		close(events)
		return autoupdateMsg{gen: gen, id: id, report: r}
	}
	return tea.Batch(work, listenAuto(events))
}

func (s *autoupdateScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	switch msg := msg.(type) {
	case autoEventMsg:
		if msg.id != s.id {
			return nil, nav{}
		}
		switch {
		case msg.step != nil:
			s.steps = append(s.steps, *msg.step)
		case msg.progress != nil:
			s.progress = msg.progress
		case msg.answer != nil:
			s.question, s.answer = msg.question, msg.answer
		}
		return listenAuto(msg.events), nav{}
	case autoupdateMsg:
		if msg.id == s.id {
			r := msg.report
			s.report = &r
			return s.c.stateCmd(), nav{}
		}
	case tea.KeyMsg:
		k := s.c.keys
		if s.vp.Height > 0 && (key.Matches(msg, k.Up) || key.Matches(msg, k.Down) || key.Matches(msg, k.Scroll)) {
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			s.scrolled = !s.vp.AtBottom()
			return cmd, nav{}
		}
		if s.answer != nil {
			switch {
			case key.Matches(msg, k.OK):
				s.answer <- true
			case key.Matches(msg, k.Exit), key.Matches(msg, k.Left):
				s.answer <- false
			default:
				return nil, nav{}
			}
			s.question, s.answer = "", nil
			return nil, nav{}
		}
		if s.report == nil {
			return nil, nav{}
		}
		if s.report.Outcome == device.AutoupdateInstalled && key.Matches(msg, k.OK) {
			return nil, reboot()
		}
		if key.Matches(msg, k.OK) || key.Matches(msg, k.Exit) || key.Matches(msg, k.Left) {
			return nil, pop()
		}
	}
	return nil, nav{}
}

func (s *autoupdateScreen) View() string {
	c, st := s.c, s.c.st
	w := min(c.width-4, 96)
	var b strings.Builder
	b.WriteString(st.PortalTitle.Render("Check now · Autoupdate") + "\n")
	steps := s.steps
	if s.report != nil {
		steps = s.report.Steps
		if s.report.ListURL != "" {
			b.WriteString(st.Label.Render("List: ") + s.report.ListURL + "\n")
		}
	}
	for _, step := range steps {
		mark := st.OK.Render("✓")
		if !step.Pass {
			mark = st.Error.Render("✗")
		}
		row := mark + " " + st.ExplainHead.Render(step.Name) + " " + safetext.Escape(step.Value)
		if step.Versus != "" {
			row += st.Muted.Render(" vs " + safetext.Escape(step.Versus))
		}
		b.WriteString(strings.ReplaceAll(wrap(row, w), "\n", "\n  ") + "\n")
		if step.Note != "" {
			b.WriteString(indent(st.Muted.Render(wrap(step.Note, w-2)), "  ") + "\n")
		}
	}
	if s.report == nil {
		switch {
		case s.answer != nil:
			b.WriteString("\n" + dialogBox(st, "Update with confirmation", s.question, "OK: update now · EXIT: not now", w-6) + "\n")
		case s.progress != nil && s.progress.Total > 0:
			b.WriteString("\n" + st.Muted.Render(fmt.Sprintf("%d %s · %s of %s", int(s.progress.Stage), s.progress.Stage.Text(),
				humanBytes(s.progress.Done), humanBytes(s.progress.Total))) + "\n")
		case len(steps) == 0:
			b.WriteString(st.Muted.Render("Reading update_list.txt at autoupdateURL…"))
		}
		return s.page(b.String())
	}
	r := s.report
	head := st.RefusalHead
	if r.Outcome == device.AutoupdateInstalled || r.Outcome == device.AutoupdateUpToDate {
		head = st.SuccessHead
	}
	b.WriteString("\n" + head.Render(string(r.Outcome)+" · "+r.Status.String()) + "\n")
	if res := r.Result; res != nil && !res.Installed {
		b.WriteString(st.ExplainBox.Width(w).Render(explainResult(st, *res, "Trusted on the "+pathName(res.Path)+": ", w-4)) + "\n")
	}
	if r.Outcome == device.AutoupdateInstalled {
		b.WriteString(st.Muted.Render("Press OK to reboot into the new image."))
	}
	return s.page(b.String())
}

// page shows text whole when it fits the screen, else in the viewport, at
// its end unless the person scrolled up.
func (s *autoupdateScreen) page(text string) string {
	c, st := s.c, s.c.st
	text = s.c.st.Page.Render(strings.TrimRight(text, "\n"))
	room := c.height - 2 // header and help line
	if lipgloss.Height(text) <= room || room < 4 {
		s.vp.Height = 0
		return text
	}
	s.vp.Width, s.vp.Height = c.width, room-1
	s.vp.SetContent(text)
	if !s.scrolled {
		s.vp.GotoBottom()
	}
	more := fmt.Sprintf(" ↑/↓ pgup/pgdn scroll · %d%%", int(s.vp.ScrollPercent()*100))
	return s.vp.View() + "\n" + st.Muted.Render(more)
}

func (s *autoupdateScreen) Title() string { return "Check now" }
func (s *autoupdateScreen) Keys() []key.Binding {
	if s.vp.Height > 0 {
		return []key.Binding{s.c.keys.OK, s.c.keys.Exit, s.c.keys.Scroll}
	}
	return []key.Binding{s.c.keys.OK, s.c.keys.Exit}
}

// Note is shown with the full help.
func (s *autoupdateScreen) Note() string {
	return "Reconstruction: the Autoupdate module runs in the portal; this page lays out its checks."
}
