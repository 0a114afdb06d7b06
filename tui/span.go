package tui

import (
	"context"
	"sync"
)

// span is work that can be cut short and waited for: a power session of
// the box (the changes its screens make) or the environment's setup.
// Once closed, its context is cancelled and no new work begins in it; wait
// returns when the work that did begin has returned, so that a cut write
// lands before the next power-on reads the banks, and before the program
// removes the folders it used.
//
// The work of a span runs one at a time, after the work of the spans before
// it: the changes reach the box in the order the screens asked for them,
// and a power cut drops the work still waiting for its turn (the box itself
// would only make it wait). Reading the box needs no turn.
type span struct {
	ctx    context.Context
	cancel context.CancelFunc
	prev   *span         // the power session before this one; nil for none
	turn   chan struct{} // holds a token while a piece of work runs

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newSpan(prev *span) *span {
	s := &span{prev: prev, turn: make(chan struct{}, 1)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// begin reports whether work may start; end must follow a true.
func (s *span) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *span) end() { s.wg.Done() }

// close cancels the span's context; no new work begins. It does not wait.
func (s *span) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
}

// wait returns once the work of this span and of the ones before it has
// returned. It blocks: call it from a command or after the program ended,
// never inside Update.
func (s *span) wait() {
	s.wg.Wait()
	s.waitPrev()
	s.mu.Lock()
	s.prev = nil // settled: let it go
	s.mu.Unlock()
}

// waitPrev waits for the spans before this one (see wait).
func (s *span) waitPrev() {
	s.mu.Lock()
	prev := s.prev
	s.mu.Unlock()
	if prev != nil {
		prev.wait()
	}
}

// run runs f as work of the span, in its turn; not at all once the span is
// closed, even while f waits for its turn (then ok is false). It blocks:
// call it from a command.
func (s *span) run(f func(ctx context.Context)) (ok bool) {
	if !s.begin() {
		return false
	}
	defer s.end()
	s.waitPrev()
	select {
	case s.turn <- struct{}{}:
	case <-s.ctx.Done():
		return false
	}
	defer func() { <-s.turn }()
	if s.ctx.Err() != nil {
		return false // the power was cut while f waited
	}
	f(s.ctx)
	return true
}
