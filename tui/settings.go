package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// The portal's Settings › Software update settings: Autoupdate on / ask /
// off, Update to beta versions, the Autoupdate URL and the Update URL. Each
// is saved at once with `device set`'s checks (Box.Set), and the screen says
// what was saved. (Reconstruction: the portal's own layout is not documented;
// the seed names "Update to beta versions" and autoupdateURL.)

// autoupdateModes are autoupdate_cond's values as the portal names them.
var autoupdateModes = []struct{ value, label string }{
	{"0", "On"}, {"1", "Ask first"}, {"2", "Off"},
}

func autoupdateModeLabel(v string) string {
	for _, m := range autoupdateModes {
		if m.value == v {
			return m.label
		}
	}
	return "Off (" + v + ")" // any other value counts as off
}

func nextAutoupdateMode(v string) string {
	for i, m := range autoupdateModes {
		if m.value == v {
			return autoupdateModes[(i+1)%len(autoupdateModes)].value
		}
	}
	return autoupdateModes[0].value
}

func yesNo(v string) string {
	if v == "1" {
		return "Yes"
	}
	return "No"
}

// setCmd saves one setting and reports what was saved on the menu's status line.
func (c *common) setCmd(name, value, saying string) tea.Cmd {
	box, gen, power := c.env.Box, c.gen, c.power
	return tea.Sequence(func() tea.Msg {
		var err error
		if !power.run(func(context.Context) { err = box.Set(map[string]string{name: value}) }) {
			return nil // the power was cut first
		}
		return opDoneMsg{gen: gen, op: opSetting, settings: map[string]string{name: value}, err: err, detail: saying}
	}, c.stateCmd())
}

// softwareUpdateSettings are the setting rows of Settings › Software update.
func softwareUpdateSettings(c *common, s *listScreen) []listItem {
	setting := func(name string) string { return c.state.Settings[name] }
	return []listItem{
		{label: "Autoupdate", value: func() string { return autoupdateModeLabel(setting("autoupdate_cond")) },
			note: "autoupdate_cond: On (0) installs a newer release by itself, Ask first (1) asks, Off (2) never looks. →/OK changes it.",
			run: func() (tea.Cmd, nav) {
				v := nextAutoupdateMode(setting("autoupdate_cond"))
				return c.setCmd("autoupdate_cond", v, "Saved: Autoupdate "+autoupdateModeLabel(v)+" (autoupdate_cond="+v+")."), nav{}
			}},
		{label: "Update to beta versions", value: func() string { return yesNo(setting("betaupdate_cond")) },
			note: "betaupdate_cond: Yes (1) lets Autoupdate install beta versions; alpha versions never. →/OK changes it.",
			run: func() (tea.Cmd, nav) {
				v := "1"
				if setting("betaupdate_cond") == "1" {
					v = "0"
				}
				return c.setCmd("betaupdate_cond", v, "Saved: Update to beta versions "+yesNo(v)+" (betaupdate_cond="+v+")."), nav{}
			}},
		{label: "Autoupdate URL", sub: true, value: func() string { return orDefault(setting("autoupdateURL"), "(manufacturer's)") },
			note: "autoupdateURL: where Check now reads update_list.txt. Empty: the manufacturer's server.",
			run: func() (tea.Cmd, nav) {
				return nil, push(newSettingEditScreen(c, "autoupdateURL", "Autoupdate URL", s))
			}},
		{label: "Update URL", sub: true, value: func() string { return orDefault(setting("update_url"), "(none)") },
			note: "update_url: the image Update from URL offers first.",
			run: func() (tea.Cmd, nav) {
				return nil, push(newSettingEditScreen(c, "update_url", "Update URL", s))
			}},
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// settingEditScreen edits one URL setting with a text input; OK saves it
// with the box's checks, EXIT leaves it as it was.
type settingEditScreen struct {
	c      *common
	name   string
	label  string
	input  textinput.Model
	err    string
	parent *listScreen // told what was saved
}

func newSettingEditScreen(c *common, name, label string, parent *listScreen) *settingEditScreen {
	in := textinput.New()
	in.Prompt = label + ": "
	in.CharLimit = 1024
	in.Width = max(20, min(c.width-len(in.Prompt)-6, 90))
	in.SetValue(c.state.Settings[name])
	in.CursorEnd()
	in.Focus()
	return &settingEditScreen{c: c, name: name, label: label, input: in, parent: parent}
}

func (s *settingEditScreen) Init() tea.Cmd { return s.input.Cursor.SetMode(cursor.CursorStatic) }

// TakesText lets every printable key into the field.
func (s *settingEditScreen) TakesText() bool { return true }

func (s *settingEditScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	switch msg := msg.(type) {
	case opDoneMsg:
		if msg.op != opSetting {
			return nil, nav{}
		}
		if msg.err != nil {
			s.err = msg.err.Error()
			return nil, nav{}
		}
		if s.parent != nil {
			s.parent.status, s.parent.statusE = msg.detail, false
		}
		return nil, pop()
	case tea.WindowSizeMsg:
		s.input.Width = max(20, min(msg.Width-len(s.input.Prompt)-6, 90))
	case tea.KeyMsg:
		switch {
		case msg.Type == tea.KeyEsc:
			return nil, pop()
		case key.Matches(msg, s.c.keys.OK):
			v := strings.TrimSpace(s.input.Value())
			s.err = ""
			saying := "Saved: " + s.label + " " + orDefault(v, "(empty)") + "."
			return s.c.setCmd(s.name, v, saying), nav{}
		}
		s.err = ""
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd, nav{}
}

func (s *settingEditScreen) View() string {
	c, st := s.c, s.c.st
	var b strings.Builder
	b.WriteString(st.PortalTitle.Render(s.label) + "\n\n")
	b.WriteString(s.input.View() + "\n\n")
	if s.err != "" {
		b.WriteString(st.Error.Render(wrap("Not saved: "+s.err, min(c.width-4, 96))) + "\n\n")
	}
	about := ""
	for _, set := range device.Settings() {
		if set.Name == s.name {
			about = s.name + ": " + set.About + "."
		}
	}
	b.WriteString(st.Muted.Render(wrap(about+" OK saves it at once; an empty field means the default. EXIT (esc) leaves it as it was; keys type into the field.", min(c.width-4, 96))))
	return s.c.st.Page.Render(b.String())
}

func (s *settingEditScreen) Title() string { return s.label }

// Note is shown with the full help.
func (s *settingEditScreen) Note() string {
	return "Reconstruction: the portal's settings page is not documented; the field edits the " + s.name + " setting as fw_setenv would."
}

func (s *settingEditScreen) Keys() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "EXIT"))}
}

// envView lists what an installed image's Env section changed and skipped,
// in at most room lines; "" when it changed nothing.
func envView(st Styles, env []device.EnvSetting, w, room int) string {
	if len(env) == 0 || room < 2 {
		return ""
	}
	var b strings.Builder
	b.WriteString(st.Label.Render("Settings from the image's Env section:") + "\n")
	for i, e := range env {
		if i == room-2 && len(env) > room-1 {
			b.WriteString(st.Muted.Render(fmt.Sprintf("  … and %d more (the inspector shows every setting)", len(env)-i)) + "\n")
			break
		}
		switch {
		case e.Skipped != "":
			b.WriteString(st.Muted.Render(truncate("  "+e.Name+"="+e.Value+" skipped: "+e.Skipped, w)) + "\n")
		case e.Was == "":
			b.WriteString(truncate("  "+e.Name+"="+e.Value+" (new)", w) + "\n")
		default:
			b.WriteString(truncate("  "+e.Name+"="+e.Value+" (was "+e.Was+")", w) + "\n")
		}
	}
	return b.String()
}
