package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// stickEntry is one image on the USB drive that an update can use.
type stickEntry struct {
	label string // path on the stick, e.g. "mag254/imageupdate"
	desc  string // one line: what the image is
	src   device.Source
}

type stickMsg struct {
	id        int
	entries   []stickEntry
	bootstrap []string
	err       error
}

// usbScreen lists the images on the USB drive; OK starts the update.
type usbScreen struct {
	c       *common
	id      int
	fl      flavor
	entries []stickEntry
	boot    []string // Bootstrap files in the model's folder
	loaded  bool
	err     error
	list    choiceList
	wide    int // the width of the names
	// pending are the Bootloader's unsaved values (nil elsewhere): a
	// pending Forced counts
	pending map[string]string
}

func newUSBScreen(c *common, fl flavor) *usbScreen {
	s := &usbScreen{c: c, id: c.newID(), fl: fl}
	s.list = newChoiceList(c.keys, 0, s.drawEntry)
	return s
}

// drawEntry is image i's row: its name and its header facts.
func (s *usbScreen) drawEntry(i int, selected bool) string {
	e := s.entries[i]
	facts, _ := splitDesc(safetext.Escape(e.desc))
	return factRow(s.c.st, safetext.Escape(e.label), facts, s.wide, s.c.width-2, selected)
}

func (s *usbScreen) Init() tea.Cmd {
	dir, m, id := s.c.env.USBDir, s.c.model, s.id
	return func() tea.Msg {
		es, err := stickEntries(dir, m)
		var boot []string
		if dir != "" {
			boot = device.USBBootstrap(dir, m)
		}
		return stickMsg{id: id, entries: es, bootstrap: boot, err: err}
	}
}

func (s *usbScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	k := s.c.keys
	switch msg := msg.(type) {
	case usbChangedMsg:
		s.loaded = false
		return s.Init(), nav{}
	case stickMsg:
		if msg.id == s.id {
			s.entries, s.err, s.loaded = msg.entries, msg.err, true
			s.list.setLen(len(s.entries))
			if s.fl == flavorBootloader {
				s.boot = msg.bootstrap
			}
		}
	case tea.KeyMsg:
		switch {
		case s.list.move(msg):
		case (key.Matches(msg, k.OK) || key.Matches(msg, k.Right)) && len(s.entries) > 0:
			e := s.entries[s.list.index()]
			return nil, push(newUpdateScreen(s.c, s.fl, s.updateTitle(), s.c.plugged(e.src), s.fl != flavorPortal && forced(s.c.state, s.pending)))
		case key.Matches(msg, k.Exit), key.Matches(msg, k.Left):
			return nil, pop()
		}
	}
	return nil, nav{}
}

func (s *usbScreen) updateTitle() string {
	switch s.fl {
	case flavorBootloader:
		return "USB Bootstrap"
	case flavorPortal:
		return "Update from USB"
	}
	return "Using USB"
}

func (s *usbScreen) View() string {
	c, st := s.c, s.c.st
	var b strings.Builder
	switch s.fl {
	case flavorBootloader:
		b.WriteString(st.BLTitle.Render(" USB Bootstrap ") + "\n")
	case flavorPortal:
		b.WriteString(st.PortalTitle.Render("Update from USB") + "\n")
	default:
		b.WriteString(st.SRUTitle.Render("Using USB") + "\n")
	}
	drive := c.env.USBDir
	if drive == "" {
		b.WriteString(st.Label.Render("USB drive: ") + st.Error.Render("none plugged in") + "\n\n")
	} else {
		b.WriteString(st.Label.Render("USB drive: ") + st.Value.Render("plugged in") + st.Muted.Render("  (the box looks in "+c.model.USBFolder()+"/)") + "\n\n")
	}
	if len(s.boot) > 0 {
		b.WriteString(st.Label.Render("Bootstrap: ") + st.Value.Render(strings.Join(s.boot, ", ")) + st.Muted.Render("  (found; the simulator needs only imageupdate)") + "\n\n")
	}
	switch {
	case !s.loaded:
		b.WriteString(st.Muted.Render("Reading the USB drive…") + "\n")
	case s.err != nil:
		b.WriteString(st.Error.Render(wrap(safetext.Lines(s.err.Error()), c.width-4)) + "\n")
	}
	// rows: name and header facts; the selected image's line goes under the list
	s.wide = 0
	for _, e := range s.entries {
		s.wide = max(s.wide, lipgloss.Width(safetext.Escape(e.label)))
	}
	top := lipgloss.Height(b.String())
	b.WriteString(s.list.window(max(3, c.height-2-top-7), st.Muted))
	if len(s.entries) > 0 {
		if _, what := splitDesc(s.entries[s.list.index()].desc); what != "" {
			b.WriteString("\n" + wrap(safetext.Escape(what), c.width-4) + "\n")
		}
	}
	if s.loaded && len(s.entries) > 0 {
		b.WriteString("\n" + st.Muted.Render("OK installs the selected image through the "+pathName(s.fl.path())+"."))
		if s.fl != flavorPortal {
			if forced(c.state, s.pending) {
				b.WriteString("\n" + st.Muted.Render("Forced: Yes — the same version may be installed again."))
			} else {
				b.WriteString("\n" + st.Muted.Render("Forced: No — only a newer version is installed."))
			}
		}
	}
	return s.c.st.Page.Render(b.String())
}

func (s *usbScreen) Title() string { return s.updateTitle() }

func (s *usbScreen) Keys() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Move, k.OK, k.Exit}
}

// splitDesc splits the demo kit's "what it is — MODEL VERSION DESC" line
// into the header facts and the sentence.
func splitDesc(d string) (facts, what string) {
	if i := strings.LastIndex(d, " — "); i >= 0 {
		return d[i+len(" — "):], d[:i]
	}
	return d, ""
}

// forced is Ver_Forced as the Bootloader shows it: a pending change counts.
func forced(st device.State, pending map[string]string) bool {
	v := st.Settings["Ver_Forced"]
	if p, ok := pending["Ver_Forced"]; ok {
		v = p
	}
	switch strings.ToLower(v) {
	case "yes", "1", "true", "on":
		return true
	}
	return false
}
