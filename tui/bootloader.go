package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// blPage is one page of the Bootloader: the top level or a submenu.
type blPage int

const (
	blMain blPage = iota
	blDevice
	blLoader
	blImage
	blUpgrade
)

// blRow is one row: a name and a value, or an arrow for a submenu.
type blRow struct {
	name    string
	value   string
	setting string // fw_printenv name of a value that Right changes
	sub     blPage // submenu it opens (with arrow)
	act     func(s *bootloaderScreen) (tea.Cmd, nav)
}

// Dialogs and states of the Bootloader's bottom line.
const (
	dlgNone = iota
	dlgSave
	dlgDefaults
)

const tagSaved = 20

// bootloaderScreen is the blue Bootloader of MAG250/254/270. The top level
// and each submenu are instances of it on the screen stack; values changed
// here wait in pending, which they share, until Exit & Save.
type bootloaderScreen struct {
	c       *common
	pending map[string]string
	id      int
	page    blPage
	list    *choiceList // made on first use, from rows
	drawn   []blRow     // the rows being drawn, inner cells wide
	inner   int
	dialog  int
	status  string
	bad     bool
	busy    bool
	hadKey  bool // an operator key was installed when Reset Op.KEY was chosen
}

// hasOperatorKey reports whether st holds an installed operator key.
func hasOperatorKey(st device.State) bool {
	for _, k := range st.Keys {
		if k.Role == device.RoleOperator {
			return true
		}
	}
	return false
}

// errorText is an error with its explanation, when the device gave one.
func errorText(err error) string {
	var se *device.StatusError
	if errors.As(err, &se) && se.Explain != "" {
		return safetext.Lines(err.Error() + ".\n\n" + se.Explain)
	}
	return safetext.Lines(err.Error())
}

func newBootloaderScreen(c *common) *bootloaderScreen {
	return &bootloaderScreen{c: c, pending: map[string]string{}, id: c.newID(), page: blMain}
}

func (s *bootloaderScreen) sub(p blPage) *bootloaderScreen {
	return &bootloaderScreen{c: s.c, pending: s.pending, id: s.c.newID(), page: p}
}

func (s *bootloaderScreen) Init() tea.Cmd { return s.c.stateCmd() }

// value is a setting as the Bootloader shows it: pending change, else saved.
func (s *bootloaderScreen) value(name string) string {
	if v, ok := s.pending[name]; ok {
		return v
	}
	return s.c.state.Settings[name]
}

func (s *bootloaderScreen) rows() []blRow {
	c := s.c
	set := c.state.Settings
	switch s.page {
	case blDevice:
		return []blRow{
			{name: "Vendor", value: vendorName},
			{name: "Model", value: c.state.Model},
			{name: "Hardware Ver.", value: c.model.HardwareVersion},
			{name: "Serial Number", value: c.state.Serial},
			{name: "MAC Address", value: c.state.MAC},
		}
	case blLoader:
		ver, built := splitBootVersion(set["Boot_Version"])
		return []blRow{{name: "Version", value: ver}, {name: "Build date", value: built}}
	case blImage:
		return []blRow{
			{name: "Version", value: set["Image_Version"]},
			{name: "Date", value: safetext.Escape(set["Image_Date"])},
			{name: "Description", value: safetext.Escape(set["Image_Desc"])},
			{name: "Forced", value: s.value("Ver_Forced"), setting: "Ver_Forced"},
		}
	case blUpgrade:
		return []blRow{
			{name: "USB Bootstrap", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
				u := newUSBScreen(s.c, flavorBootloader)
				u.pending = s.pending
				return nil, push(u)
			}},
			{name: "MC Upgrade", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
				s.status, s.bad = "MC Upgrade (multicast) is not simulated: use USB Bootstrap.", true
				return nil, nav{}
			}},
			{name: "Reset Op.KEY", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
				s.status, s.bad = "Resetting the operator key...", false
				s.hadKey = hasOperatorKey(s.c.state)
				return s.c.opCmd(opResetKey, (*device.Box).ResetOperatorKey), nav{}
			}},
			{name: "Install Op.KEY", act: func(s *bootloaderScreen) (tea.Cmd, nav) { return nil, push(newOpKeyScreen(s.c, flavorBootloader)) }},
		}
	}
	return []blRow{
		{name: "TV System", value: s.value("tvsystem"), setting: "tvsystem"},
		{name: "Graphic Res.", value: graphicLabel(s.value("graphicres")), setting: "graphicres"},
		{name: "Component out", value: s.value("componentout"), setting: "componentout"},
		{name: "Boot Mode", value: s.value("bootmode"), setting: "bootmode"},
		{name: "Device Info", sub: blDevice},
		{name: "Loader Info", sub: blLoader},
		{name: "Image Info", sub: blImage},
		{name: "Upgrade Tools", sub: blUpgrade},
		{name: "Def. Settings", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
			s.dialog, s.status, s.bad = dlgDefaults, "Reset all settings to default values? Press OK", false
			return nil, nav{}
		}},
		{name: "Exit & Save", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
			s.dialog, s.status, s.bad = dlgSave, "Please confirm save change. Press OK", false
			return nil, nav{}
		}},
		{name: "Exit & Discard", act: func(s *bootloaderScreen) (tea.Cmd, nav) {
			clear(s.pending)
			return nil, reboot()
		}},
	}
}

// splitBootVersion reads "2.30 (Mar 22 2016 - 15:37:02)" as the version and
// the build date.
func splitBootVersion(v string) (version, built string) {
	if i := strings.Index(v, " ("); i >= 0 && strings.HasSuffix(v, ")") {
		return v[:i], v[i+2 : len(v)-1]
	}
	return v, ""
}

// graphicLabel shows the stored "tvsystem_res" as the menu's words.
func graphicLabel(v string) string {
	if v == "tvsystem_res" {
		return "TV System Res."
	}
	return v
}

// cycle moves a setting to its next choice.
func (s *bootloaderScreen) cycle(name string) {
	ch := device.SettingChoices(name)
	if len(ch) == 0 {
		return
	}
	cur := s.value(name)
	next := ch[0]
	for i, v := range ch {
		if strings.EqualFold(v, cur) {
			next = ch[(i+1)%len(ch)]
		}
	}
	if next == s.c.state.Settings[name] {
		delete(s.pending, name)
	} else {
		s.pending[name] = next
	}
}

func (s *bootloaderScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	c, k := s.c, s.c.keys
	switch msg := msg.(type) {
	case opDoneMsg:
		s.busy = false
		switch {
		case msg.err != nil && msg.op == opResetKey:
			s.status, s.bad = "Reset Op.KEY refused.", true
			return nil, push(newMessageScreen(c, "Reset Op.KEY", errorText(msg.err), pop()))
		case msg.err != nil:
			s.status, s.bad = safetext.Escape(msg.err.Error()), true
		case msg.op == opResetKey && !s.hadKey:
			s.status = "No operator key is installed: nothing to reset."
		case msg.op == opSave:
			s.status = "OK. Reboot..."
			clear(s.pending)
			return c.tick(c.timing.Message, s.id, tagSaved), nav{}
		case msg.op == opFactoryReset:
			clear(s.pending)
			s.status = "Default settings restored."
		default:
			s.status = opText(msg.op)
		}
		return nil, nav{}
	case tickMsg:
		if msg.id == s.id && msg.tag == tagSaved {
			return nil, reboot()
		}
	case tea.KeyMsg:
		if s.busy {
			return nil, nav{}
		}
		if s.dialog != dlgNone {
			switch {
			case key.Matches(msg, k.OK):
				d := s.dialog
				s.dialog, s.busy = dlgNone, true
				if d == dlgSave {
					s.status = "Saving..."
					changed := make(map[string]string, len(s.pending))
					for n, v := range s.pending {
						changed[n] = v
					}
					return c.saveCmd(changed), nav{}
				}
				s.status = "Restoring default settings..."
				return c.opCmd(opFactoryReset, (*device.Box).FactoryReset), nav{}
			case key.Matches(msg, k.Exit), key.Matches(msg, k.Left):
				s.dialog, s.status = dlgNone, ""
			}
			return nil, nav{}
		}
		rows := s.rows()
		switch {
		case s.menu(len(rows)).move(msg):
			s.status = ""
		case key.Matches(msg, k.Right), key.Matches(msg, k.OK):
			r := rows[s.menu(len(rows)).index()]
			switch {
			case r.setting != "":
				s.cycle(r.setting)
			case r.sub != blMain:
				return nil, push(s.sub(r.sub))
			case r.act != nil:
				return r.act(s)
			}
		case key.Matches(msg, k.Left), key.Matches(msg, k.Exit):
			if s.page != blMain {
				return nil, pop()
			}
		}
	}
	return nil, nav{}
}

func (s *bootloaderScreen) pageName() string {
	switch s.page {
	case blDevice:
		return "Device Info"
	case blLoader:
		return "Loader Info"
	case blImage:
		return "Image Info"
	case blUpgrade:
		return "Upgrade Tools"
	}
	return "Bootloader"
}

func (s *bootloaderScreen) View() string {
	c, st := s.c, s.c.st
	inner := min(c.width-6, 56)
	if inner < 30 {
		inner = 30
	}
	rows := s.rows()
	lines := make([]string, 0, len(rows)+6)
	title := "MAG" + c.model.Number() + " Bootloader"
	if s.page != blMain {
		title = s.pageName()
	}
	lines = append(lines, st.BLTitle.Width(inner).Align(lipgloss.Center).Render(title), st.BLRow.Width(inner).Render(""))
	s.drawn, s.inner = rows, inner
	lines = append(lines, strings.TrimSuffix(s.menu(len(rows)).view(), "\n"))
	lines = append(lines, st.BLRow.Width(inner).Render(""))
	status := s.status
	if status == "" && s.page == blMain && len(s.pending) > 0 {
		status = "* changed: Exit & Save keeps, Exit & Discard drops"
	}
	if status != "" {
		// a long status takes more lines: nothing of it is cut off
		for _, l := range strings.Split(wrap(status, inner-2), "\n") {
			lines = append(lines, st.BLStatus.Width(inner).Render(truncate(" "+l, inner)))
		}
	} else {
		lines = append(lines, st.BLRow.Width(inner).Render(""))
	}
	return "\n" + st.BLScreen.Render(strings.Join(lines, "\n"))
}

// menu is the list of the page's n rows.
func (s *bootloaderScreen) menu(n int) *choiceList {
	if s.list == nil {
		l := newChoiceList(s.c.keys, n, s.drawRow)
		s.list = &l
	} else if s.list.len() != n {
		s.list.setLen(n)
	}
	return s.list
}

// drawRow is row i: the name and the value (an arrow for a submenu), a
// mark on a value changed but not saved.
func (s *bootloaderScreen) drawRow(i int, selected bool) string {
	st, r := s.c.st, s.drawn[i]
	const nameW = 16
	val := r.value
	if r.sub != blMain {
		val = "→"
	}
	mark := "  "
	if r.setting != "" {
		if _, ok := s.pending[r.setting]; ok {
			mark = " *"
		}
	}
	cur := " "
	if selected {
		cur = "▸"
	}
	text := cur + padRight(r.name, nameW) + " " + val
	room := s.inner - lipgloss.Width(mark)
	text = padRight(truncate(text, room), room) + mark
	switch {
	case selected:
		return st.BLSelected.Render(text)
	case mark != "  ":
		return st.BLChanged.Render(text)
	}
	return st.BLRow.Render(text)
}

// padRight pads s with spaces to w cells.
func padRight(s string, w int) string {
	if n := lipgloss.Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func (s *bootloaderScreen) Title() string {
	if s.page == blMain {
		return "Bootloader"
	}
	return s.pageName()
}

func (s *bootloaderScreen) Keys() []key.Binding {
	k := s.c.keys
	if s.dialog != dlgNone {
		return []key.Binding{k.OK, k.Exit}
	}
	if s.page == blMain {
		return []key.Binding{k.Move, k.Right, k.OK}
	}
	return []key.Binding{k.Move, k.Right, k.Left}
}
