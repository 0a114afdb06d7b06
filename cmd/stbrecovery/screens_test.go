package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/tui"
)

// screensUntil is a show for runTUI and runScenarioTUI without a terminal:
// it waits for each of waits on the screens in turn, pressing keys before
// each, then quits as q does and shuts the model down as runProgram does.
// seen gets everything drawn.
func screensUntil(t *testing.T, seen *bytes.Buffer, steps ...jstep) func(*tui.Model) error {
	return func(model *tui.Model) error {
		tm := teatest.NewTestModel(t, model, teatest.WithInitialTermSize(100, 30))
		for _, st := range steps {
			for _, k := range st.keys {
				tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
			}
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				seen.Write(b)
				for _, x := range st.wait {
					if !bytes.Contains(seen.Bytes(), []byte(x)) {
						return false
					}
				}
				return true
			}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
		}
		if err := tm.Quit(); err != nil {
			return err
		}
		tm.WaitFinished(t, teatest.WithFinalTimeout(15*time.Second))
		model.Shutdown()
		return nil
	}
}

// TestDefaultScreensInProcess: the program without a command sets up a
// temporary box, its demo stick and its demo server behind the first screen,
// shows the Bootloader's power-on, and removes it all when the screens end;
// a box in --home of another model than --model fails on the screen.
func TestDefaultScreensInProcess(t *testing.T) {
	m254, _ := device.LookupModel("MAG254")
	var seen bytes.Buffer
	temp := t.TempDir()
	t.Setenv("TMPDIR", temp)
	err := runTUI(m254, false, "", "", device.PaceInstant, screensUntil(t, &seen, jstep{wait: []string{"Press m (MENU)"}}))
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(temp); len(left) > 0 {
		t.Errorf("the temporary box is left behind: %v", left)
	}

	home := filepath.Join(ramDir(t), "box")
	if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != exitOK {
		t.Fatal(errs)
	}
	m322, _ := device.LookupModel("MAG322")
	seen.Reset()
	err = runTUI(m322, true, home, "", device.PaceInstant, screensUntil(t, &seen, jstep{wait: []string{"Setup failed"}}))
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(seen.String()), " "); !strings.Contains(text, "holds a MAG254, not a MAG322") {
		t.Errorf("the screen does not say the box in --home is another model:\n%s", seen.String())
	}
	if err := runTUI(m254, false, "", filepath.Join(home, "no-such-stick"), device.PaceInstant, nil); err == nil || !strings.Contains(err.Error(), "--usb") {
		t.Errorf("a --usb that is not a folder: %v", err)
	}
}

var summaryLine = regexp.MustCompile(`(?m)^custom-key-lock: Goal not met after \d+s, \d+ steps?, 1 hint; report written to .+$`)

// TestScenarioScreensInProcess: --scenario sets the scenario up behind the
// first screen, its panel beside the screens; a hint asked for shows, and at
// the end the summary line and the report count it.
func TestScenarioScreensInProcess(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.json")
	var seen, out bytes.Buffer
	show := screensUntil(t, &seen,
		jstep{wait: []string{"Press m (MENU)", "Scenario: "}},
		jstep{keys: []string{"h"}, wait: []string{"Hint 1 of"}})
	if err := runScenarioTUI("custom-key-lock", report, device.PaceInstant, &out, show); err != nil {
		t.Fatal(err)
	}
	if !summaryLine.MatchString(out.String()) {
		t.Errorf("summary %q", out.String())
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		HintsUsed int  `json:"hints_used"`
		GoalMet   bool `json:"goal_met"`
	}
	if err := json.Unmarshal(data, &rep); err != nil || rep.HintsUsed != 1 || rep.GoalMet {
		t.Errorf("report: %v %s", err, data)
	}
	if err := runScenarioTUI("no-such-scenario", "", device.PaceInstant, &out, nil); err == nil || !strings.Contains(err.Error(), "custom-key-lock") {
		t.Errorf("an unknown scenario: %v", err)
	}
}
