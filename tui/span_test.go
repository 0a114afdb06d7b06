package tui

import (
	"context"
	"reflect"
	"strconv"
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

// TestSpanWorkTakesTurns: the work of a span runs one at a time, and the
// work of a new power session only once the cut work before it has landed.
func TestSpanWorkTakesTurns(t *testing.T) {
	var running, most atomic.Int32
	work := func(context.Context) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
	}
	first := newSpan(nil)
	release := make(chan struct{})
	began := make(chan struct{})
	cutDone := make(chan struct{})
	go func() {
		first.run(func(context.Context) { close(began); <-release; work(context.Background()) })
		close(cutDone)
	}()
	<-began
	first.close()
	second := newSpan(first)
	done := make(chan bool, 10)
	for range 10 {
		go func() { done <- second.run(work) }()
	}
	time.Sleep(20 * time.Millisecond)
	if most.Load() != 0 {
		t.Fatal("the new session's work began before the cut work had landed")
	}
	close(release)
	<-cutDone
	for range 10 {
		if !<-done {
			t.Error("work of an open span did not run")
		}
	}
	if most.Load() != 1 {
		t.Errorf("%d pieces of work ran at once, want 1", most.Load())
	}
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

// TestBoxChangesTakeTurns: settings saved from several commands at once all
// land; none meets the box busy with another (the box takes one change at a
// time and refuses a second at once).
func TestBoxChangesTakeTurns(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	c := &common{env: Env{Box: tb.box}, power: newSpan(nil)}
	const n = 12
	errs := make(chan error, n)
	for i := range n {
		v := strconv.Itoa(i % 2)
		seq := c.setCmd("betaupdate_cond", v, "saved")() // tea.Sequence: the save, then the snapshot
		save := reflect.ValueOf(seq).Index(0).Interface().(tea.Cmd)
		go func() {
			m, _ := save().(opDoneMsg)
			errs <- m.err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("a save failed: %v", err)
		}
	}
}
