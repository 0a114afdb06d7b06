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

// opKeyNote is the full help's remark on Install Op.KEY.
const opKeyNote = "Reconstruction: the manuals do not show how an operator key gets into the box; " +
	"Install Op.KEY is the simulator's screen for it. The box accepts a key only when MANUFACTURER certified it (R7)."

// opKeyAction names a key install in the training record.
const opKeyAction = "Install Op.KEY"

type (
	// stickKeysMsg is the list of key files on the USB drive.
	stickKeysMsg struct {
		id   int
		keys []device.StickKey
		err  error
	}
	// keyInstalledMsg is the box's answer to a key install. It is not tied to
	// a power session: the root records it for training even after a power cut.
	keyInstalledMsg struct {
		id     int
		source string // "USB keys/operator_one.key"
		res    device.Result
	}
)

// opKeyScreen is Install Op.KEY: it lists the *.key files on the USB drive
// (its keys/ folder and the model's folder) and, on OK, gives the selected one
// to the box, which installs it only if MANUFACTURER certified it (R7).
type opKeyScreen struct {
	c      *common
	id     int
	fl     flavor
	keys   []device.StickKey
	loaded bool
	err    error
	list   choiceList
	wide   int // the width of the file names
	rowW   int // the width of a row

	asking bool // the question before the install is on screen
	busy   bool
	chosen device.StickKey
	before *device.KeyRef // the operator key installed when OK was pressed
	res    *device.Result
	vp     viewport.Model
}

func newOpKeyScreen(c *common, fl flavor) *opKeyScreen {
	s := &opKeyScreen{c: c, id: c.newID(), fl: fl}
	s.list = newChoiceList(c.keys, 0, s.drawKey)
	return s
}

// drawKey is key file i's row: its name and what it holds.
func (s *opKeyScreen) drawKey(i int, selected bool) string {
	k := s.keys[i]
	return factRow(s.c.st, safetext.Escape(k.Name), safetext.Escape(k.Description), s.wide, s.rowW, selected)
}

func (s *opKeyScreen) Init() tea.Cmd {
	dir, m, id := s.c.env.USBDir, s.c.model, s.id
	return tea.Batch(s.c.stateCmd(), func() tea.Msg {
		ks, err := stickKeys(dir, m)
		return stickKeysMsg{id: id, keys: ks, err: err}
	})
}

// installed is the operator key in the latest snapshot of the box.
func (s *opKeyScreen) installed() *device.KeyRef {
	for _, k := range s.c.state.Keys {
		if k.Role == device.RoleOperator {
			r := k
			return &r
		}
	}
	return nil
}

func (s *opKeyScreen) install() tea.Cmd {
	c, k := s.c, s.keys[s.list.index()]
	s.busy, s.chosen, s.before = true, k, s.installed()
	box, id, power := c.env.Box, s.id, c.power
	return func() tea.Msg {
		var r device.Result
		if !power.run(func(context.Context) { r = installStickKey(box, k) }) {
			return nil // the power was cut first
		}
		return keyInstalledMsg{id: id, source: "USB " + k.Name, res: r}
	}
}

func (s *opKeyScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k := s.c.keys
	switch msg := msg.(type) {
	case stickKeysMsg:
		if msg.id == s.id {
			s.keys, s.err, s.loaded = msg.keys, msg.err, true
			s.list.setLen(len(s.keys))
		}
	case keyInstalledMsg:
		if msg.id == s.id {
			r := msg.res
			s.busy, s.res = false, &r
			s.vp = viewport.Model{}
		}
	case tea.KeyMsg:
		switch {
		case s.busy:
		case s.asking:
			// only an explicit yes installs: the act cannot be undone
			switch {
			case key.Matches(msg, k.OK), msg.String() == "y":
				s.asking = false
				return s.install(), nav{}
			case key.Matches(msg, k.No), key.Matches(msg, k.Left):
				s.asking = false
			}
		case s.res != nil && (key.Matches(msg, k.OK) || key.Matches(msg, k.Exit) || key.Matches(msg, k.Left)):
			s.res = nil // back to the list
		case s.res != nil && (key.Matches(msg, k.Up) || key.Matches(msg, k.Down) || key.Matches(msg, k.Scroll)):
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			return cmd, nav{}
		case s.res != nil:
		case s.list.move(msg):
		case (key.Matches(msg, k.OK) || key.Matches(msg, k.Right)) && len(s.keys) > 0:
			s.asking, s.chosen = true, s.keys[s.list.index()]
		case key.Matches(msg, k.Exit), key.Matches(msg, k.Left):
			return nil, pop()
		}
	}
	return nil, nav{}
}

func (s *opKeyScreen) heading() string {
	st := s.c.st
	switch s.fl {
	case flavorBootloader:
		return st.BLTitle.Render(" " + opKeyAction + " ")
	case flavorPortal:
		return st.PortalTitle.Render(opKeyAction)
	}
	return st.SRUTitle.Render(opKeyAction)
}

func (s *opKeyScreen) View() string {
	c, st := s.c, s.c.st
	w := min(c.width-2, 100)
	var b strings.Builder
	b.WriteString(s.heading() + "\n")
	// the installed operator key, from the latest snapshot
	op := "none (the boot stage follows R1)"
	if k := s.installed(); k != nil {
		op = safetext.Escape(k.Name) + " (" + k.ID + "), the box is locked to it"
	}
	b.WriteString(wrap(st.Label.Render("Operator key: ")+st.Value.Render(op), w-2) + "\n\n")
	switch {
	case s.res != nil:
		b.WriteString(s.resultView(w, c.height-2-strings.Count(b.String(), "\n")))
	case s.asking:
		b.WriteString(s.askView(w))
	case s.busy:
		b.WriteString(st.TVText.Render("Checking the key's certification…") + "\n")
		b.WriteString(st.Muted.Render(safetext.Escape(s.chosen.Name)) + "\n")
	default:
		b.WriteString(s.listView(w, c.height-2-strings.Count(b.String(), "\n")))
	}
	return s.c.st.Page.Render(b.String())
}

// listView is the list of key files in room lines: as many rows as fit
// above the selected key's line and the note.
func (s *opKeyScreen) listView(w, room int) string {
	c, st := s.c, s.c.st
	var b strings.Builder
	folders := "keys/ and " + c.model.USBFolder() + "/"
	switch {
	case !s.loaded:
		b.WriteString(st.Muted.Render("Reading the USB drive…") + "\n")
		return b.String()
	case s.err != nil:
		b.WriteString(st.Error.Render(wrap(fmt.Sprintf("%d %s", int(device.StatusOf(s.err)), s.err), w-2)) + "\n\n")
		b.WriteString(st.Muted.Render(wrap("Plug in a USB drive with the operator's key file in "+folders+".", w-2)) + "\n")
		return b.String()
	case len(s.keys) == 0:
		b.WriteString(st.Error.Render(wrap("No *.key file on the USB drive (the box looks in "+folders+").", w-2)) + "\n\n")
		b.WriteString(st.Muted.Render(wrap("Ask the operator for its key certified by the manufacturer (the stb_pub_sign.key form).", w-2)) + "\n")
		return b.String()
	}
	var under string
	switch sel := s.keys[s.list.index()]; {
	case sel.Certified:
		under = "\n" + wrap("It carries a certification block (the stb_pub_sign.key form): the box checks who made it.", w-2) + "\n"
	case sel.ID != "":
		under = "\n" + wrap("It carries no certification block: it is a plain public key, not the stb_pub_sign.key form.", w-2) + "\n"
	}
	under += "\n" + st.Muted.Render(wrap("OK installs the selected key if MANUFACTURER certified it (R7). "+
		"From then on the box accepts only images signed by that key, and no menu can remove it.", w-2))
	b.WriteString(st.Label.Render("Key files on the USB drive ("+folders+"):") + "\n")
	s.wide, s.rowW = 0, w
	for _, k := range s.keys {
		s.wide = max(s.wide, lipgloss.Width(safetext.Escape(k.Name)))
	}
	// the label, the ↑/↓ more lines and what goes under the list
	b.WriteString(s.list.window(max(3, room-1-2-lipgloss.Height(under)), st.Muted))
	b.WriteString(under)
	return b.String()
}

// askView is the question before the install: it names the key and says
// what the box will accept from then on.
func (s *opKeyScreen) askView(w int) string {
	st := s.c.st
	k := s.chosen
	name := k.KeyName
	if name == "" {
		name = k.Name
	}
	if k.ID != "" {
		name += " (" + k.ID + ")"
	}
	var b strings.Builder
	b.WriteString(st.Warn.Render(wrap("Install the operator key "+name+" from "+k.Name+"?", w-2)) + "\n\n")
	b.WriteString(wrap("If MANUFACTURER certified it, the box will accept only images signed by "+name+
		" from then on, through the boot stage and the portal alike. This cannot be undone: "+
		"no menu, factory reset or service centre removes an operator key.", w-2) + "\n\n")
	b.WriteString(st.Muted.Render("y or OK (enter) installs it · n or EXIT (esc) goes back") + "\n")
	return b.String()
}

func (s *opKeyScreen) resultView(w, room int) string {
	st := s.c.st
	r := *s.res
	var b strings.Builder
	if r.Installed {
		name := s.chosen.KeyName + " (" + s.chosen.ID + ")"
		if len(r.Trusted) > 0 {
			name = r.Trusted[0].Name + " (" + r.Trusted[0].ID + ")"
		}
		head := "Operator key " + name + " installed: the box now accepts only images signed by it"
		if s.before != nil && s.before.ID == s.chosen.ID {
			head = "Operator key " + name + " is already installed: nothing changed"
		}
		b.WriteString(st.SuccessHead.Render(wrap(head, w-2)) + "\n")
		b.WriteString(st.Muted.Render(fmt.Sprintf("%d %s · %s", int(r.Status), r.Text, safetext.Escape(s.chosen.Name))) + "\n\n")
		if r.Explain != "" {
			b.WriteString(wrap(safetext.Lines(r.Explain), w-2) + "\n")
		}
		if r.Hint != "" {
			b.WriteString(st.HintLine.Render(wrap("Next: "+safetext.Lines(r.Hint), w-2)) + "\n")
		}
		b.WriteString("\n" + st.Muted.Render("OK goes back to the list."))
		return b.String()
	}
	b.WriteString(st.RefusalHead.Render(fmt.Sprintf("%d %s", int(r.Status), r.Text)) + "\n")
	b.WriteString(st.Muted.Render(truncate(s.chosen.Name+" was not installed", w-2)) + "\n")
	room -= strings.Count(b.String(), "\n")
	b.WriteString(explainPane(st, &s.vp, explainResult(st, r, "Checks the certification: ", w-6), w, room))
	return b.String()
}

func (s *opKeyScreen) Title() string { return opKeyAction }

// Note is shown with the full help.
func (s *opKeyScreen) Note() string { return opKeyNote }

func (s *opKeyScreen) Keys() []key.Binding {
	k := s.c.keys
	switch {
	case s.busy:
		return nil
	case s.asking:
		return []key.Binding{key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "install")),
			key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "back"))}
	case s.res != nil && s.vp.Height > 0:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back")), k.Scroll}
	case s.res != nil:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "back"))}
	}
	if len(s.keys) == 0 {
		return []key.Binding{k.Exit}
	}
	return []key.Binding{k.Move, k.OK, k.Exit}
}
