package classroom

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/scenario"
)

// serverPlaceholder is how a scenario's settings name its update server.
const serverPlaceholder = "{server}"

// trainee is one person of the class: a folder DIR/trainees/NAME with a
// folder per scenario they opened (box, USB stick, update server, reports).
type trainee struct {
	name string
	dir  string

	work sync.Mutex // held while a box is opened, set up or reset

	mu       sync.Mutex
	online   bool      // a session holds the name
	since    time.Time // when that session began
	current  string    // the scenario being (or last) played, "" while choosing
	runs     map[string]*run
	assigned *scenario.Scenario // the trainer's choice for this trainee, nil: theirs
	send     func(tea.Msg)      // to the session's program, nil when none runs
}

func newTrainee(name, dir string) *trainee {
	return &trainee{name: name, dir: dir, runs: map[string]*run{}}
}

// run is a trainee's scenario while the classroom runs: its world on disk
// and the session that records the steps. It outlives a login, so that a
// trainee who comes back finds the same box and the same record.
type run struct {
	world   *scenario.World
	session *scenario.Session
	report  string // the JSON report of this session

	mu      sync.Mutex
	last    scenario.StepRecord
	hasLast bool
	// written is what the report on disk last held: its steps, hints and
	// whether the goal was met; a check that changes none of them writes nothing
	written reportMark
}

// reportMark is what makes a written report out of date.
type reportMark struct {
	steps, hints int
	met, ok      bool
}

// needsWrite says whether the report on disk is behind the session, and
// marks it as written when it is.
func (r *run) needsWrite() bool {
	m := reportMark{steps: r.session.Steps(), hints: r.session.HintsUsed(), ok: true}
	m.met, _ = r.session.Met()
	r.mu.Lock()
	defer r.mu.Unlock()
	if m == r.written {
		return false
	}
	r.written = m
	return true
}

// release gives the name back; the session's box stays.
func (t *trainee) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.online, t.send = false, nil // current stays: the scenario last played
}

// attach routes the trainer's messages to the session's program.
func (t *trainee) attach(send func(tea.Msg)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.send = send
}

// assignment is the scenario the trainee starts at once: the trainer's
// choice, else the class's only one; nil lets the trainee pick.
func (t *trainee) assignment(class []*scenario.Scenario) *scenario.Scenario {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.assigned != nil {
		return t.assigned
	}
	if len(class) == 1 {
		return class[0]
	}
	return nil
}

// assign gives the trainee sc: at once if they are logged in, else at
// their next login.
func (t *trainee) assign(sc *scenario.Scenario) {
	t.mu.Lock()
	t.assigned = sc
	send := t.send
	t.mu.Unlock()
	if send != nil {
		send(switchMsg{sc: sc})
	}
}

// resetCurrent sets the box of the trainee's current (or assigned)
// scenario up afresh: on their screens if they are logged in, else here.
// The reports of earlier sessions stay.
func (t *trainee) resetCurrent(class []*scenario.Scenario) error {
	t.mu.Lock()
	sc := t.assigned
	for _, c := range class {
		if c.Name == t.current {
			sc = c
		}
	}
	send := t.send
	t.mu.Unlock()
	if sc == nil {
		return fmt.Errorf("%s has no scenario to reset yet", t.name)
	}
	if send != nil {
		send(switchMsg{sc: sc, reset: true})
		return nil
	}
	return t.reset(sc)
}

// reset removes the trainee's box, USB stick and server of sc, so that the
// next open sets the scenario up afresh with a new session.
func (t *trainee) reset(sc *scenario.Scenario) error {
	t.work.Lock()
	defer t.work.Unlock()
	t.mu.Lock()
	r := t.runs[sc.Name]
	delete(t.runs, sc.Name)
	t.mu.Unlock()
	if r != nil {
		r.session.WriteReport(r.report)
		r.world.Close()
	}
	dir := filepath.Join(t.dir, sc.Name)
	for _, d := range []string{"box", "usb", "server", "factory"} {
		if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
			return fmt.Errorf("cannot reset %s's box for %s: %v", t.name, sc.Name, err)
		}
	}
	return nil
}

// open returns the trainee's run of sc: the one of this classroom if there
// is one, else the box kept in the trainee's folder from an earlier class,
// else a fresh set-up of the scenario.
func (t *trainee) open(sc *scenario.Scenario) (*run, error) {
	t.work.Lock()
	defer t.work.Unlock()
	t.mu.Lock()
	r := t.runs[sc.Name]
	t.mu.Unlock()
	if r == nil {
		dir := filepath.Join(t.dir, sc.Name)
		w, err := openWorld(sc, dir)
		if err != nil {
			return nil, err
		}
		stamp := time.Now().UTC().Format("20060102T150405.000")
		r = &run{world: w, session: scenario.NewSession(sc, nil), report: filepath.Join(dir, "report-"+stamp+".json")}
		if err := r.session.WriteReport(r.report); err != nil {
			w.Close()
			return nil, err
		}
		t.mu.Lock()
		t.runs[sc.Name] = r
		t.mu.Unlock()
	}
	t.mu.Lock()
	t.current = sc.Name
	t.mu.Unlock()
	return r, nil
}

// openWorld sets sc up in dir, or opens the box an earlier class left there,
// and starts the scenario's update server.
func openWorld(sc *scenario.Scenario, dir string) (*scenario.World, error) {
	home := filepath.Join(dir, "box")
	if _, err := os.Stat(filepath.Join(home, device.StateFileName)); err != nil {
		w, err := sc.Setup(dir)
		if err != nil {
			return nil, err
		}
		if err := w.StartServer(); err != nil {
			return nil, err
		}
		return w, nil
	}
	box, err := device.Open(home)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(box.Model().Name, sc.Model.Name) {
		return nil, fmt.Errorf("%s holds a %s, not the %s of scenario %s: move that folder away to start the scenario afresh", home, box.Model().Name, sc.Model.Name, sc.Name)
	}
	w := &scenario.World{Scenario: sc, Box: box, Home: home, USBDir: filepath.Join(dir, "usb"), ServerDir: filepath.Join(dir, "server")}
	if err := w.StartServer(); err != nil {
		return nil, err
	}
	// the server listens on a new port: settings that name it follow
	set := map[string]string{}
	for n, v := range sc.Box.Settings {
		if strings.Contains(v, serverPlaceholder) {
			set[n] = strings.ReplaceAll(v, serverPlaceholder, w.ServerURL)
		}
	}
	if len(set) > 0 {
		if err := box.SaveSettings(set); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// record adds a step to the session and keeps it as the last one.
func (r *run) record(rec scenario.StepRecord) {
	r.session.Record(rec)
	r.mu.Lock()
	r.last, r.hasLast = rec, true
	r.mu.Unlock()
}

// lastStatus is the last step in a few words: "17 Wrong signature", "ok".
func (r *run) lastStatus() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.hasLast {
		return ""
	}
	return stepStatus(r.last)
}

// stepStatus says how a step ended in a few words, safe for a terminal:
// a step's text may hold what a trainee typed (a URL) or what an image says.
func stepStatus(s scenario.StepRecord) string {
	return safetext.Escape(stepWords(s))
}

func stepWords(s scenario.StepRecord) string {
	switch {
	case s.Status != 0:
		return fmt.Sprintf("%d %s", s.Status, s.Text)
	case s.OK:
		return s.Action + ": ok"
	case s.Result != "":
		return s.Action + ": " + s.Result
	}
	return s.Action
}

// traineeRow is one line of the trainer's dashboard.
type traineeRow struct {
	Name     string
	Online   bool
	Scenario string
	State    string // "choosing", "working", "goal met", "away"
	Steps    int
	Hints    int
	Time     time.Duration // to the goal once met, else since the session began
	Last     string
	Score    int // in an exam
}

func (t *trainee) row(ex *exam) traineeRow {
	t.mu.Lock()
	row := traineeRow{Name: t.name, Online: t.online, Scenario: t.current, State: "away"}
	r := t.runs[t.current]
	if t.online {
		row.State = "choosing"
	}
	if r == nil && !t.online {
		// away: show the scenario last played
		for name, cand := range t.runs {
			if r == nil || cand.session.Report().Started.After(r.session.Report().Started) {
				r, row.Scenario = cand, name
			}
		}
	}
	t.mu.Unlock()
	if r == nil {
		return row
	}
	rep := r.session.Report()
	row.Steps, row.Hints, row.Last = len(rep.Steps), rep.HintsUsed, r.lastStatus()
	row.Time = time.Duration(rep.Duration * float64(time.Second))
	switch {
	case ex.outOfTime(rep):
		row.State = "out of time"
	case rep.GoalMet:
		row.State = "goal met"
		row.Time = time.Duration(rep.TimeToGoal * float64(time.Second))
	case row.Online:
		row.State = "working"
	}
	if ex != nil {
		row.Score = Score(rep, ex.limit, len(r.world.Scenario.Solution))
	}
	return row
}

// currentRun is the run of the scenario being played, or nil.
func (t *trainee) currentRun() *run {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.runs[t.current]
}

// steps is the step log of the trainee's current (or last) scenario.
func (t *trainee) steps() (string, []scenario.StepRecord) {
	t.mu.Lock()
	name := t.current
	r := t.runs[name]
	if r == nil {
		for n, cand := range t.runs {
			r, name = cand, n
			break
		}
	}
	t.mu.Unlock()
	if r == nil {
		return "", nil
	}
	return name, r.session.Report().Steps
}

// close writes each run's report and stops its update server.
func (t *trainee) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.runs {
		r.session.WriteReport(r.report)
		r.world.Close()
	}
}
