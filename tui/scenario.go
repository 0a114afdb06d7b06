package tui

// The scenario panel: a training exercise's story, its goal, the hints
// revealed so far, and, once the check holds, how long it took. It does no
// I/O and keeps no clock: the root model tells it what happened.

import (
	"fmt"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// ScenarioBrief is what the scenario panel shows. Fill it from a
// scenario.Scenario: Name, Title, Model.Name, string(Difficulty), Story,
// Goal.Show() and Hints.
type ScenarioBrief struct {
	Name       string
	Title      string
	Model      string
	Difficulty string
	Story      string
	Goal       string
	Hints      []string
}

// ScenarioPanel shows a scenario beside the screens: the brief of its
// training, and as many hints as the training counts. The zero value shows
// nothing.
type ScenarioPanel struct {
	tr     Training
	brief  ScenarioBrief
	styles Styles
	met    bool          // the goal's check held
	took   time.Duration // from the start to the check holding
	steps  int           // steps taken when it held
}

// NewScenarioPanel makes the panel of tr, drawn with st.
func NewScenarioPanel(tr Training, st Styles) *ScenarioPanel {
	p := &ScenarioPanel{tr: tr, styles: st}
	if tr != nil {
		p.brief = tr.Brief()
	}
	return p
}

// HintsShown is how many hints are revealed: the training's count.
func (p *ScenarioPanel) HintsShown() int {
	if p == nil || p.tr == nil {
		return 0
	}
	return min(max(p.tr.HintsShown(), 0), len(p.brief.Hints))
}

// HintsLeft is how many hints are still hidden.
func (p *ScenarioPanel) HintsLeft() int {
	if p == nil {
		return 0
	}
	return len(p.brief.Hints) - p.HintsShown()
}

// SetGoalMet records that the goal's check held, after took and steps steps.
// Only the first call counts: the goal stays met.
func (p *ScenarioPanel) SetGoalMet(took time.Duration, steps int) {
	if p == nil || p.met {
		return
	}
	p.met, p.took, p.steps = true, took, steps
}

// GoalMet reports whether the goal was met.
func (p *ScenarioPanel) GoalMet() bool { return p != nil && p.met }

// MetLine is "Goal met in 3m12s, 7 steps", or "" before the goal is met.
func (p *ScenarioPanel) MetLine() string {
	if p == nil || !p.met {
		return ""
	}
	took := p.took
	if took < 0 {
		took = 0
	}
	steps := fmt.Sprintf("%d steps", p.steps)
	if p.steps == 1 {
		steps = "1 step"
	}
	return fmt.Sprintf("Goal met in %s, %s", took.Round(time.Second), steps)
}

// View draws the panel in width columns.
func (p *ScenarioPanel) View(width int) string {
	if p == nil || p.brief.Title == "" && p.brief.Story == "" {
		return ""
	}
	if width < 24 {
		width = 24
	}
	s := p.styles
	wrap := func(text string) string {
		return s.Body.Width(width).Render(strings.TrimSpace(safetext.Lines(text)))
	}
	var b strings.Builder
	title := "Scenario: " + safetext.Escape(p.brief.Title)
	if p.brief.Title == "" {
		title = "Scenario: " + safetext.Escape(p.brief.Name)
	}
	b.WriteString(s.Header.Width(width).Render(title))
	b.WriteByte('\n')
	var facts []string
	for _, f := range []string{p.brief.Model, p.brief.Difficulty} {
		if f != "" {
			facts = append(facts, f)
		}
	}
	if len(facts) > 0 {
		b.WriteString(s.Muted.Render(strings.Join(facts, " · ")))
		b.WriteByte('\n')
	}
	if p.brief.Story != "" {
		b.WriteByte('\n')
		b.WriteString(wrap(unwrapLines(p.brief.Story)))
		b.WriteByte('\n')
	}
	if p.brief.Goal != "" {
		b.WriteByte('\n')
		b.WriteString(s.Label.Render("Goal"))
		b.WriteByte('\n')
		b.WriteString(wrap(p.brief.Goal))
		b.WriteByte('\n')
	}
	shown := p.HintsShown()
	for i := 0; i < shown; i++ {
		b.WriteByte('\n')
		head := fmt.Sprintf("Hint %d of %d", i+1, len(p.brief.Hints))
		b.WriteString(s.Label.Render(head))
		b.WriteByte('\n')
		b.WriteString(s.HintLine.Width(width).Render(strings.TrimSpace(safetext.Lines(p.brief.Hints[i]))))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	switch {
	case p.met:
		b.WriteString(s.OK.Render(p.MetLine()))
	case shown < len(p.brief.Hints):
		b.WriteString(s.Muted.Render(fmt.Sprintf("h: a hint (%d left)", len(p.brief.Hints)-shown)))
	default:
		b.WriteString(s.Muted.Render("No hints left."))
	}
	return b.String()
}

// unwrapLines joins the lines of each paragraph, so that the panel wraps the
// story to its own width; blank lines still separate paragraphs.
func unwrapLines(text string) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	for i, para := range paras {
		lines := strings.Split(para, "\n")
		for j := range lines {
			lines[j] = strings.TrimSpace(lines[j])
		}
		paras[i] = strings.Join(lines, " ")
	}
	return strings.Join(paras, "\n\n")
}
