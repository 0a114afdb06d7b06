package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// TestHintsOneCount: hints asked for on the screens are counted once, by the
// session: the trainer's report (hints_used) and the scenario panel say the
// same number, and the panel shows exactly those hints.
func TestHintsOneCount(t *testing.T) {
	sc, err := scenario.Load("custom-key-lock")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Hints) < 2 {
		t.Fatalf("custom-key-lock has %d hints, the test needs 2", len(sc.Hints))
	}
	for _, asks := range []int{1, 2} {
		steps := []jstep{{wait: []string{"Press m (MENU)"}}}
		for i := 1; i <= asks; i++ {
			steps = append(steps, jstep{keys: []string{"h"}, wait: []string{"Hint " + string(rune('0'+i)) + " of"}})
		}
		sess, panel := playJourney(t, journey{name: "hints", scenario: "custom-key-lock", steps: steps})
		path := filepath.Join(t.TempDir(), "report.json")
		if err := sess.WriteReport(path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var rep struct {
			HintsUsed int `json:"hints_used"`
		}
		if err := json.Unmarshal(data, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.HintsUsed != asks || panel.HintsShown() != asks {
			t.Errorf("%d hints asked: the report says %d, the panel %d", asks, rep.HintsUsed, panel.HintsShown())
		}
		v := panel.View(80)
		if strings.Count(v, "Hint ") != asks || strings.Contains(v, "Hint "+string(rune('0'+asks+1))+" of") {
			t.Errorf("%d hints asked, the panel shows:\n%s", asks, v)
		}
	}
}
