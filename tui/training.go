package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// Training follows a training scenario while the screens run: the root tells
// it every step the trainee takes and asks it, after each, whether the goal
// holds. It counts the hints itself: the scenario panel asks it how many are
// shown. NextHint, Record and Check run inside commands, one at a time, in
// the order of the steps; HintsShown is asked while the panel is drawn, at
// the same time: it must be safe for concurrent use.
type Training interface {
	// Brief is what the scenario panel shows.
	Brief() ScenarioBrief
	// NextHint reveals the next hint and counts it; ok is false when every
	// hint is already shown (or none may be shown).
	NextHint() (text string, ok bool)
	// HintsShown is how many hints were revealed.
	HintsShown() int
	// Record is told each step the trainee takes.
	Record(step Step)
	// Check runs the goal's check on the box.
	Check(box *device.Box) GoalState
}

// GoalState is the goal's check after a step: whether it holds, how long it
// took the trainee and in how many steps.
type GoalState struct {
	Met   bool
	Took  time.Duration
	Steps int
}

// Step is a step the trainee took, as Training.Record receives it: an
// UpdateStep, an OpStep, a BootStep or an AutoupdateStep.
type Step interface{ trainingStep() }

// UpdateStep is an update the trainee ran.
type UpdateStep struct {
	Action string // "USB Bootstrap", "Using HTTP", "Update from USB", …
	Detail string // the source
	Result device.Result
}

// OpStep is a step on the menus that installs nothing. Op names it as a
// scenario's steps do: set (Exit & Save, with the settings saved),
// factory_reset, reset_operator_key, select_bank, emergency (the service
// button's Emergency startup); on the USB stick screen rename, delete,
// mkdir and copy.
type OpStep struct {
	Op       string
	Detail   string // what was done, when Op alone does not say it (rename on the stick)
	Settings map[string]string
	Err      error // nil: it worked
}

// BootStep is a power-on of the box.
type BootStep struct{ Report device.BootReport }

// AutoupdateStep is a run of the Autoupdate module.
type AutoupdateStep struct{ Report device.AutoupdateReport }

func (UpdateStep) trainingStep()     {}
func (OpStep) trainingStep()         {}
func (BootStep) trainingStep()       {}
func (AutoupdateStep) trainingStep() {}

// opStep is the training record of a device call of the menus.
func opStep(m opDoneMsg) OpStep {
	names := map[string]string{opSave: "set", opSetting: "set", opFactoryReset: "factory_reset", opResetKey: "reset_operator_key", opBank: "select_bank"}
	name, ok := names[m.op]
	if !ok {
		name = m.op
	}
	return OpStep{Op: name, Settings: m.settings, Err: m.err}
}

type (
	trainCheckMsg struct{ goal GoalState }
	trainHintMsg  struct{ ok bool }
)

// trainStep records step (nil: none) and checks the goal.
func (c *common) trainStep(step Step) tea.Cmd {
	tr, box := c.opts.Training, c.env.Box
	if tr == nil || box == nil {
		return nil
	}
	return c.train.then(func() tea.Msg {
		if step != nil {
			tr.Record(step)
		}
		return trainCheckMsg{goal: tr.Check(box)}
	})
}

// trainHint asks the training for the next hint; the panel shows as many
// hints as the training counts.
func (c *common) trainHint() tea.Cmd {
	tr := c.opts.Training
	if tr == nil {
		return nil
	}
	return c.train.then(func() tea.Msg {
		_, ok := tr.NextHint()
		return trainHintMsg{ok: ok}
	})
}

// ScenarioPanel is the panel of the training the screens follow, nil
// without one. Read it once the program ended.
func (m *Model) ScenarioPanel() *ScenarioPanel { return m.c.panel }
