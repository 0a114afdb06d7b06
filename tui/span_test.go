package tui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestSpanWaitsForCutWork: closing a span cancels its work but does not
// wait; the next span's waitPrev returns only once that work has returned,
// and work asked for after the close never starts.
func TestSpanWaitsForCutWork(t *testing.T) {
	first := newSpan(nil)
	began := make(chan struct{})
	var landed atomic.Bool
	go first.run(func(ctx context.Context) {
		close(began)
		<-ctx.Done()
		time.Sleep(30 * time.Millisecond) // a cut write that takes a moment to land
		landed.Store(true)
	})
	<-began
	closed := make(chan struct{})
	go func() { first.close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("close waited for the work")
	}
	if first.run(func(context.Context) { t.Error("work ran in a closed span") }) {
		t.Error("run reported work in a closed span")
	}
	second := newSpan(first)
	second.waitPrev()
	if !landed.Load() {
		t.Error("waitPrev returned before the cut work landed")
	}
	third := newSpan(second)
	third.close()
	third.wait() // nothing in flight: returns at once
}

// TestQuitDoesNotBlockUpdate: q while the setup still runs answers at once;
// the wait for the setup is a command.
func TestQuitDoesNotBlockUpdate(t *testing.T) {
	release, inStart := make(chan struct{}), make(chan struct{})
	opts := testOptions(Env{}, true)
	opts.Start = func(ctx context.Context) (Env, error) {
		close(inStart)
		<-release // ignores the cancel: only the test ends it
		return Env{}, ctx.Err()
	}
	m := New(opts)
	setupDone := make(chan struct{})
	go func() {
		m.setup.run(func(ctx context.Context) { opts.Start(ctx) })
		close(setupDone)
	}()
	<-inStart
	returned := make(chan struct{})
	go func() {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
		close(returned)
	}()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("Update blocked on the setup")
	}
	close(release)
	<-setupDone
	m.Shutdown()
}
