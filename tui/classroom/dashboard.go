package classroom

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// dashboardKeys are the trainer's keys; they feed the help line too.
type dashboardKeys struct {
	Open  key.Binding
	Back  key.Binding
	Move  key.Binding
	Quit  key.Binding
	Help  key.Binding
	Pages key.Binding
}

func newDashboardKeys() dashboardKeys {
	return dashboardKeys{
		Open:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "step log")),
		Back:  key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		Move:  key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move")),
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Pages: key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
	}
}

func (k dashboardKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Move, k.Open, k.Help, k.Quit}
}
func (k dashboardKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Move, k.Open, k.Back, k.Pages}, {k.Help, k.Quit}}
}

// dashboardTick redraws the dashboard from the roster.
type dashboardTick time.Time

// dashboard is the trainer's live view of the class: a table of trainees,
// and the step log of the one opened with Enter, both redrawn every tick.
type dashboard struct {
	roster  *roster
	refresh time.Duration
	keys    dashboardKeys
	help    help.Model
	table   table.Model
	log     viewport.Model
	open    string // the trainee whose step log is shown, "" for the table
	title   lipgloss.Style
	muted   lipgloss.Style
	w, h    int
}

func newDashboard(ro *roster, r *lipgloss.Renderer, refresh time.Duration) *dashboard {
	d := &dashboard{roster: ro, refresh: refresh, keys: newDashboardKeys(), help: help.New(),
		title: r.NewStyle().Bold(true).Foreground(lipgloss.Color("#3A8FD8")),
		muted: r.NewStyle().Foreground(lipgloss.Color("#8A8A8A")), w: 80, h: 24}
	st := table.DefaultStyles()
	st.Header = r.NewStyle().Bold(true).Padding(0, 1).BorderStyle(lipgloss.NormalBorder()).BorderBottom(true)
	st.Cell = r.NewStyle().Padding(0, 1)
	st.Selected = r.NewStyle().Bold(true).Foreground(lipgloss.Color("#3A8FD8"))
	d.table = table.New(table.WithColumns(d.columns(80)), table.WithFocused(true), table.WithStyles(st))
	d.log = viewport.New(80, 20)
	d.fill()
	return d
}

// columns share the width: the scenario and the last status get what is left.
func (d *dashboard) columns(w int) []table.Column {
	fixed := []table.Column{{Title: "Name", Width: 14}, {Title: "", Width: 1}, {Title: "Scenario", Width: 0},
		{Title: "State", Width: 9}, {Title: "Steps", Width: 5}, {Title: "Hints", Width: 5}, {Title: "Time", Width: 7}, {Title: "Last status", Width: 0}}
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
		d.fill()
		return d, nil
	case dashboardTick:
		d.fill()
		return d, d.tick()
	case tea.KeyMsg:
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
		out = append(out, table.Row{r.Name, online, r.Scenario, r.State, fmt.Sprint(r.Steps), fmt.Sprint(r.Hints), t, r.Last})
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
			fmt.Fprintf(&b, "%3d. %7s  %-10s %s — %s\n", i+1, time.Duration(s.Elapsed*float64(time.Second)).Round(time.Second), s.Action, s.Detail, stepStatus(s))
			if s.Result != "" && s.Status != 0 {
				fmt.Fprintf(&b, "               %s\n", s.Result)
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
	body := d.table.View()
	if d.open != "" {
		head = d.title.Render("Step log of "+d.open) + d.muted.Render(" · live")
		body = d.log.View()
	}
	return head + "\n" + body + "\n" + d.help.View(d.keys)
}
