package scenario

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
)

// Play runs the scenario's solution on w through the device API, recording
// each step in sess (which may be nil). It stops at the first step whose
// outcome is not the one the solution expects, and says which and why. It
// starts the update server when a step needs it.
func (w *World) Play(ctx context.Context, sess *Session) error {
	if w.Scenario.needsServer() {
		if err := w.StartServer(); err != nil {
			return err
		}
	}
	for i, st := range w.Scenario.Solution {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := w.Do(ctx, st)
		if sess != nil {
			sess.Record(rec)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: solution[%d] (%s): %w", w.Scenario.File, st.Line, i, st.Describe(), err)
		}
	}
	return nil
}

// source is where an update step reads its image.
func (w *World) source(st Step) (device.Source, error) {
	if st.From == "server" {
		if w.ServerURL == "" {
			if err := w.StartServer(); err != nil {
				return nil, err
			}
		}
		return device.HTTPSource(w.ServerURL+"/"+strings.TrimPrefix(st.File, "/"), w.HTTPOptions()...), nil
	}
	return device.USBSource(w.USBDir, w.Box.Model()), nil
}

// cutSource cuts the power once a fraction of the image has been read.
type cutSource struct {
	device.Source
	frac float64
	cut  context.CancelFunc
}

func (c *cutSource) Open(ctx context.Context) (device.Opened, error) {
	op, err := c.Source.Open(ctx)
	if err != nil {
		return op, err
	}
	limit := int64(64 << 10)
	if op.Size > 0 {
		limit = int64(float64(op.Size) * c.frac)
	}
	op.Body = &cutReader{rc: op.Body, left: limit, cut: c.cut}
	return op, nil
}

type cutReader struct {
	rc   io.ReadCloser
	left int64
	cut  context.CancelFunc
}

func (r *cutReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		r.cut()
		return 0, context.Canceled
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.rc.Read(p)
	r.left -= int64(n)
	if r.left <= 0 {
		r.cut()
	}
	return n, err
}

func (r *cutReader) Close() error { return r.rc.Close() }
