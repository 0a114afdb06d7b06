package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// flavor is which tool runs an update: it decides the path (boot stage or
// portal) and the words on screen.
type flavor int

const (
	flavorBootloader flavor = iota
	flavorSRU
	flavorPortal
)

func (f flavor) path() device.Path {
	if f == flavorPortal {
		return device.PathPortal
	}
	return device.PathBoot
}

const tagReboot = 10

// updateScreen runs one update: "Checking image", the progress bar with the
// stage code, then "Update finished OK" and a reboot, or the refusal with
// its explanation.
type updateScreen struct {
	c     *common
	id    int
	fl    flavor
	title string
	src   device.Source
	force bool

	run      *updateRun
	last     device.Progress
	seen     bool
	firstAt  time.Time
	lastAt   time.Time
	ask      *askMsg
	res      *device.Result
	rebootIn bool

	spin spinner.Model
	bar  progress.Model
	vp   viewport.Model // the explanation, when it is taller than the screen
}

func newUpdateScreen(c *common, fl flavor, title string, src device.Source, force bool) *updateScreen {
	bar := progress.New(progress.WithSolidFill("#5FAFFF"), progress.WithColorProfile(c.st.Renderer.ColorProfile()))
	return &updateScreen{c: c, id: c.newID(), fl: fl, title: title, src: src, force: force, bar: bar,
		spin: spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(c.st.StageCode))}
}

func (s *updateScreen) Init() tea.Cmd {
	// the name was checked when the program started: a bad one is instant
	pace, _ := device.PaceFor(s.c.model, s.c.opts.Pace)
	run, cmd := s.c.startUpdate(s.title, s.src, device.UpdateOptions{Path: s.fl.path(), Force: s.force, Pace: pace})
	s.run = run
	if s.c.opts.Static {
		return cmd
	}
	return tea.Batch(cmd, s.spin.Tick)
}

func (s *updateScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	c := s.c
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if s.res != nil {
			return nil, nav{}
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd, nav{}
	case progressMsg:
		if !s.seen || msg.p.Total > 0 && s.last.Total <= 0 {
			s.firstAt = msg.at
		}
		s.seen = true
		s.last, s.lastAt = msg.p, msg.at
	case askMsg:
		m := msg
		s.ask = &m
	case updateDoneMsg:
		r := msg.res
		s.res = &r
		if r.Installed && c.timing.Reboot > 0 && !c.opts.Static {
			s.rebootIn = true
			return c.tick(c.timing.Reboot, s.id, tagReboot), nav{}
		}
	case tickMsg:
		if msg.id == s.id && msg.tag == tagReboot {
			return nil, reboot()
		}
	case tea.KeyMsg:
		k := c.keys
		switch {
		case s.ask != nil && key.Matches(msg, k.OK):
			s.ask.answer <- true
			s.ask = nil
		case s.ask != nil && key.Matches(msg, k.Exit):
			s.ask.answer <- false
			s.ask = nil
		case s.res != nil && s.res.Installed && (key.Matches(msg, k.OK) || key.Matches(msg, k.Exit)):
			return nil, reboot()
		case s.res != nil && (key.Matches(msg, k.OK) || key.Matches(msg, k.Exit) || key.Matches(msg, k.Left)):
			return nil, pop()
		case s.res != nil && (key.Matches(msg, k.Up) || key.Matches(msg, k.Down) || key.Matches(msg, k.Scroll)):
			var cmd tea.Cmd
			s.vp, cmd = s.vp.Update(msg)
			return cmd, nav{}
		}
	}
	return nil, nav{}
}

// Flashing stages: the bar is shown for these.
func writing(st device.Status) bool {
	switch st {
	case device.StatusErasing, device.StatusUpdatingKernel, device.StatusUpdatingImage, device.StatusUpdatingEnv,
		device.StatusUpdatingBoot, device.StatusSkippingBoot, device.StatusUpdatingUserfs, device.StatusSkippingUserfs,
		device.StatusUpdatingSecond, device.StatusUpdatingLogo, device.StatusInspecting:
		return true
	}
	return false
}

func (s *updateScreen) View() string {
	c, st := s.c, s.c.st
	w := min(c.width-2, 100)
	var b strings.Builder
	b.WriteString(s.heading() + "\n")
	b.WriteString(st.Label.Render("Source: ") + st.Value.Render(safetext.Escape(s.sourceName())) + "\n\n")
	switch {
	case s.res != nil:
		b.WriteString(s.resultView(w, c.height-2-strings.Count(b.String(), "\n")))
	case s.ask != nil:
		b.WriteString(dialogBox(st, "Confirm", s.ask.question, "OK (enter) installs it · EXIT (esc) keeps the running image", w-6) + "\n")
	default:
		b.WriteString(s.progressView(w))
	}
	return s.c.st.Page.Render(b.String())
}

func (s *updateScreen) heading() string {
	st := s.c.st
	switch s.fl {
	case flavorBootloader:
		return st.BLTitle.Render(" " + s.title + " ")
	case flavorPortal:
		return st.PortalTitle.Render(s.title)
	}
	return st.SRUTitle.Render(s.title)
}

func (s *updateScreen) sourceName() string {
	if s.src == nil {
		return "—"
	}
	return s.src.String()
}

func (s *updateScreen) progressView(w int) string {
	c, st := s.c, s.c.st
	var b strings.Builder
	p := s.last
	if !writing(p.Stage) {
		line := s.spin.View() + " " + st.TVText.Render("Checking image")
		if s.fl == flavorBootloader {
			line = lipgloss.JoinHorizontal(lipgloss.Center, st.Panel.Render("chec"), "  ", line)
		}
		b.WriteString(line + "\n")
		if s.seen {
			b.WriteString(st.Muted.Render(p.Stage.String()) + "\n")
		}
		return b.String()
	}
	b.WriteString(st.StageCode.Render(fmt.Sprintf("%2d", int(p.Stage))) + " " + st.TVText.Render(p.Stage.Text()) + "\n")
	pct := 0.0
	if p.Total > 0 {
		pct = float64(p.Done) / float64(p.Total)
	}
	s.bar.Width = min(w-2, 60)
	b.WriteString(s.bar.ViewAs(pct) + "\n")
	line := humanBytes(p.Done) + " of " + humanBytes(p.Total)
	if !c.opts.HideSpeed {
		if d := s.lastAt.Sub(s.firstAt); d > 0 && p.Done > 0 {
			rate := float64(p.Done) / d.Seconds()
			line += fmt.Sprintf(" · %s/s", humanBytes(int64(rate)))
			if p.Total > p.Done {
				left := time.Duration(float64(p.Total-p.Done) / rate * float64(time.Second))
				line += " · " + left.Round(time.Second).String() + " left"
			}
		}
	}
	b.WriteString(st.Muted.Render(line) + "\n")
	if m := c.model; m.WriteRate > 0 && c.opts.Pace != "" && c.opts.Pace != device.PaceInstant {
		as := "this write takes as long (pace real)"
		if c.opts.Pace == device.PaceFast {
			as = "this write is quicker (pace fast)"
		}
		b.WriteString(st.Muted.Render(wrap(fmt.Sprintf("The %s writes its %s release image at %s/s; %s.",
			m.Name, humanBytes(m.ImageSize), humanBytes(m.WriteRate), as), w-2)) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(st.Warn.Render(wrap("Writing the inactive bank. Cutting the power (p) now leaves that bank invalid; the running image stays.", w-2)) + "\n")
	return b.String()
}

// tvText is what the tool shows for a result: the Bootloader's own words for
// refusals, the engine's "code text" elsewhere.
func (s *updateScreen) tvText(r device.Result) (text, panel string) {
	if s.fl == flavorBootloader {
		switch r.Status {
		case device.StatusWrongSignature:
			return "Wrong digital signature", "Er30"
		case device.StatusInvalidHeader, device.StatusWrongModel:
			return "Wrong image", "Er30"
		case device.StatusFinishedOK:
			return "Update finished OK", "GO__"
		case device.StatusUSBNotFound:
			return "No USB drive found", ""
		case device.StatusFileNotFound:
			return "File not found", ""
		}
		if r.Rule == device.RuleVersion {
			return "Image version is not newer", ""
		}
		return r.Text, ""
	}
	t := r.Status.String()
	if r.Text != "" {
		t = fmt.Sprintf("%d %s", int(r.Status), r.Text)
	}
	if r.Rule == device.RuleVersion && r.Confirm == "" {
		t += " — image version is not newer"
	}
	return t, ""
}

func (s *updateScreen) resultView(w, room int) string {
	st := s.c.st
	r := *s.res
	text, panel := s.tvText(r)
	var b strings.Builder
	head := st.RefusalHead
	if r.Installed {
		head = st.SuccessHead
	}
	line := head.Render(text)
	if panel != "" {
		pst := st.PanelError
		if r.Installed {
			pst = st.Panel
		}
		line = lipgloss.JoinHorizontal(lipgloss.Center, pst.Render(panel), "  ", line)
	}
	b.WriteString(line + "\n")
	if s.fl == flavorBootloader && !r.Installed {
		b.WriteString(st.Muted.Render(fmt.Sprintf("update engine: %d %s", int(r.Status), r.Text)) + "\n")
	}
	if r.Installed {
		if img := r.Image; img != nil {
			b.WriteString(wrap(fmt.Sprintf("Installed in bank %d: version %d · %s · %s image", r.Bank, img.Version, safetext.Escape(img.Description), img.Kind), w) + "\n")
		}
		b.WriteString(envView(st, r.Env, w, room-4))
		if s.rebootIn {
			b.WriteString(st.Muted.Render("OK. Reboot... (OK reboots now)") + "\n")
		} else {
			b.WriteString(st.Muted.Render("Press OK to reboot into the new image.") + "\n")
		}
		return b.String()
	}
	room -= strings.Count(b.String(), "\n")
	b.WriteString(explainPane(st, &s.vp, explainResult(st, r, "Trusted on the "+pathName(r.Path)+": ", w-6), w, room))
	return b.String()
}

// explainPane draws an explanation box under a blank line in room lines
// (the lines left under the text above it, header and help line aside):
// whole when it fits, else in vp, which the arrows and pgup/pgdn scroll.
func explainPane(st Styles, vp *viewport.Model, text string, w, room int) string {
	box := st.ExplainBox.Width(w - 2).Render(text)
	room--
	if lipgloss.Height(box) <= room || room < 4 {
		vp.Height = 0 // nothing to scroll
		return "\n" + box + "\n"
	}
	vp.Width, vp.Height = w, room-1
	vp.SetContent(box)
	more := fmt.Sprintf("↑/↓ pgup/pgdn scroll · %d%%", int(vp.ScrollPercent()*100))
	return "\n" + vp.View() + "\n" + st.Muted.Render(more)
}

// explainResult is the box under a refusal: rule, signers, the keys that
// decide (after trustedLabel), paragraph, hint.
func explainResult(st Styles, r device.Result, trustedLabel string, w int) string {
	var b strings.Builder
	b.WriteString(st.ExplainHead.Render("Why: ") + ruleName(r) + "\n")
	if len(r.Blocks) > 0 {
		b.WriteString(st.ExplainHead.Render("Signed by:") + "\n")
		for _, g := range groupBlocks(r.Blocks) {
			mark := st.OK.Render("✓")
			if !g.ok {
				mark = st.Error.Render("✗")
			}
			who := "no trusted key"
			if g.signer != nil {
				who = g.signer.Label()
			}
			row := "  " + mark + " " + strings.Join(g.names, ", ") + ": " + who
			if g.hash != "" {
				row += st.Muted.Render(" · " + g.hash)
			}
			b.WriteString(wrap(row, w) + "\n")
		}
	}
	if len(r.Trusted) > 0 {
		names := make([]string, len(r.Trusted))
		for i, k := range r.Trusted {
			names[i] = k.Label()
		}
		b.WriteString(wrap(st.ExplainHead.Render(trustedLabel)+strings.Join(names, ", "), w) + "\n")
	}
	if r.Explain != "" {
		b.WriteString(wrap(sentence(safetext.Lines(r.Explain)), w) + "\n")
	}
	if hint := orHint(r.HintMenu, r.Hint); hint != "" {
		b.WriteString(st.HintLine.Render(wrap("Next: "+safetext.Lines(hint), w)))
	}
	return strings.TrimRight(b.String(), "\n")
}

// blockGroup is a run of blocks made by the same key with the same verdict.
type blockGroup struct {
	names  []string
	signer *device.KeyRef
	hash   string
	ok     bool
}

func groupBlocks(bs []device.BlockReport) []blockGroup {
	var out []blockGroup
	for _, bl := range bs {
		if n := len(out); n > 0 {
			g := &out[n-1]
			if g.ok == bl.OK && g.hash == bl.Hash && sameKey(g.signer, bl.Signer) {
				g.names = append(g.names, bl.Name)
				continue
			}
		}
		out = append(out, blockGroup{names: []string{bl.Name}, signer: bl.Signer, hash: bl.Hash, ok: bl.OK})
	}
	return out
}

func sameKey(a, b *device.KeyRef) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.ID == b.ID && a.Role == b.Role
}

func pathName(p device.Path) string {
	if p == device.PathPortal {
		return "portal path"
	}
	return "boot stage"
}

// ruleName says which rule or check decided: its summary in the rule table.
func ruleName(r device.Result) string {
	if r.Rule == "" {
		return "—"
	}
	if info, ok := r.Rule.Info(); ok && info.Summary != "" {
		return info.Summary
	}
	return string(r.Rule)
}

// Title is empty: the menu that started the update already names it.
func (s *updateScreen) Title() string { return "" }

func (s *updateScreen) Keys() []key.Binding {
	k := s.c.keys
	switch {
	case s.ask != nil:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "install")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep"))}
	case s.res != nil && s.res.Installed:
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "reboot"))}
	case s.res != nil && s.vp.Height > 0:
		return []key.Binding{k.OK, k.Exit, k.Scroll}
	case s.res != nil:
		return []key.Binding{k.OK, k.Exit}
	}
	return nil
}

// orHint is the screens' hint (menu items), or the one hint a result has
// when it says the same on every surface.
func orHint(menu, hint string) string {
	if menu != "" {
		return menu
	}
	return hint
}
