package tui

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// scenarioPanelForTest is a panel and the training whose hints it shows.
func scenarioPanelForTest() (*ScenarioPanel, *fakeTraining) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	tr := &fakeTraining{brief: ScenarioBrief{
		Name: "custom-key-lock", Title: "Locked to a Custom image", Model: "MAG254", Difficulty: "easy",
		Story: "A customer bought a second-hand MAG254\nfrom Alpha TV.\n\nThe portal says Wrong signature.",
		Goal:  "The box runs a Public image of version 220 or newer.",
		Hints: []string{"Look at Device info.", "The portal of a Custom image accepts only the same key (R5)."},
	}}
	return NewScenarioPanel(tr, NewStyles(r)), tr
}

func TestScenarioPanelHints(t *testing.T) {
	p, tr := scenarioPanelForTest()
	v := p.View(60)
	for _, want := range []string{"Scenario: Locked to a Custom image", "MAG254 · easy", "Goal", "220 or newer", "h: a hint (2 left)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Look at Device info") {
		t.Error("a hint shows before it was asked for")
	}
	if h, ok := tr.NextHint(); !ok || h != "Look at Device info." {
		t.Fatalf("first hint %q %v", h, ok)
	}
	v = p.View(60)
	if !strings.Contains(v, "Hint 1 of 2") || !strings.Contains(v, "Look at Device info.") || strings.Contains(v, "same key") {
		t.Errorf("after one hint:\n%s", v)
	}
	tr.NextHint()
	if _, ok := tr.NextHint(); ok {
		t.Error("a third hint")
	}
	if p.HintsShown() != 2 || p.HintsLeft() != 0 || !strings.Contains(p.View(60), "No hints left.") {
		t.Errorf("shown %d left %d", p.HintsShown(), p.HintsLeft())
	}
}

func TestScenarioPanelGoalMet(t *testing.T) {
	p, _ := scenarioPanelForTest()
	if p.GoalMet() || p.MetLine() != "" {
		t.Fatal("met before SetGoalMet")
	}
	p.SetGoalMet(3*time.Minute+12*time.Second+400*time.Millisecond, 7)
	p.SetGoalMet(time.Hour, 99) // later calls do not count
	if got := p.MetLine(); got != "Goal met in 3m12s, 7 steps" {
		t.Errorf("MetLine() = %q", got)
	}
	if !strings.Contains(p.View(60), "Goal met in 3m12s, 7 steps") {
		t.Errorf("view:\n%s", p.View(60))
	}
}

func TestScenarioPanelWidth(t *testing.T) {
	p, tr := scenarioPanelForTest()
	tr.NextHint()
	for _, w := range []int{0, 10, 30, 80} {
		limit := w
		if limit < 24 {
			limit = 24
		}
		for _, line := range strings.Split(p.View(w), "\n") {
			if n := lipgloss.Width(line); n > limit {
				t.Errorf("width %d: line of %d columns: %q", w, n, line)
			}
		}
	}
	var nilPanel *ScenarioPanel
	if nilPanel.View(40) != "" || nilPanel.GoalMet() || nilPanel.HintsShown() != 0 {
		t.Error("a nil panel shows something")
	}
}
