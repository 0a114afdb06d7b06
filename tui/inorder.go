package tui

import tea "github.com/charmbracelet/bubbletea"

// inOrder runs functions one at a time, in the order they were handed over,
// each in the command that carries it: a later one waits in its command for
// the earlier ones to return, never in Update. The training's record and
// check go through it, so that each step is told and checked in turn.
type inOrder struct {
	last chan struct{} // closed when the function handed over last has returned
}

// then is a command that runs f once every function handed over before it
// has returned. Call it from Update, and return the command it gives: a
// command never run holds up the ones after it.
func (q *inOrder) then(f func() tea.Msg) tea.Cmd {
	prev, done := q.last, make(chan struct{})
	q.last = done
	return func() tea.Msg {
		if prev != nil {
			<-prev
		}
		defer close(done)
		return f()
	}
}
