package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
)

// StepRecord is one thing the trainee did, as the trainer's report lists it.
type StepRecord struct {
	At      time.Time `json:"at"`
	Elapsed float64   `json:"elapsed_seconds"` // since the session started
	Action  string    `json:"action"`          // "update", "boot", "set", … (free text for other screens)
	Detail  string    `json:"detail,omitempty"`
	Status  int       `json:"status,omitempty"` // the status code the box showed, when it showed one
	Text    string    `json:"text,omitempty"`   // that code's text
	OK      bool      `json:"ok"`
	Result  string    `json:"result,omitempty"` // one sentence on what happened
	// Settings are the values a set step saved.
	Settings map[string]string `json:"settings,omitempty"`
}

func (r *StepRecord) fromResult(res device.Result) {
	r.Status, r.Text, r.OK = int(res.Status), res.Text, res.Installed
	r.Result = res.Explain
	if res.Rule != "" && !res.Installed {
		r.Result = string(res.Rule) + ": " + r.Result
	}
}

// done fills a record from a plain error (nil: it worked).
func (r StepRecord) done(err error) (StepRecord, error) {
	r.OK = err == nil
	if err != nil {
		r.Result = err.Error()
	}
	return r, err
}

// UpdateRecord is the record of an update or key install the screens ran.
func UpdateRecord(action, detail string, res device.Result) StepRecord {
	r := StepRecord{Action: action, Detail: detail}
	r.fromResult(res)
	return r
}

// OpRecord is the record of a step on the box's menus that installs
// nothing: action is one of set, factory_reset, reset_operator_key,
// select_bank, emergency; settings are what a set step saved; err is nil
// when it worked.
func OpRecord(action Action, settings map[string]string, err error) StepRecord {
	r := StepRecord{Action: string(action), Detail: string(action)}
	if len(settings) > 0 {
		r.Settings = make(map[string]string, len(settings))
		for n, v := range settings {
			r.Settings[n] = v
		}
		r.Detail = string(action) + " " + settingsText(settings)
	}
	r, _ = r.done(err)
	return r
}

// BootRecord is the record of a power-on.
func BootRecord(r device.BootReport) StepRecord {
	return StepRecord{Action: string(ActionBoot), Detail: "power the box on", OK: r.OK, Result: lastStage(r)}
}

// AutoupdateRecord is the record of a run of the Autoupdate module.
func AutoupdateRecord(r device.AutoupdateReport) StepRecord {
	rec := StepRecord{Action: string(ActionAutoupdate), Detail: "run Autoupdate", Status: int(r.Status), Text: r.Text,
		OK: r.Outcome == device.AutoupdateInstalled, Result: string(r.Outcome)}
	if why := r.Reason(); why != "" {
		rec.Result += ": " + why
	}
	if r.TurnedOff {
		rec.Result += " Autoupdate was turned off (autoupdate_cond=2)."
	}
	return rec
}

// HintRecord is a hint the trainee asked for.
type HintRecord struct {
	At      time.Time `json:"at"`
	Elapsed float64   `json:"elapsed_seconds"`
	Number  int       `json:"number"` // 1 for the first hint
	Text    string    `json:"text"`
}

// Report is the trainer's report of one session; WriteReport writes it as JSON.
type Report struct {
	Scenario   ReportScenario `json:"scenario"`
	Started    time.Time      `json:"started"`
	Finished   time.Time      `json:"finished"`
	Duration   float64        `json:"duration_seconds"`
	Goal       string         `json:"goal"`
	GoalMet    bool           `json:"goal_met"`
	GoalMetAt  *time.Time     `json:"goal_met_at,omitempty"`
	TimeToGoal float64        `json:"time_to_goal_seconds,omitempty"`
	Why        string         `json:"why"` // the last check's sentence
	Steps      []StepRecord   `json:"steps"`
	HintsUsed  int            `json:"hints_used"`
	HintsTotal int            `json:"hints_total"`
	Hints      []HintRecord   `json:"hints"`
	Summary    string         `json:"summary"` // one line: "Goal met in 3m12s, 7 steps, 1 hint"
}

// ReportScenario names the scenario in a report.
type ReportScenario struct {
	Name       string `json:"name"`
	Title      string `json:"title"`
	Model      string `json:"model"`
	Difficulty string `json:"difficulty"`
	File       string `json:"file"`
}

// Session is one trainee's run of a scenario: the steps with their times,
// the hints used, and when the goal was first met. It is safe for use by
// several goroutines.
type Session struct {
	mu      sync.Mutex
	sc      *Scenario
	clock   func() time.Time
	started time.Time
	steps   []StepRecord
	hints   []HintRecord
	met     bool
	metAt   time.Time
	metStep int // steps recorded when the goal was first met
	why     string
}

// NewSession starts a session of sc now; clock gives the time (nil: time.Now).
func NewSession(sc *Scenario, clock func() time.Time) *Session {
	if clock == nil {
		clock = time.Now
	}
	return &Session{sc: sc, clock: clock, started: clock(), why: "The goal was not checked yet."}
}

// Scenario is the session's scenario.
func (s *Session) Scenario() *Scenario { return s.sc }

// Record adds a step, stamped with the time now.
func (s *Session) Record(r StepRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	r.At = now.UTC().Truncate(time.Millisecond)
	r.Elapsed = seconds(now.Sub(s.started))
	s.steps = append(s.steps, r)
}

// Steps is how many steps were recorded.
func (s *Session) Steps() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.steps)
}

// NextHint reveals the next hint; ok is false when every hint was shown.
func (s *Session) NextHint() (text string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.hints)
	if n >= len(s.sc.Hints) {
		return "", false
	}
	now := s.clock()
	h := HintRecord{At: now.UTC().Truncate(time.Millisecond), Elapsed: seconds(now.Sub(s.started)), Number: n + 1, Text: s.sc.Hints[n]}
	s.hints = append(s.hints, h)
	return h.Text, true
}

// HintsUsed is how many hints were revealed.
func (s *Session) HintsUsed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hints)
}

// Check runs the scenario's check on box; the first time it holds, the
// session notes when. Once met, the goal stays met for the report.
func (s *Session) Check(box *device.Box) (met bool, why string) {
	met, why = s.sc.Check(box)
	s.mu.Lock()
	defer s.mu.Unlock()
	if met && len(s.sc.Goal.Used) > 0 {
		if ok, whyNot := eventsMet(s.sc.Goal.Used, s.steps); !ok {
			met, why = false, whyNot
		}
	}
	s.why = why
	if met && !s.met {
		s.met, s.metAt, s.metStep = true, s.clock(), len(s.steps)
	}
	return met, why
}

// MetSteps is how many steps it took to meet the goal (the steps taken
// after it, such as the reboot that follows an update, do not count), or
// the steps so far when it is not met. The screens and the summary both
// count this way.
func (s *Session) MetSteps() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.met {
		return s.metStep
	}
	return len(s.steps)
}

// Met reports whether the goal was met, and how long it took.
func (s *Session) Met() (bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.met {
		return false, 0
	}
	return true, s.metAt.Sub(s.started)
}

// Summary is the session in one line: "Goal met in 3m12s, 7 steps, 1 hint"
// or "Goal not met after 5m0s, 4 steps, 2 hints".
func (s *Session) Summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.summary(s.clock())
}

func (s *Session) summary(now time.Time) string {
	tail := fmt.Sprintf("%s, %s", plural(len(s.steps), "step"), plural(len(s.hints), "hint"))
	if s.met {
		tail = fmt.Sprintf("%s, %s", plural(s.metStep, "step"), plural(len(s.hints), "hint"))
		return fmt.Sprintf("Goal met in %s, %s", roundDur(s.metAt.Sub(s.started)), tail)
	}
	return fmt.Sprintf("Goal not met after %s, %s", roundDur(now.Sub(s.started)), tail)
}

// Report is the trainer's report as it stands now.
func (s *Session) Report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock()
	r := Report{
		Scenario: ReportScenario{Name: s.sc.Name, Title: s.sc.Title, Model: s.sc.Model.Name,
			Difficulty: string(s.sc.Difficulty), File: s.sc.File},
		Started: s.started.UTC().Truncate(time.Millisecond), Finished: now.UTC().Truncate(time.Millisecond), Duration: seconds(now.Sub(s.started)),
		Goal: s.sc.Goal.Show(), GoalMet: s.met, Why: s.why,
		Steps:     append([]StepRecord{}, s.steps...),
		HintsUsed: len(s.hints), HintsTotal: len(s.sc.Hints),
		Hints:   append([]HintRecord{}, s.hints...),
		Summary: s.summary(now),
	}
	if s.met {
		t := s.metAt.UTC().Truncate(time.Millisecond)
		r.GoalMetAt = &t
		r.TimeToGoal = seconds(s.metAt.Sub(s.started))
	}
	return r
}

// WriteReport writes the trainer's report as JSON to path, replacing the
// file as a whole (a temporary file renamed into place).
func (s *Session) WriteReport(path string) error {
	data, err := json.MarshalIndent(s.Report(), "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		var ae *atomicfile.Error
		if errors.As(err, &ae) {
			err = ae.Err
		}
		return fmt.Errorf("cannot write the report %s: %v", path, unwrapPath(err))
	}
	return nil
}

func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

func roundDur(d time.Duration) time.Duration {
	if d < 0 {
		d = 0
	}
	return d.Round(time.Second)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
