package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// updateRun is one Box.Update in flight. Its events (progress, questions)
// come through a channel that a tea.Cmd loop reads, one message at a time.
type updateRun struct {
	label   string // the tool and the source, for the training record
	source  string
	gen     int
	events  chan tea.Msg
	cancel  context.CancelFunc
	started time.Time
}

// progressMsg is one progress event of run.
type progressMsg struct {
	run *updateRun
	p   device.Progress
	at  time.Time
}

// askMsg is the device asking the person a question (an older image on the
// portal path); the answer goes back on answer.
type askMsg struct {
	run      *updateRun
	question string
	answer   chan bool
}

// updateDoneMsg is the end of run.
type updateDoneMsg struct {
	run *updateRun
	res device.Result
}

// startUpdate runs Box.Update in a command. The root learns of the run when
// the screen that started it goes on the stack. A power cut cancels the power
// session's context, which the device treats as power lost mid-write.
func (c *common) startUpdate(label string, src device.Source, opts device.UpdateOptions) (*updateRun, tea.Cmd) {
	power := c.power
	ctx, cancel := context.WithCancel(power.ctx)
	run := &updateRun{label: label, gen: c.gen, events: make(chan tea.Msg, 256), cancel: cancel, started: c.clock()}
	if src != nil {
		run.source = src.String()
	}
	clock := c.clock
	send := func(m tea.Msg) bool {
		select {
		case run.events <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}
	opts.Progress = func(p device.Progress) { send(progressMsg{run: run, p: p, at: clock()}) }
	opts.Confirm = func(q string) bool {
		ans := make(chan bool, 1)
		if !send(askMsg{run: run, question: q, answer: ans}) {
			return false
		}
		select {
		case a := <-ans:
			return a
		case <-ctx.Done():
			return false
		}
	}
	box := c.env.Box
	work := func() tea.Msg {
		defer cancel()
		var res device.Result
		if src == nil {
			res = device.Result{Status: device.StatusInternal, Text: device.StatusInternal.Text(),
				Explain: "This source is not available in this build of the simulator."}
		} else {
			if !power.run(func(context.Context) { res = box.Update(ctx, src, opts) }) {
				res = device.Result{Status: device.StatusInternal, Text: device.StatusInternal.Text(),
					Explain: "The power was cut before the update began.", Path: opts.Path}
			}
		}
		close(run.events)
		return updateDoneMsg{run: run, res: res}
	}
	return run, tea.Batch(work, listen(run))
}

// listen reads the next event of run; the root calls it again after each.
func listen(run *updateRun) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-run.events
		if !ok {
			return nil
		}
		return m
	}
}
