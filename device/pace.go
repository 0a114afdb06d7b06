package device

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Pace sets how fast an update writes the flash. The zero value writes as
// fast as the machine can ("instant"): the command line and the tests.
type Pace struct {
	// Rate is the bytes per second the flash takes; 0: no limit.
	Rate int64
	// Stands is the size of the release image a smaller image stands for:
	// such an image is written in the time Stands bytes take at Rate, so
	// that a small demo image takes as long as the real one would. 0: every
	// image is written at Rate.
	Stands int64
	// Now and Sleep are the clock; nil means the system's. Sleep returns
	// early with ctx's error when ctx ends (a power cut).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// The paces a person may choose (--pace).
const (
	PaceReal    = "real"    // the time the write takes on the box
	PaceFast    = "fast"    // an eighth of that: the stages still show
	PaceInstant = "instant" // no waiting
)

// fastFactor is how much quicker "fast" is than "real".
const fastFactor = 8

// PaceFor is the named pace (real, fast or instant) for model m.
func PaceFor(m Model, name string) (Pace, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case PaceReal:
		return Pace{Rate: m.WriteRate, Stands: m.ImageSize}, nil
	case PaceFast:
		return Pace{Rate: m.WriteRate * fastFactor, Stands: m.ImageSize}, nil
	case PaceInstant, "":
		return Pace{}, nil
	}
	return Pace{}, fmt.Errorf("unknown pace %q: use real, fast or instant", name)
}

// Duration is how long writing an image of size bytes takes at this pace.
func (p Pace) Duration(size int64) time.Duration {
	r := p.rateFor(size)
	if r <= 0 || size <= 0 {
		return 0
	}
	return time.Duration(float64(size) / r * float64(time.Second))
}

// rateFor is the bytes per second for an image of size bytes (size <= 0:
// not known); 0: no limit.
func (p Pace) rateFor(size int64) float64 {
	if p.Rate <= 0 {
		return 0
	}
	r := float64(p.Rate)
	if p.Stands > 0 && size > 0 && size < p.Stands {
		r *= float64(size) / float64(p.Stands)
	}
	return r
}

// pacer holds a write to its pace: it cuts each write into slices of about
// a tenth of a second, and waits before each until the clock says the bytes
// before it are written.
type pacer struct {
	rate    float64 // bytes per second
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	started time.Time
	written int64
}

// newPacer is nil (no waiting) for the instant pace; size is the image's
// size, <= 0 when not known.
func newPacer(p Pace, size int64) *pacer {
	r := p.rateFor(size)
	if r <= 0 {
		return nil
	}
	pc := &pacer{rate: r, now: p.Now, sleep: p.Sleep}
	if pc.now == nil {
		pc.now = time.Now
	}
	if pc.sleep == nil {
		pc.sleep = sleepCtx
	}
	return pc
}

// slice is the bytes written between two waits.
func (pc *pacer) slice() int {
	return max(512, int(pc.rate/10))
}

// write writes p to w at the pace, calling wrote after each slice with the
// bytes of p written so far.
func (pc *pacer) write(ctx context.Context, w io.Writer, p []byte, wrote func(n int)) (int, error) {
	if pc == nil {
		return w.Write(p)
	}
	if pc.started.IsZero() {
		pc.started = pc.now()
	}
	done := 0
	for done < len(p) {
		end := min(len(p), done+pc.slice())
		due := pc.started.Add(time.Duration(float64(pc.written+int64(end-done)) / pc.rate * float64(time.Second)))
		if d := due.Sub(pc.now()); d > 0 {
			if err := pc.sleep(ctx, d); err != nil {
				return done, err
			}
		}
		n, err := w.Write(p[done:end])
		done += n
		pc.written += int64(n)
		if err != nil {
			return done, err
		}
		if wrote != nil {
			wrote(done)
		}
	}
	return done, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
