package classroom

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// scenarioItem is a scenario in the trainee's list.
type scenarioItem struct{ sc *scenario.Scenario }

func (i scenarioItem) Title() string { return i.sc.Title }
func (i scenarioItem) Description() string {
	return fmt.Sprintf("%s · %s · %s", i.sc.Model.Name, i.sc.Difficulty, i.sc.Summary)
}
func (i scenarioItem) FilterValue() string { return i.sc.Name + " " + i.sc.Title }

// traineeApp is a trainee's program: the class's scenarios to pick from
// (skipped when the class has one), then the screens of package tui on the
// trainee's box for the chosen one.
type traineeApp struct {
	t           *trainee
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
}

// switchMsg is the trainer giving the trainee sc, afresh when reset is true.
type switchMsg struct {
	sc    *scenario.Scenario
	reset bool
}

func newTraineeApp(t *trainee, scenarios []*scenario.Scenario, base tui.Options) *traineeApp {
	a := &traineeApp{t: t, base: base, choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start")),
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
	if a.single != nil {
		return a.start(a.single, false)
	}
	return nil
}

// start builds the screens for sc (on a box set up afresh when reset is
// true) in a new epoch; they get the terminal's size if it is known.
func (a *traineeApp) start(sc *scenario.Scenario, reset bool) tea.Cmd {
	a.shutdown()
	a.epoch++
	a.app = tui.New(scenarioOptions(a.t, sc, a.base, reset))
	cmd := a.app.Init()
	if a.sized {
		size := a.size
		cmd = tea.Batch(cmd, func() tea.Msg { return size })
	}
	return tagged(a.epoch, cmd)
}

func (a *traineeApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch m := msg.(type) {
	case tea.WindowSizeMsg:
		a.size, a.sized = m, true
	case epochMsg:
		if m.epoch != a.epoch || a.app == nil {
			return a, nil // a message of screens that are gone
		}
		inner, cmd := untag(a.epoch, m.msg)
		if inner == nil {
			return a, cmd
		}
		msg = inner
	case switchMsg:
		a.notice = "The trainer gave you: " + m.sc.Title + "."
		if m.reset {
			a.notice = "The trainer reset your box for " + m.sc.Title + "."
		}
		return a, a.start(m.sc, m.reset)
	case tea.KeyMsg:
		a.notice = ""
	}
	if a.app != nil {
		_, cmd := a.app.Update(msg)
		return a, tagged(a.epoch, cmd)
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.list.SetSize(msg.Width, msg.Height)
	case tea.KeyMsg:
		if key.Matches(msg, a.choose) && a.list.FilterState() != list.Filtering {
			if it, ok := a.list.SelectedItem().(scenarioItem); ok {
				return a, a.start(it.sc, false)
			}
		}
	}
	var cmd tea.Cmd
	a.list, cmd = a.list.Update(msg)
	return a, cmd
}

func (a *traineeApp) View() string {
	if a.app != nil {
		v := a.app.View()
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

// shutdown cuts the box's power if an update is being written (a dropped
// connection is a power cut for this box only) and waits for the screens'
// work to settle. Call it once the program has ended.
func (a *traineeApp) shutdown() {
	if a.app != nil {
		a.app.Shutdown()
	}
}
