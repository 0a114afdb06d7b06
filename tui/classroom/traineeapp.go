package classroom

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// traineeApp is a trainee's program: the class's scenarios to pick from
// (skipped when the class has one), then the screens of package tui on the
// trainee's box for the chosen one.
type traineeApp struct {
	t           *trainee
	exam        *exam    // nil: practice
	hosts       []string // Config.UpdateHosts
	over        string   // why the trainee's exam is over; the screens are gone
	line        lipgloss.Style
	base        tui.Options // renderer and timing of this session
	list        list.Model
	single      *scenario.Scenario
	choose      key.Binding
	noticeStyle lipgloss.Style
	app         *tui.Model
	epoch       int // of app: see epochMsg
	size        tea.WindowSizeMsg
	sized       bool
	notice      string // the trainer's last word, shown over the screens until a key
	frames      frames // the screen drawn at most once a frame
}

// switchMsg is the trainer giving the trainee sc, afresh when reset is true.
type switchMsg struct {
	sc    *scenario.Scenario
	reset bool
}

func newTraineeApp(t *trainee, scenarios []*scenario.Scenario, ex *exam, hosts []string, base tui.Options) *traineeApp {
	a := &traineeApp{t: t, frames: frames{now: time.Now}, exam: ex, hosts: hosts, base: base, line: tui.NewStyles(base.Renderer).StageCode, choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start")),
		noticeStyle: tui.NewStyles(base.Renderer).Warn}
	if sc := t.assignment(scenarios); sc != nil {
		a.single = sc
		return a
	}
	items := make([]list.Item, len(scenarios))
	for i, sc := range scenarios {
		items[i] = scenarioItem{sc}
	}
	a.list = list.New(items, list.NewDefaultDelegate(), 80, 20)
	a.list.Title = "Hello " + t.name + ": pick a scenario"
	a.list.AdditionalShortHelpKeys = func() []key.Binding { return []key.Binding{a.choose} }
	a.list.AdditionalFullHelpKeys = a.list.AdditionalShortHelpKeys
	return a
}

// Init starts the only scenario at once, or shows the list.
func (a *traineeApp) Init() tea.Cmd {
	var cmd tea.Cmd
	if a.single != nil {
		cmd = a.start(a.single, false)
	}
	return tea.Batch(cmd, a.examTick())
}

// examTick is the exam's clock, once a second.
type examTick struct{}

func (a *traineeApp) examTick() tea.Cmd {
	if a.exam == nil {
		return nil
	}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return examTick{} })
}

// checkTime ends the screens when the trainee's time is up.
func (a *traineeApp) checkTime() tea.Cmd {
	r := a.t.currentRun()
	if a.app == nil || r == nil {
		return a.examTick()
	}
	rep := r.session.Report()
	if !a.exam.timeUp(rep) {
		return a.examTick()
	}
	a.shutdown()
	a.app = nil
	a.over = "Time is up for " + r.world.Scenario.Title + ". Your record is kept for the trainer. Press any key to leave."
	if a.exam.over.Load() {
		a.over = "The trainer ended the exam. Your record is kept. Press any key to leave."
	}
	return nil
}

// screenSize is the size the screens get: a line less in an exam, for the clock.
func (a *traineeApp) screenSize() tea.WindowSizeMsg {
	s := a.size
	if a.exam != nil && s.Height > 1 {
		s.Height--
	}
	return s
}

// start builds the screens for sc (on a box set up afresh when reset is
// true) in a new epoch; they get the terminal's size if it is known.
func (a *traineeApp) start(sc *scenario.Scenario, reset bool) tea.Cmd {
	a.shutdown()
	a.epoch++
	a.app = tui.New(scenarioOptions(a.t, sc, a.exam, a.hosts, a.base, reset))
	cmd := a.app.Init()
	if a.sized {
		size := a.screenSize()
		cmd = tea.Batch(cmd, func() tea.Msg { return size })
	}
	return tagged(a.epoch, cmd)
}

// Update takes msg, and holds back a drawing owed within a frame of the last.
func (a *traineeApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	if next := a.frames.after(msg); next != nil {
		cmd = tea.Batch(cmd, next)
	}
	return a, cmd
}

// View is the screen, drawn at most once a frame.
func (a *traineeApp) View() string { return a.frames.view(a.view) }

func (a *traineeApp) update(msg tea.Msg) tea.Cmd {
	if a.over != "" {
		if _, ok := msg.(tea.KeyMsg); ok {
			return tea.Quit
		}
		return nil
	}
	switch m := msg.(type) {
	case examTick:
		return a.checkTime()
	case tea.WindowSizeMsg:
		a.size, a.sized = m, true
		if a.app != nil {
			msg = a.screenSize()
		}
	case epochMsg:
		if m.epoch != a.epoch || a.app == nil {
			return nil // a message of screens that are gone
		}
		inner, cmd := untag(a.epoch, m.msg)
		if inner == nil {
			return cmd
		}
		if _, ok := inner.(screensQuitMsg); ok {
			return a.leaveScreens()
		}
		msg = inner
	case switchMsg:
		a.notice = "The trainer gave you: " + m.sc.Title + "."
		if m.reset {
			a.notice = "The trainer reset your box for " + m.sc.Title + "."
		} else {
			a.single = m.sc // as at the next login: the assignment is the trainee's scenario
		}
		return a.start(m.sc, m.reset)
	case tea.KeyMsg:
		a.notice = ""
	}
	if a.app != nil {
		_, cmd := a.app.Update(msg)
		return tagged(a.epoch, cmd)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.list.SetSize(msg.Width, msg.Height)
	case tea.KeyMsg:
		if key.Matches(msg, a.choose) && a.list.FilterState() != list.Filtering {
			if it, ok := a.list.SelectedItem().(scenarioItem); ok {
				return a.start(it.sc, false)
			}
		}
	}
	var cmd tea.Cmd
	a.list, cmd = a.list.Update(msg)
	return cmd
}

func (a *traineeApp) view() string {
	if a.over != "" {
		return "\n  " + a.line.Render(a.over)
	}
	if a.app != nil {
		v := a.app.View()
		if a.exam != nil {
			v = a.examLine() + "\n" + v
		}
		if a.notice != "" {
			// the first line (the header) gives way to the notice until a key
			if i := strings.IndexByte(v, '\n'); i >= 0 {
				v = a.noticeStyle.Render(a.notice) + v[i:]
			}
		}
		return v
	}
	if a.single != nil {
		return ""
	}
	return a.list.View()
}

// examLine is the exam's clock above the screens.
func (a *traineeApp) examLine() string {
	left := a.exam.limit
	if r := a.t.currentRun(); r != nil {
		left = a.exam.left(r.session.Report())
	}
	return a.line.Render(fmt.Sprintf("Exam · %s left · no hints", left.Round(time.Second)))
}

// leaveScreens ends the screens the trainee quit: back to the class's
// scenarios, where the box of each is kept, or out when the class has one.
func (a *traineeApp) leaveScreens() tea.Cmd {
	if a.single != nil {
		return tea.Quit
	}
	a.shutdown()
	a.app = nil
	a.epoch++ // the screens' messages still in flight are dropped
	a.list.Title = "Hello " + a.t.name + ": pick a scenario (your boxes are kept)"
	if a.sized {
		a.list.SetSize(a.size.Width, a.size.Height)
	}
	return nil
}

// shutdown cuts the box's power if an update is being written (a dropped
// connection is a power cut for this box only) and waits for the screens'
// work to settle. Call it once the program has ended.
func (a *traineeApp) shutdown() {
	if a.app != nil {
		a.app.Shutdown()
	}
}
