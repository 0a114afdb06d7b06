package tui

import (
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestInOrderRunsOneAtATimeInTurn: commands started all at once run their
// functions one after another, in the order they were handed over.
func TestInOrderRunsOneAtATimeInTurn(t *testing.T) {
	var q inOrder
	var got []int // no lock: the race detector catches two at once
	cmds := make([]tea.Cmd, 20)
	for i := range cmds {
		cmds[i] = q.then(func() tea.Msg { got = append(got, i); return nil })
	}
	var wg sync.WaitGroup
	for i := len(cmds) - 1; i >= 0; i-- { // started last first
		wg.Add(1)
		go func() { defer wg.Done(); cmds[i]() }()
	}
	wg.Wait()
	for i, v := range got {
		if v != i {
			t.Fatalf("ran in the order %v", got)
		}
	}
	if len(got) != len(cmds) {
		t.Fatalf("ran %d of %d", len(got), len(cmds))
	}
}
