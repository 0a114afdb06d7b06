package classroom

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
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
	t      *trainee
	base   tui.Options // renderer and timing of this session
	list   list.Model
	single *scenario.Scenario
	choose key.Binding
	app    *tui.Model
	size   tea.WindowSizeMsg
	sized  bool
}

func newTraineeApp(t *trainee, scenarios []*scenario.Scenario, base tui.Options) *traineeApp {
	a := &traineeApp{t: t, base: base, choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start"))}
	if len(scenarios) == 1 {
		a.single = scenarios[0]
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
		return a.start(a.single)
	}
	return nil
}

// start builds the screens for sc; they get the terminal's size if it is known.
func (a *traineeApp) start(sc *scenario.Scenario) tea.Cmd {
	a.app = tui.New(scenarioOptions(a.t, sc, a.base))
	cmd := a.app.Init()
	if a.sized {
		size := a.size
		cmd = tea.Batch(cmd, func() tea.Msg { return size })
	}
	return cmd
}

func (a *traineeApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if s, ok := msg.(tea.WindowSizeMsg); ok {
		a.size, a.sized = s, true
	}
	if a.app != nil {
		_, cmd := a.app.Update(msg)
		return a, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.list.SetSize(msg.Width, msg.Height)
	case tea.KeyMsg:
		if key.Matches(msg, a.choose) && a.list.FilterState() != list.Filtering {
			if it, ok := a.list.SelectedItem().(scenarioItem); ok {
				return a, a.start(it.sc)
			}
		}
	}
	var cmd tea.Cmd
	a.list, cmd = a.list.Update(msg)
	return a, cmd
}

func (a *traineeApp) View() string {
	if a.app != nil {
		return a.app.View()
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
