package classroom

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/scenario"
)

// dashboardKeys are the trainer's keys; they feed the help line too.
type dashboardKeys struct {
	Open      key.Binding
	Back      key.Binding
	Move      key.Binding
	Quit      key.Binding
	Help      key.Binding
	Pages     key.Binding
	Assign    key.Binding
	AssignAll key.Binding
	Reset     key.Binding
	EndExam   key.Binding
	Yes       key.Binding
	No        key.Binding
}

func newDashboardKeys() dashboardKeys {
	return dashboardKeys{
		Assign:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "assign")),
		AssignAll: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "assign to all")),
		Reset:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset box")),
		EndExam:   key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "end exam")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "step log")),
		Back:      key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		Move:      key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Pages:     key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
	}
}

func (k dashboardKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Move, k.Open, k.Assign, k.AssignAll, k.Reset, k.Help, k.Quit}
}
func (k dashboardKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Move, k.Open, k.Back, k.Pages}, {k.Assign, k.AssignAll, k.Reset, k.EndExam}, {k.Help, k.Quit}}
}

// dashboardTick redraws the dashboard from the roster.
type dashboardTick time.Time

// dashboard is the trainer's live view of the class: a table of trainees,
// and the step log of the one opened with Enter, both redrawn every tick.
type dashboard struct {
	roster    *roster
	scenarios []*scenario.Scenario
	exam      *exam // nil: practice
	// ending: the end of the exam waits for y/n
	ending  bool
	refresh time.Duration
	// choosing: the scenario list for an assignment to chooseFor ("" for all)
	choosing  bool
	chooseFor string
	pick      list.Model
	// confirm: the reset of confirmFor's box waits for y/n
	confirmFor string
	status     string // the outcome of the last action
	keys       dashboardKeys
	help       help.Model
	table      table.Model
	log        viewport.Model
	open       string // the trainee whose step log is shown, "" for the table
	title      lipgloss.Style
	muted      lipgloss.Style
	warn       lipgloss.Style
	w, h       int
}

func newDashboard(ro *roster, class []*scenario.Scenario, ex *exam, r *lipgloss.Renderer, refresh time.Duration) *dashboard {
	d := &dashboard{roster: ro, scenarios: class, exam: ex, refresh: refresh, keys: newDashboardKeys(), help: help.New(),
		title: r.NewStyle().Bold(true).Foreground(lipgloss.Color("#3A8FD8")),
		muted: r.NewStyle().Foreground(lipgloss.Color("#8A8A8A")),
		warn:  r.NewStyle().Foreground(lipgloss.Color("#D78700")), w: 80, h: 24}
	st := table.DefaultStyles()
	st.Header = r.NewStyle().Bold(true).Padding(0, 1).BorderStyle(lipgloss.NormalBorder()).BorderBottom(true)
	st.Cell = r.NewStyle().Padding(0, 1)
	st.Selected = r.NewStyle().Bold(true).Foreground(lipgloss.Color("#3A8FD8"))
	d.table = table.New(table.WithColumns(d.columns(80)), table.WithFocused(true), table.WithStyles(st))
	d.keys.EndExam.SetEnabled(ex != nil)
	d.log = viewport.New(80, 20)
	items := make([]list.Item, len(class))
	for i, sc := range class {
		items[i] = scenarioItem{sc}
	}
	d.pick = list.New(items, list.NewDefaultDelegate(), 80, 20)
	d.pick.SetShowHelp(false)
	d.fill()
	return d
}

// columns share the width: the scenario and the last status get what is left.
func (d *dashboard) columns(w int) []table.Column {
	fixed := []table.Column{{Title: "Name", Width: 14}, {Title: "", Width: 1}, {Title: "Scenario", Width: 0},
		{Title: "State", Width: 11}, {Title: "Steps", Width: 5}, {Title: "Hints", Width: 5}, {Title: "Time", Width: 7}, {Title: "Last status", Width: 0}}
	if d.exam != nil {
		fixed = append(fixed, table.Column{Title: "Score", Width: 5})
	}
	used := 0
	for _, c := range fixed {
		used += c.Width + 2 // cell padding
	}
	left := w - used
	if left < 20 {
		left = 20
	}
	fixed[2].Width = left * 2 / 5
	fixed[7].Width = left - fixed[2].Width
	return fixed
}

func (d *dashboard) tick() tea.Cmd {
	return tea.Tick(d.refresh, func(t time.Time) tea.Msg { return dashboardTick(t) })
}

// Init starts the redraw clock.
func (d *dashboard) Init() tea.Cmd { return d.tick() }

func (d *dashboard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		d.w, d.h = msg.Width, msg.Height
		d.help.Width = msg.Width
		d.table.SetColumns(d.columns(msg.Width))
		d.table.SetWidth(msg.Width)
		d.table.SetHeight(max(3, msg.Height-4))
		d.log.Width, d.log.Height = msg.Width, max(3, msg.Height-4)
		d.pick.SetSize(msg.Width, max(3, msg.Height-4))
		d.fill()
		return d, nil
	case actionMsg:
		d.status = string(msg)
		d.fill()
		return d, nil
	case dashboardTick:
		d.fill()
		return d, d.tick()
	case tea.KeyMsg:
		if d.confirmFor != "" {
			return d, d.confirm(msg)
		}
		if d.ending {
			return d, d.confirmEnd(msg)
		}
		if d.choosing {
			return d, d.choose(msg)
		}
		switch {
		case key.Matches(msg, d.keys.Quit):
			return d, tea.Quit
		case key.Matches(msg, d.keys.Help):
			d.help.ShowAll = !d.help.ShowAll
			return d, nil
		case d.open == "" && key.Matches(msg, d.keys.Open):
			if row := d.table.SelectedRow(); row != nil {
				d.open = row[0]
				d.fill()
				d.log.GotoBottom()
			}
			return d, nil
		case d.open != "" && key.Matches(msg, d.keys.Back):
			d.open = ""
			d.fill()
			return d, nil
		case d.open == "" && key.Matches(msg, d.keys.Assign):
			if row := d.table.SelectedRow(); row != nil {
				d.choosing, d.chooseFor = true, row[0]
			}
			return d, nil
		case d.open == "" && key.Matches(msg, d.keys.AssignAll):
			d.choosing, d.chooseFor = true, ""
			return d, nil
		case d.exam != nil && key.Matches(msg, d.keys.EndExam):
			d.ending = true
			return d, nil
		case d.open == "" && key.Matches(msg, d.keys.Reset):
			if row := d.table.SelectedRow(); row != nil {
				d.confirmFor = row[0]
			}
			return d, nil
		}
	}
	var cmd tea.Cmd
	if d.open != "" {
		d.log, cmd = d.log.Update(msg)
	} else {
		d.table, cmd = d.table.Update(msg)
	}
	return d, cmd
}

// fill puts the roster as it is now in the table and the open step log.
func (d *dashboard) fill() {
	rows := d.roster.rows()
	out := make([]table.Row, 0, len(rows))
	for _, r := range rows {
		online := " "
		if r.Online {
			online = "●"
		}
		t := ""
		if r.Time > 0 {
			t = r.Time.Round(time.Second).String()
		}
		row := table.Row{r.Name, online, r.Scenario, r.State, fmt.Sprint(r.Steps), fmt.Sprint(r.Hints), t, r.Last}
		if d.exam != nil {
			row = append(row, fmt.Sprint(r.Score))
		}
		out = append(out, row)
	}
	d.table.SetRows(out)
	if d.open == "" {
		return
	}
	atEnd := d.log.AtBottom()
	var b strings.Builder
	t := d.roster.get(d.open)
	if t == nil {
		b.WriteString("No such trainee.")
	} else if sc, steps := t.steps(); sc == "" {
		b.WriteString("No scenario started yet.")
	} else {
		fmt.Fprintf(&b, "%s\n\n", sc)
		if len(steps) == 0 {
			b.WriteString("No step yet.")
		}
		for i, s := range steps {
			fmt.Fprintf(&b, "%3d. %7s  %-10s %s — %s\n", i+1, time.Duration(s.Elapsed*float64(time.Second)).Round(time.Second),
				safetext.Escape(s.Action), safetext.Escape(s.Detail), stepStatus(s))
			if s.Result != "" && s.Status != 0 {
				fmt.Fprintf(&b, "               %s\n", safetext.Escape(s.Result))
			}
		}
	}
	d.log.SetContent(b.String())
	if atEnd {
		d.log.GotoBottom()
	}
}

func (d *dashboard) View() string {
	rows := d.roster.rows()
	online, met := 0, 0
	for _, r := range rows {
		if r.Online {
			online++
		}
		if r.State == "goal met" {
			met++
		}
	}
	head := d.title.Render("stbrecovery classroom") + d.muted.Render(fmt.Sprintf(" · %d trainees, %d online, %d goals met", len(rows), online, met))
	if d.exam != nil {
		state := fmt.Sprintf(" · exam, %s per scenario", d.exam.limit)
		if d.exam.over.Load() {
			state = " · exam ended"
		}
		head += d.warn.Render(state)
	}
	body := d.table.View()
	foot := d.help.View(d.keys)
	switch {
	case d.choosing:
		who := "every trainee"
		if d.chooseFor != "" {
			who = d.chooseFor
		}
		head = d.title.Render("Assign a scenario to " + who)
		body = d.pick.View()
		foot = d.help.ShortHelpView([]key.Binding{d.keys.Move, d.keys.Open, d.keys.Back})
	case d.open != "":
		head = d.title.Render("Step log of "+d.open) + d.muted.Render(" · live")
		body = d.log.View()
	}
	if d.ending {
		foot = d.warn.Render("End the exam for every trainee now? Their screens close; their records are kept. (y/n)")
	} else if d.confirmFor != "" {
		foot = d.warn.Render("Reset " + d.confirmFor + "'s box to the scenario's start? Their record so far is kept. (y/n)")
	} else if d.status != "" {
		foot = d.muted.Render(d.status) + "\n" + foot
	}
	return head + "\n" + body + "\n" + foot
}

// actionMsg is the outcome of a trainer's action, for the status line.
type actionMsg string

// choose handles a key in the scenario list of an assignment.
func (d *dashboard) choose(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, d.keys.Back) && d.pick.FilterState() != list.Filtering:
		d.choosing = false
		return nil
	case key.Matches(msg, d.keys.Open) && d.pick.FilterState() != list.Filtering:
		d.choosing = false
		it, ok := d.pick.SelectedItem().(scenarioItem)
		if !ok {
			return nil
		}
		return d.assign(d.chooseFor, it.sc)
	}
	var cmd tea.Cmd
	d.pick, cmd = d.pick.Update(msg)
	return cmd
}

// assign gives sc to the trainee called name, or to every trainee when name is "".
func (d *dashboard) assign(name string, sc *scenario.Scenario) tea.Cmd {
	ro := d.roster
	return func() tea.Msg {
		if name != "" {
			if t := ro.get(name); t != nil {
				t.assign(sc)
			}
			return actionMsg(sc.Name + " assigned to " + name + ".")
		}
		n := 0
		for _, t := range ro.all() {
			t.assign(sc)
			n++
		}
		return actionMsg(fmt.Sprintf("%s assigned to all %d trainees.", sc.Name, n))
	}
}

// confirm handles y/n for a reset.
func (d *dashboard) confirm(msg tea.KeyMsg) tea.Cmd {
	name := d.confirmFor
	switch {
	case key.Matches(msg, d.keys.Yes):
		d.confirmFor = ""
		ro, class := d.roster, d.scenarios
		return func() tea.Msg {
			t := ro.get(name)
			if t == nil {
				return actionMsg("No trainee " + name + ".")
			}
			if err := t.resetCurrent(class); err != nil {
				return actionMsg(sentence(err.Error()))
			}
			return actionMsg(name + "'s box was reset.")
		}
	case key.Matches(msg, d.keys.No):
		d.confirmFor = ""
	}
	return nil
}

// confirmEnd handles y/n for the end of the exam.
func (d *dashboard) confirmEnd(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, d.keys.Yes):
		d.ending = false
		ex := d.exam
		return func() tea.Msg {
			if err := ex.end(); err != nil {
				return actionMsg("The exam ended, but " + err.Error())
			}
			return actionMsg("The exam ended for every trainee.")
		}
	case key.Matches(msg, d.keys.No):
		d.ending = false
	}
	return nil
}
