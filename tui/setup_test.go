package tui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestFlowQuitDuringSetup: q while Options.Start still runs cancels it, and
// Shutdown returns only once Start has returned (the caller then removes the
// folder Start writes into).
func TestFlowQuitDuringSetup(t *testing.T) {
	began := make(chan struct{})
	var returned atomic.Bool
	opts := testOptions(Env{}, true)
	opts.Start = func(ctx context.Context) (Env, error) {
		close(began)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // a step that finishes after the cancel
		returned.Store(true)
		return Env{}, ctx.Err()
	}
	s := startWith(t, opts, 80, 24)
	s.waitFor("Preparing the box")
	<-began
	s.keys("q")
	s.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if !returned.Load() {
		t.Error("the program quit before Start returned")
	}
	s.m.Shutdown() // again, as the program does after Run: it returns at once
}

// TestShutdownBeforeSetup: a setup whose command runs after Shutdown never
// calls Start.
func TestShutdownBeforeSetup(t *testing.T) {
	var called atomic.Bool
	opts := testOptions(Env{}, true)
	opts.Start = func(ctx context.Context) (Env, error) {
		called.Store(true)
		return Env{}, nil
	}
	m := New(opts)
	cmd := m.Init()
	m.Shutdown()
	runCmd(cmd)
	if called.Load() {
		t.Error("Start ran after Shutdown")
	}
}

// runCmd runs cmd and the commands of a batch it returns, one after another.
func runCmd(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runCmd(c)
		}
	}
}
