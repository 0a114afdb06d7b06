package tui

import (
	"sync"

	"github.com/stbrecovery/stbrecovery/device"
)

// fakeTraining is a Training for tests: it reveals brief's hints in turn,
// and hands each step and check to record and check when they are set.
type fakeTraining struct {
	brief  ScenarioBrief
	record func(Step)
	check  func(*device.Box) GoalState

	mu    sync.Mutex
	shown int
}

func (f *fakeTraining) Brief() ScenarioBrief { return f.brief }

func (f *fakeTraining) NextHint() (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shown >= len(f.brief.Hints) {
		return "", false
	}
	f.shown++
	return f.brief.Hints[f.shown-1], true
}

func (f *fakeTraining) HintsShown() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.shown
}

func (f *fakeTraining) Record(step Step) {
	if f.record != nil {
		f.record(step)
	}
}

func (f *fakeTraining) Check(box *device.Box) GoalState {
	if f.check == nil {
		return GoalState{}
	}
	return f.check(box)
}
