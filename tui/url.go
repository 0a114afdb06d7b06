package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// listEntry is one line of the configured server's update_list.txt.
type listEntry struct {
	name, url, typ, date, descr string
}

type listMsg struct {
	id      int
	url     string
	entries []listEntry
	err     error
}

// urlScreen is "Using HTTP" / "Update from URL": a URL to type, and the
// entries of the configured server's update_list.txt to pick from.
type urlScreen struct {
	c       *common
	id      int
	fl      flavor
	input   textinput.Model
	listURL string
	entries []listEntry
	loaded  bool
	err     error
	cursor  int // -1: the typed URL
}

func newURLScreen(c *common, fl flavor) *urlScreen {
	in := textinput.New()
	in.Prompt = "URL: "
	in.CharLimit = 512
	in.Width = min(c.width-10, 70)
	in.SetValue(defaultImageURL(c))
	in.Focus()
	s := &urlScreen{c: c, id: c.newID(), fl: fl, input: in, cursor: -1}
	s.listURL = updateListURL(c)
	return s
}

func (s *urlScreen) Init() tea.Cmd {
	// a steady cursor: no blink timers racing the screen
	cmds := []tea.Cmd{s.input.Cursor.SetMode(cursor.CursorStatic)}
	if s.listURL == "" {
		s.loaded = true
		return tea.Batch(cmds...)
	}
	u, id, ctx, demo, opts := s.listURL, s.id, s.c.power.ctx, demoVariantsListURL(s.c), s.c.env.HTTP
	cmds = append(cmds, func() tea.Msg {
		es, err := fetchList(ctx, u, opts...)
		if demo != "" && demo != u {
			// the demo server's other images, to try each refusal over HTTP
			if more, derr := fetchList(ctx, demo, opts...); derr == nil {
				es = append(es, more...)
			}
		}
		return listMsg{id: id, url: u, entries: es, err: err}
	})
	return tea.Batch(cmds...)
}

// TakesText lets every printable key into the URL field.
func (s *urlScreen) TakesText() bool { return true }

func (s *urlScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k := s.c.keys
	switch msg := msg.(type) {
	case listMsg:
		if msg.id == s.id {
			s.entries, s.err, s.loaded = msg.entries, msg.err, true
		}
		return nil, nav{}
	case tea.WindowSizeMsg:
		s.input.Width = min(msg.Width-10, 70)
	case tea.KeyMsg:
		switch {
		case msg.Type == tea.KeyEsc:
			return nil, pop()
		case key.Matches(msg, k.Up) && len(s.entries) > 0:
			s.cursor--
			if s.cursor < -1 {
				s.cursor = len(s.entries) - 1
			}
			s.follow()
			return nil, nav{}
		case key.Matches(msg, k.Down) && len(s.entries) > 0:
			s.cursor++
			if s.cursor >= len(s.entries) {
				s.cursor = -1
			}
			s.follow()
			return nil, nav{}
		case key.Matches(msg, k.OK):
			u := strings.TrimSpace(s.input.Value())
			return nil, push(newUpdateScreen(s.c, s.fl, s.title(), httpSource(u, s.c.env.HTTP...), s.fl != flavorPortal && forced(s.c.state, nil)))
		}
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd, nav{}
}

// listTable lays the update list out as a table (bubbles/table), the picked
// entry highlighted; w is the width it may take.
func (s *urlScreen) listTable(w int) string {
	// the name column takes the longest name (a list may break the 20-character
	// rule), within reason; the selected row carries a mark, for terminals
	// without colour
	nameW, typeW, dateW := 4, 7, 29
	for _, e := range s.entries {
		nameW = max(nameW, lipgloss.Width(e.name))
	}
	nameW = min(nameW, 24) + 2
	descrW := max(10, w-nameW-typeW-dateW-8)
	cols := []table.Column{{Title: "  Name", Width: nameW}, {Title: "Type", Width: typeW},
		{Title: "Date", Width: dateW}, {Title: "Description", Width: descrW}}
	rows := make([]table.Row, len(s.entries))
	for i, e := range s.entries {
		mark := "  "
		if i == s.cursor {
			mark = "▸ "
		}
		rows[i] = table.Row{mark + safetext.Escape(e.name), safetext.Escape(e.typ), safetext.Escape(e.date), safetext.Escape(e.descr)}
	}
	styles := s.c.st.Table
	if s.cursor < 0 {
		styles.Selected = s.c.st.Body // the field has the focus
	}
	t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithStyles(styles),
		table.WithHeight(min(len(rows), max(3, s.c.height-16))+1), table.WithFocused(s.cursor >= 0))
	t.SetCursor(max(s.cursor, 0))
	return t.View()
}

// follow puts the selected list entry's URL into the field.
func (s *urlScreen) follow() {
	if s.cursor >= 0 {
		s.input.SetValue(s.entries[s.cursor].url)
		s.input.CursorEnd()
	}
}

func (s *urlScreen) title() string {
	if s.fl == flavorPortal {
		return "Update from URL"
	}
	return "Using HTTP"
}

func (s *urlScreen) View() string {
	c, st := s.c, s.c.st
	var b strings.Builder
	if s.fl == flavorPortal {
		b.WriteString(st.PortalTitle.Render(s.title()) + "\n")
	} else {
		b.WriteString(st.SRUTitle.Render(s.title()) + "\n\n")
	}
	b.WriteString(s.input.View() + "\n\n")
	switch {
	case s.listURL == "":
		b.WriteString(st.Muted.Render("No update server is configured: type the URL of an imageupdate.") + "\n")
	case !s.loaded:
		b.WriteString(st.Muted.Render("Reading "+s.listURL+" …") + "\n")
	case s.err != nil:
		b.WriteString(st.Error.Render(wrap("update_list.txt: "+s.err.Error(), c.width-4)) + "\n")
	case len(s.entries) == 0:
		b.WriteString(st.Muted.Render("The server's update_list.txt lists no image.") + "\n")
	default:
		b.WriteString(st.Label.Render("update_list.txt of the configured server (↑/↓ picks one):") + "\n")
		b.WriteString(s.listTable(c.width-4) + "\n")
		if s.cursor >= 0 {
			// the table cuts long descriptions: the picked entry's shows whole
			e := s.entries[s.cursor]
			b.WriteString("\n" + wrap(e.name+" · "+e.typ+" · "+e.descr, c.width-4) + "\n")
		}
	}
	b.WriteString("\n" + st.Muted.Render(wrap("OK downloads and installs through the "+pathName(s.fl.path())+". EXIT (esc) goes back; keys type into the field.", c.width-4)))
	return s.c.st.Page.Render(b.String())
}

func (s *urlScreen) Title() string { return s.title() }

// Note is shown with the full help.
func (s *urlScreen) Note() string {
	return "Reconstruction: the manuals say only \"enter a URL\"; the list of the configured server's update_list.txt is the simulator's."
}

func (s *urlScreen) Keys() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Move, k.OK, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "EXIT"))}
}
