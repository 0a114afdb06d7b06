package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// look is the face of a list menu: the SRU's or the embedded portal's.
type look int

const (
	lookSRU look = iota
	lookPortal
)

// listItem is one entry of a list menu.
type listItem struct {
	label string
	note  string // one dim line under the label when selected
	sub   bool   // opens a submenu
	run   func() (tea.Cmd, nav)
	// value is the setting the item shows and changes; nil for an action
	value func() string
}

// listScreen is the list-style menu of the System Recovery Utility, the
// embedded portal and the service-button menu: Up/Down move, Right or OK
// opens, Left or EXIT goes back.
type listScreen struct {
	c       *common
	title   string // header title
	heading string // the title bar on screen
	look    look
	root    bool // EXIT does nothing on a root menu
	items   []listItem
	list    *choiceList // made on first use, from items
	labelW  int         // the width of the labels of the setting rows
	status  string
	statusE bool
	// onOp handles the result of a device call started from this menu; nil,
	// or neither a command nor a move, shows it as the status line.
	onOp func(opDoneMsg) (tea.Cmd, nav)
	// note is the full help's remark on the screen (a reconstruction).
	note string
	// below is drawn under the items (live device facts); nil for none.
	below func() string
}

func (s *listScreen) Init() tea.Cmd { return nil }

func (s *listScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k := s.c.keys
	switch msg := msg.(type) {
	case opDoneMsg:
		if s.onOp != nil {
			if cmd, n := s.onOp(msg); cmd != nil || n.op != navStay {
				return cmd, n
			}
		}
		s.setStatus(msg)
	case tea.KeyMsg:
		switch {
		case s.menu().move(msg):
		case key.Matches(msg, k.Right), key.Matches(msg, k.OK):
			s.status = ""
			if it := s.items[s.menu().index()]; it.run != nil {
				return it.run()
			}
		case key.Matches(msg, k.Left), key.Matches(msg, k.Exit):
			if !s.root {
				return nil, pop()
			}
		}
	}
	return nil, nav{}
}

func (s *listScreen) setStatus(m opDoneMsg) {
	s.statusE = m.err != nil
	switch {
	case m.err != nil:
		s.status = m.err.Error()
	case m.detail != "":
		s.status = m.detail
	default:
		s.status = opText(m.op)
	}
}

// opText is what the menus say when a device call succeeded.
func opText(op string) string {
	switch op {
	case opFactoryReset:
		return "Settings were reset to their factory values. Images and keys stay."
	case opSave:
		return "Saved."
	case opResetKey:
		return "The operator key was removed."
	case opBank:
		return "The other bank will boot next."
	}
	return "Done."
}

// Names of device calls, as opDoneMsg carries them.
const (
	opFactoryReset = "factory-reset"
	opSave         = "save"
	opResetKey     = "reset-op-key"
	opBank         = "set-bank"
	opSetting      = "setting"
)

func (s *listScreen) View() string {
	st := s.c.st
	var b strings.Builder
	switch s.look {
	case lookPortal:
		b.WriteString(st.PortalTitle.Render(s.heading) + "\n")
	default:
		b.WriteString(st.SRUTitle.Render(s.heading) + "\n\n")
	}
	s.labelW = 0
	for _, it := range s.items {
		if it.value != nil {
			s.labelW = max(s.labelW, lipgloss.Width(it.label))
		}
	}
	b.WriteString(s.menu().view())
	if n := s.items[s.menu().index()].note; n != "" {
		b.WriteString("\n" + st.SRUNote.Render(wrap(n, min(s.c.width-4, 76))) + "\n")
	}
	if s.status != "" {
		sty := st.OK
		if s.statusE {
			sty = st.Error
		}
		b.WriteString("\n" + sty.Render(wrap(s.status, min(s.c.width-4, 76))) + "\n")
	}
	if s.below != nil {
		b.WriteString("\n" + s.below())
	}
	return s.c.st.Page.Render(b.String())
}

// menu is the list of the items.
func (s *listScreen) menu() *choiceList {
	if s.list == nil {
		l := newChoiceList(s.c.keys, len(s.items), s.drawItem)
		s.list = &l
	} else if s.list.len() != len(s.items) {
		s.list.setLen(len(s.items))
	}
	return s.list
}

// drawItem is item i's row: the label, the value of a setting, an arrow for
// a submenu.
func (s *listScreen) drawItem(i int, selected bool) string {
	st, it := s.c.st, s.items[i]
	label := it.label
	if it.value != nil {
		label = ansi.Truncate(padRight(label, s.labelW)+"  "+it.value(), max(20, s.c.width-8), "…")
	}
	if it.sub {
		label += " ›"
	}
	if !selected {
		return st.SRUItem.Render(label)
	}
	if s.look == lookPortal {
		return st.PortalSelected.Render("▸ " + label)
	}
	return st.SRUSelected.Render("▸ " + label)
}

func (s *listScreen) Title() string { return s.title }

// Note is shown with the full help.
func (s *listScreen) Note() string { return s.note }

func (s *listScreen) Keys() []key.Binding {
	k := s.c.keys
	if s.root {
		return []key.Binding{k.Move, k.OK}
	}
	return []key.Binding{k.Move, k.OK, k.Exit}
}
