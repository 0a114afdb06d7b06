package classroom

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// ClassFile is the file in Dir that says how the class runs (exam or
// practice, the time limit), for the class report.
const ClassFile = "class.json"

// classInfo is what ClassFile holds.
type classInfo struct {
	Exam      bool    `json:"exam"`
	TimeLimit float64 `json:"time_limit_seconds,omitempty"`
	Ended     bool    `json:"ended,omitempty"` // the trainer ended the exam
}

func readClassInfo(dir string) (classInfo, error) {
	var ci classInfo
	data, err := os.ReadFile(filepath.Join(dir, ClassFile))
	if os.IsNotExist(err) {
		return ci, nil
	}
	if err != nil {
		return ci, err
	}
	if err := json.Unmarshal(data, &ci); err != nil {
		return ci, fmt.Errorf("%s is damaged (%v): remove it to report the class as practice", filepath.Join(dir, ClassFile), err)
	}
	return ci, nil
}

func writeClassInfo(dir string, ci classInfo) error {
	data, err := json.MarshalIndent(ci, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ClassFile), append(data, '\n'), 0o644)
}

// exam is an exam's rules: no hints, a time limit per scenario from the
// moment the trainee opens it, and the trainer may end it for everyone.
type exam struct {
	dir   string
	limit time.Duration
	over  atomic.Bool
}

// end ends the exam for everyone now.
func (e *exam) end() error {
	e.over.Store(true)
	return writeClassInfo(e.dir, classInfo{Exam: true, TimeLimit: e.limit.Seconds(), Ended: true})
}

// outOfTime reports whether a session's time is up without its goal met.
func (e *exam) outOfTime(rep scenario.Report) bool {
	if e == nil || rep.GoalMet && time.Duration(rep.TimeToGoal*float64(time.Second)) <= e.limit {
		return false
	}
	return e.timeUp(rep)
}

// timeUp reports whether a session's time is up, goal met or not: the
// trainee's screens close then.
func (e *exam) timeUp(rep scenario.Report) bool {
	return e != nil && (e.over.Load() || time.Duration(rep.Duration*float64(time.Second)) >= e.limit)
}

// left is the time a session has left.
func (e *exam) left(rep scenario.Report) time.Duration {
	if e.over.Load() {
		return 0
	}
	d := e.limit - time.Duration(rep.Duration*float64(time.Second))
	if d < 0 {
		return 0
	}
	return d
}

// Score is a scenario's exam score, from 0 to 100: 0 unless the goal was
// met within limit; then 100, less up to 40 for the time taken (in
// proportion to the limit), less 5 for each step beyond the scenario's
// solution (at most 30), and less 10 for each hint (exams show none, a
// report of practice may have some); never below 10.
func Score(rep scenario.Report, limit time.Duration, solutionSteps int) int {
	took := time.Duration(rep.TimeToGoal * float64(time.Second))
	if !rep.GoalMet || limit <= 0 || took > limit {
		return 0
	}
	score := 100 - int(40*took/limit)
	if extra := len(rep.Steps) - solutionSteps; extra > 0 {
		score -= min(30, 5*extra)
	}
	score -= 10 * rep.HintsUsed
	return max(10, score)
}
