package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// The inspector sits beside the screen from this terminal width on, and over
// it below.
const inspectorSideBySide = 100

func inspectorWidth(total int) int { return min(44, total/2) }

// inspector is the live panel toggled with 'i': banks, active bank, keys and
// settings (fw_printenv names), from the snapshot the root keeps fresh.
type inspector struct {
	c  *common
	vp viewport.Model
	// writing is the latest progress of the update in flight; nil when none
	writing *device.Progress
}

func newInspector(c *common) *inspector {
	return &inspector{c: c, vp: viewport.New(40, 10)}
}

// resize fits the viewport to the space the root gives it in a terminal w wide.
func (in *inspector) resize(w int) {
	c := in.c
	if w >= inspectorSideBySide {
		w = inspectorWidth(w)
	}
	in.vp.Width = w - 2
	in.vp.Height = max(c.height-3, 3)
	in.refresh()
}

func (in *inspector) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	in.vp, cmd = in.vp.Update(msg)
	return cmd
}

func (in *inspector) view() string { return in.vp.View() }

// refresh rebuilds the content from the snapshot.
func (in *inspector) refresh() {
	in.vp.SetContent(in.content(in.vp.Width))
}

func (in *inspector) content(w int) string {
	c, st := in.c, in.c.st
	s := c.state
	var b strings.Builder
	line := func(t string) { b.WriteString(truncate(t, w) + "\n") }
	line(st.InspectorTitle.Render("Inspector") + st.Muted.Render(" · live"))
	line(st.Label.Render("Model ") + s.Model + st.Muted.Render("  serial "+s.Serial))
	line(st.Label.Render("Active bank ") + c.bankName(s.Active))
	for i, bk := range s.Banks {
		head := fmt.Sprintf("Bank %d", i)
		if i == s.Active {
			head += " (active)"
		}
		line(st.InspectorHead.Render(head))
		if p := in.writing; p != nil && i != s.Active && p.Stage != 0 {
			pct := ""
			if p.Total > 0 {
				pct = fmt.Sprintf(" %d%%", p.Done*100/p.Total)
			}
			line(st.Warn.Render("  being written" + pct + " · " + p.Stage.String()))
			continue
		}
		if !bk.Valid || bk.Image == nil {
			line(st.Error.Render("  not valid"))
			continue
		}
		im := bk.Image
		line(fmt.Sprintf("  %d %s", im.Version, safetext.Escape(im.Description)))
		line(st.Muted.Render("  " + string(im.Kind) + " · " + safetext.Escape(im.Date)))
		if im.Signer != nil {
			line(st.Muted.Render("  signed " + im.Signer.Label()))
		}
	}
	line(st.InspectorHead.Render("Keys"))
	if len(s.Keys) == 0 {
		line(st.Muted.Render("  none"))
	}
	for _, k := range s.Keys {
		line("  " + keyLine(k))
	}
	line(st.InspectorHead.Render("Settings") + st.Muted.Render(" (fw_printenv)"))
	held, changed := map[string]bool{}, false
	for _, e := range c.printenv {
		name, value, _ := strings.Cut(e, "=")
		held[name] = true
		if changedSinceFactory(s, name, value) {
			line(st.Warn.Render("* " + safetext.Escape(e)))
			changed = true
			continue
		}
		line("  " + safetext.Escape(e))
	}
	for _, name := range sortedKeys(s.Factory) {
		if !held[name] {
			line(st.Warn.Render("* " + name + " removed (factory: " + safetext.Escape(s.Factory[name]) + ")"))
			changed = true
		}
	}
	if changed {
		line(st.Muted.Render("  * changed since the factory settings"))
	}
	return strings.TrimRight(b.String(), "\n")
}

func keyLine(k device.KeyRef) string {
	if k.Name == "" || strings.EqualFold(k.Name, string(k.Role)) {
		return fmt.Sprintf("%s %s", k.Role, k.ID)
	}
	return fmt.Sprintf("%s (%s) %s", safetext.Escape(k.Name), k.Role, k.ID)
}

// changedSinceFactory: the setting differs from what a factory reset
// restores (the box's own settings, such as Image_Version, are never marked).
func changedSinceFactory(s device.State, name, value string) bool {
	if device.ReadOnlySetting(name) {
		return false
	}
	f, ok := s.Factory[name]
	return !ok || f != value
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
