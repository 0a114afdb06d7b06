package tui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// Model is the root model: it routes messages, holds the screen stack, owns
// the power switch, the inspector and the help line.
type Model struct {
	c       *common
	stack   []screen
	powered bool
	help    help.Model
	insp    *inspector
	showIns bool
	askQuit bool
	task    bool           // the scenario panel is shown
	taskVP  viewport.Model // the scenario panel when it covers the screen
	sized   bool           // a window size arrived
	termW   int            // the terminal's width; common.width is what the screens get
	setup   *span          // Options.Start in flight
	run     *updateRun     // the update being written, nil when none
	// quitting: the program is settling before it ends; keys do nothing
	quitting bool
}

// New builds the root model. Nothing slow happens here: Options.Start runs
// as the first command.
func New(opts Options) *Model {
	st := NewStyles(opts.Renderer)
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	c := &common{opts: opts, timing: opts.Timing.withDefaults(), st: st, keys: NewKeyMap(), clock: clock,
		power: newSpan(nil), train: &inOrder{}, width: 80, height: 24}
	if opts.Training != nil {
		c.panel = NewScenarioPanel(opts.Training, st)
	}
	h := help.New()
	h.Styles = st.Help
	m := &Model{c: c, help: h, insp: newInspector(c), taskVP: viewport.New(40, 10), termW: 80, setup: newSpan(nil)}
	m.stack = []screen{newSetupScreen(c)}
	return m
}

// Init starts the environment's setup behind a spinner.
func (m *Model) Init() tea.Cmd {
	start, run := m.c.opts.Start, m.setup
	setup := func() tea.Msg {
		if start == nil {
			return envReadyMsg{err: errNoStart}
		}
		var msg envReadyMsg
		if !run.run(func(ctx context.Context) { msg.env, msg.err = start(ctx) }) {
			msg.err = run.ctx.Err()
		}
		return msg
	}
	return tea.Batch(m.top().Init(), setup)
}

// Shutdown stops the environment's setup if it still runs, cuts the power of
// a running update, and waits for both to settle, so that the caller may
// remove the box's home and the setup's folder afterwards. Call it once the
// program has ended.
func (m *Model) Shutdown() {
	m.stop()
	m.setup.wait()
	m.c.power.wait()
}

// stop cancels the setup and cuts the power; it does not wait.
func (m *Model) stop() {
	m.setup.close()
	m.c.power.close()
}

// quitCmd ends the program once the setup and the box's work have settled;
// Update goes on meanwhile, and keys do nothing.
func (m *Model) quitCmd() tea.Cmd {
	m.stop()
	m.quitting = true
	setup, power := m.setup, m.c.power
	return tea.Sequence(func() tea.Msg {
		setup.wait()
		power.wait()
		return nil
	}, tea.Quit)
}

func (m *Model) top() screen { return m.stack[len(m.stack)-1] }

func (m *Model) flashing() bool { return m.run != nil }

// Update routes one message; the navigation a screen asks for is applied
// before Update returns.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	return m, m.route(msg)
}

func (m *Model) route(msg tea.Msg) tea.Cmd {
	c := m.c
	if g, ok := msg.(genMsg); ok && g.generation() != c.gen {
		return nil
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if !m.sized {
			// the task sits beside the screens when there is room; else 't' shows it
			m.sized, m.task = true, msg.Width >= inspectorSideBySide
		}
		m.termW, c.height = msg.Width, msg.Height
		m.layout()
		m.help.Width = msg.Width
		return m.forward(tea.WindowSizeMsg{Width: c.width, Height: msg.Height})
	case envReadyMsg:
		if msg.err != nil {
			m.stack = []screen{newMessageScreen(c, "Setup failed", sentence(safetext.Lines(msg.err.Error())), pop())}
			return nil
		}
		c.env, c.ready = msg.env, true
		c.plug = &usbPlug{dir: msg.env.USBDir}
		if c.env.Box != nil {
			c.model = c.env.Box.Model()
		}
		return tea.Batch(c.stateCmd(), m.powerOn(), c.trainStep(nil))
	case trainCheckMsg:
		if msg.goal.Met {
			c.panel.SetGoalMet(msg.goal.Took, msg.goal.Steps)
		}
		return nil
	case trainHintMsg:
		if msg.ok && c.opts.Training != nil {
			m.task = true
			m.layout()
		}
		return nil
	case bootReportMsg:
		return tea.Batch(m.forward(msg), c.trainStep(BootStep{msg.report}))
	case autoupdateMsg:
		return tea.Batch(m.forward(msg), c.trainStep(AutoupdateStep{msg.report}))
	case opDoneMsg:
		return tea.Batch(m.forward(msg), c.trainStep(opStep(msg)))
	case keyInstalledMsg:
		step := UpdateStep{Action: opKeyAction, Detail: msg.source, Result: msg.res}
		return tea.Batch(m.forward(msg), c.stateCmd(), c.trainStep(step))
	case stateMsg:
		c.state, c.printenv = msg.state, msg.printenv
		m.insp.refresh()
		return nil
	case progressMsg:
		if m.run == msg.run {
			p := msg.p
			m.insp.writing = &p
			if m.showIns {
				m.insp.refresh()
			}
		}
		return tea.Batch(listen(msg.run), m.forwardRun(msg.run, msg))
	case askMsg:
		return tea.Batch(listen(msg.run), m.forwardRun(msg.run, msg))
	case updateDoneMsg:
		if m.run == msg.run {
			m.run, m.insp.writing = nil, nil
			m.askQuit = false // the question was about this write
		}
		step := UpdateStep{Action: msg.run.label, Detail: msg.run.source, Result: msg.res}
		return tea.Batch(c.stateCmd(), m.forwardRun(msg.run, msg), c.trainStep(step))
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m.forward(msg)
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	c, k := m.c, m.c.keys
	if m.quitting {
		return nil
	}
	if m.askQuit && !m.flashing() {
		m.askQuit = false // the write ended: the question no longer stands
	}
	if m.askQuit {
		// cutting the power cannot be undone: only y says yes
		switch {
		case msg.String() == "y":
			m.askQuit = false
			return m.quitCmd()
		case key.Matches(msg, k.No), key.Matches(msg, k.Quit):
			m.askQuit = false
		}
		return nil
	}
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if cv := m.covering(); cv != coverNone {
		return m.coverKey(cv, msg)
	}
	if t, ok := m.top().(textScreen); ok && t.TakesText() {
		return m.forward(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Power):
		if !c.ready {
			return nil
		}
		return m.togglePower()
	case key.Matches(msg, k.USB) && c.ready:
		return m.toggleUSB()
	case key.Matches(msg, k.Files) && c.ready && c.plug.dir != "":
		return m.openFiles()
	case key.Matches(msg, k.Inspector):
		if c.ready {
			m.showIns = !m.showIns
			m.layout()
			return m.forward(tea.WindowSizeMsg{Width: c.width, Height: c.height})
		}
		return nil
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.insp.resize(m.termW)
		return nil
	case m.showIns && key.Matches(msg, k.Scroll):
		return m.insp.update(msg)
	case c.opts.Training != nil && c.ready && key.Matches(msg, k.Hint):
		return c.trainHint()
	case c.opts.Training != nil && key.Matches(msg, k.Task):
		m.task = !m.task
		m.layout()
		return m.forward(tea.WindowSizeMsg{Width: c.width, Height: c.height})
	}
	return m.forward(msg)
}

func (m *Model) quit() tea.Cmd {
	if m.flashing() {
		m.askQuit = true
		return nil
	}
	return m.quitCmd()
}

func (m *Model) togglePower() tea.Cmd {
	if m.powered {
		m.powerOff()
		m.stack = []screen{newOffScreen(m.c)}
		return m.c.stateCmd()
	}
	return m.powerOn()
}

// layout gives the screens the width left beside a side panel.
func (m *Model) layout() {
	c := m.c
	c.width = m.termW
	side := m.showIns || m.task && c.opts.Training != nil
	if m.termW >= inspectorSideBySide && side {
		c.width = m.termW - inspectorWidth(m.termW) - 1
	}
	m.insp.resize(m.termW)
}

// powerOff cuts the power: the session's context is cancelled (an update in
// flight sees a power cut) and every message of the old session is dropped.
func (m *Model) powerOff() {
	c := m.c
	c.power.close()
	c.gen++
	m.powered = false
	m.askQuit = false
}

func (m *Model) powerOn() tea.Cmd {
	c := m.c
	c.power.close() // a reboot: the box's work so far settles before it boots
	c.power = newSpan(c.power)
	c.gen++
	m.powered = true
	b := newBootScreen(c)
	m.stack = []screen{b}
	return b.Init()
}

// forward gives msg to the screen on top (and to the box's screen beneath
// the stick screen), then applies the navigation they ask for.
func (m *Model) forward(msg tea.Msg) tea.Cmd {
	top := m.top()
	under := m.underPC(msg)
	var ucmd tea.Cmd
	var unav nav
	if under != nil {
		ucmd, unav = under.Update(msg)
	}
	cmd, n := top.Update(msg)
	return tea.Batch(ucmd, m.navigate(under, unav), cmd, m.navigate(top, n))
}

// navigate applies n, asked for by the screen from. A screen that has left
// the stack meanwhile (a reboot asked for in the same message) asks nothing.
func (m *Model) navigate(from screen, n nav) tea.Cmd {
	if n.op == navStay || !m.onStack(from) {
		return nil
	}
	if n.op == navReboot {
		m.powerOff()
		return m.powerOn()
	}
	// the stick screen stays on top while the box's screens beneath it go
	// on: their navigation happens under it, and only its own pop closes it
	box := m.stack
	var pc screen
	if f, ok := m.top().(*filesScreen); ok && len(m.stack) > 1 {
		if from == screen(f) {
			m.stack = m.stack[:len(m.stack)-1]
			return m.c.stateCmd()
		}
		pc, box = f, m.stack[:len(m.stack)-1:len(m.stack)-1]
	}
	var cmd tea.Cmd
	switch n.op {
	case navPush:
		box = append(box, n.to)
		cmd = n.to.Init()
		if u, ok := n.to.(*updateScreen); ok && u.run != nil {
			m.run, m.insp.writing = u.run, nil // a write begins
		}
	case navPop:
		if len(box) > 1 {
			box = box[:len(box)-1]
		}
		cmd = m.c.stateCmd()
	case navReset:
		box = []screen{n.to}
		cmd = n.to.Init()
	}
	if pc != nil {
		box = append(box, pc)
	}
	m.stack = box
	return cmd
}

func (m *Model) onStack(s screen) bool {
	for _, t := range m.stack {
		if t == s {
			return true
		}
	}
	return false
}

// forwardRun gives a run's message to the screen that started it.
func (m *Model) forwardRun(run *updateRun, msg tea.Msg) tea.Cmd {
	if run.gen != m.c.gen {
		return nil
	}
	for i := len(m.stack) - 1; i >= 0; i-- {
		if u, ok := m.stack[i].(*updateScreen); ok && u.run == run {
			cmd, n := u.Update(msg)
			return tea.Batch(cmd, m.navigate(u, n))
		}
	}
	if a, ok := msg.(askMsg); ok {
		a.answer <- false
	}
	return nil
}

// View draws header, body (with the inspector beside or over it) and help.
func (m *Model) View() string {
	c := m.c
	st := c.st
	w, h := m.termW, c.height
	// the screen first: its view decides whether it scrolls, which its keys in
	// the help line then show
	body := m.top().View()
	header := m.header()
	foot := m.footer()
	if b := m.banner(); b != "" {
		foot = b + "\n" + foot
	}
	bodyH := h - lipgloss.Height(header) - lipgloss.Height(foot)
	if bodyH < 1 {
		bodyH = 1
	}
	if tr := c.panel; tr != nil && m.task && !m.showIns {
		if w >= inspectorSideBySide {
			pw := inspectorWidth(w)
			left := fit(body, w-pw-1, bodyH)
			body = lipgloss.JoinHorizontal(lipgloss.Top, left, " ", st.Inspector.Render(fit(tr.View(pw-3), pw-2, bodyH)))
		} else {
			body = st.Inspector.Render(m.taskView(w-4, bodyH))
		}
	}
	if m.showIns {
		if w >= inspectorSideBySide {
			iw := inspectorWidth(w)
			left := fit(body, w-iw-1, bodyH)
			body = lipgloss.JoinHorizontal(lipgloss.Top, left, " ", st.Inspector.Render(m.insp.view()))
		} else {
			body = st.Inspector.Render(m.insp.view())
		}
	}
	return header + "\n" + fit(body, w, bodyH) + "\n" + foot
}

func (m *Model) header() string {
	c, st := m.c, m.c.st
	titles := make([]string, 0, len(m.stack))
	for _, s := range m.stack {
		if t := s.Title(); t != "" {
			titles = append(titles, t)
		}
	}
	right := st.HeaderOff.Render("○ power off")
	if m.powered {
		right = st.HeaderPower.Render("● power on")
	}
	if m.flashing() {
		right = st.Warn.Render("▲ writing flash")
	}
	if c.plug != nil && c.plug.out.Load() {
		right = st.Muted.Render("USB out · ") + right
	}
	name := st.Header.Render("stbrecovery")
	if c.model.Name != "" {
		name += " " + st.HeaderModel.Render(c.model.Name)
	}
	// the breadcrumb keeps its last titles when the line is short
	left := name
	for i := 0; i <= len(titles); i++ {
		left = name
		if i < len(titles) {
			crumb := strings.Join(titles[i:], " › ")
			if i > 0 {
				crumb = "… › " + crumb
			}
			left = name + " · " + crumb
		}
		if lipgloss.Width(left)+lipgloss.Width(right)+1 <= m.termW || i == len(titles) {
			break
		}
	}
	gap := m.termW - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return truncate(left, m.termW)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) footer() string {
	c := m.c
	if m.askQuit {
		return c.st.Warn.Render("An update is being written: quitting now cuts the power. Quit? (y/n)")
	}
	if cv := m.covering(); cv != coverNone && c.ready {
		return m.coverFooter(cv)
	}
	k := c.keys
	own := m.top().Keys()
	global := []key.Binding{k.Power, k.Inspector, k.Help, k.Quit}
	if c.opts.Training != nil {
		global = []key.Binding{k.Power, k.Inspector, k.Task, k.Hint, k.Help, k.Quit}
	}
	if c.plug != nil && c.plug.dir != "" {
		usb := k.USB
		if c.plug.out.Load() {
			usb.SetHelp("u", "USB in")
		}
		global = append([]key.Binding{usb, k.Files}, global...)
	}
	if !c.ready {
		global = []key.Binding{k.Help, k.Quit}
	}
	if t, ok := m.top().(textScreen); ok && t.TakesText() {
		// every printable key goes into the field: only Ctrl+C still quits
		global = []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))}
	}
	full := [][]key.Binding{own, global}
	if m.showIns {
		full = append(full, []key.Binding{k.Scroll})
	}
	short := append([]key.Binding{}, own...)
	if m.showIns && m.insp.vp.TotalLineCount() > m.insp.vp.Height {
		short = append(short, k.Scroll) // the inspector is taller than the screen
	}
	out := m.shortHelp(append(short, global...))
	if m.help.ShowAll {
		out = m.help.View(bindings{full: full})
	}
	if n, ok := m.top().(noter); ok && m.help.ShowAll && n.Note() != "" {
		out += "\n" + c.st.Muted.Render(wrap(n.Note(), m.termW-2))
	}
	return out
}

// shortHelp is the one-line help. When the keys do not fit the line, the
// ones '?' still lists go first (USB, inspector, task, hint, scroll, power), so
// that "? help" and "q quit" stay in view. (help.Model's own cut lets a line
// that fills the width exactly run past it.)
func (m *Model) shortHelp(short []key.Binding) string {
	k := m.c.keys
	h := m.help
	h.Width = 0
	out := h.ShortHelpView(short)
	for _, d := range []key.Binding{k.Files, k.USB, k.Inspector, k.Task, k.Hint, k.Scroll, k.Power} {
		if lipgloss.Width(out) <= m.termW {
			break
		}
		kept := short[:0:0]
		for _, b := range short {
			if b.Help().Key != d.Help().Key {
				kept = append(kept, b)
			}
		}
		short = kept
		out = h.ShortHelpView(short)
	}
	return truncate(out, m.termW)
}

// fit pads or cuts s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = truncate(l, w)
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// errNoStart is reported when the program was built without an environment.
const errNoStart = startError("no environment: Options.Start is nil")

type startError string

func (e startError) Error() string { return string(e) }
