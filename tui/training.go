package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// Training follows a training scenario while the screens run: the root tells
// it every step the trainee takes and asks it, after each, whether the goal
// holds. Its functions run inside commands, one at a time, in the order of
// the steps.
type Training struct {
	// Panel shows the story, the goal and the hints revealed.
	Panel *ScenarioPanel
	// Hint reveals the next hint (and records that it was asked for).
	Hint func() (text string, ok bool)
	// Record is told each step: an UpdateStep, an OpStep, a
	// device.BootReport or a device.AutoupdateReport.
	Record func(step any)
	// Check runs the goal's check on the box: whether it holds, how long it
	// took the trainee and in how many steps.
	Check func(box *device.Box) (met bool, took time.Duration, steps int)
}

// UpdateStep is an update the trainee ran, as Training.Record receives it.
type UpdateStep struct {
	Action string // "USB Bootstrap", "Using HTTP", "Update from USB", …
	Detail string // the source
	Result device.Result
}

// OpStep is a step on the menus that installs nothing, as Training.Record
// receives it. Op names it as a scenario's steps do: set (Exit & Save, with
// the settings saved), factory_reset, reset_operator_key, select_bank,
// emergency (the service button's Emergency startup); on the USB stick
// screen rename, delete, mkdir and copy.
type OpStep struct {
	Op       string
	Detail   string // what was done, when Op alone does not say it (rename on the stick)
	Settings map[string]string
	Err      error // nil: it worked
}

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
	trainCheckMsg struct {
		met   bool
		took  time.Duration
		steps int
	}
	trainHintMsg struct {
		text string
		ok   bool
	}
)

// trainStep records step (nil: none) and checks the goal.
func (c *common) trainStep(step any) tea.Cmd {
	tr, box := c.opts.Training, c.env.Box
	if tr == nil || box == nil {
		return nil
	}
	return c.train.then(func() tea.Msg {
		var m trainCheckMsg
		if step != nil && tr.Record != nil {
			tr.Record(step)
		}
		if tr.Check != nil {
			m.met, m.took, m.steps = tr.Check(box)
		}
		return m
	})
}

func (c *common) trainHint() tea.Cmd {
	tr := c.opts.Training
	if tr == nil || tr.Hint == nil {
		return nil
	}
	return c.train.then(func() tea.Msg {
		var m trainHintMsg
		m.text, m.ok = tr.Hint()
		return m
	})
}
