package scenario

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// Do runs one step on the world's box and says what happened; the error is
// set when the outcome is not the step's expected one.
func (w *World) Do(ctx context.Context, st Step) (StepRecord, error) {
	rec := StepRecord{Action: string(st.Action), Detail: st.Describe()}
	box := w.Box
	switch st.Action {
	case ActionUpdate, ActionEmergency:
		src, err := w.source(st)
		if err != nil {
			rec.Result = err.Error()
			return rec, err
		}
		opts := device.UpdateOptions{Path: st.Via, Force: st.Force}
		if st.Confirm {
			opts.Confirm = func(string) bool { return true }
		}
		runCtx := ctx
		if st.PowerCut > 0 {
			var cancel context.CancelFunc
			runCtx, cancel = context.WithCancel(ctx)
			defer cancel()
			src = &cutSource{Source: src, frac: st.PowerCut, cut: cancel}
		}
		res := box.Update(runCtx, src, opts)
		rec.fromResult(res)
		want := st.Status
		if want == 0 {
			want = device.StatusFinishedOK
			if st.PowerCut > 0 {
				want = device.StatusReadError
			}
		}
		if st.PowerCut > 0 && st.Status == 0 && !res.PowerCut {
			return rec, fmt.Errorf("expected a power cut while writing, got %s: %s", res.Status, res.Explain)
		}
		if res.Status != want {
			return rec, fmt.Errorf("expected %s, got %s: %s", want, res.Status, res.Explain)
		}
		return rec, nil
	case ActionSet:
		set := map[string]string{}
		for n, v := range st.Settings {
			set[n] = w.expand(v)
		}
		err := box.SaveSettings(set)
		rec.Settings = set
		return rec.done(err)
	case ActionInstallKey:
		cert, err := w.keys.Cert(st.Key)
		if err != nil {
			return rec.done(err)
		}
		res := box.InstallOperatorKey(cert)
		rec.fromResult(res)
		want := st.Status
		if want == 0 {
			want = device.StatusFinishedOK
		}
		if res.Status != want {
			return rec, fmt.Errorf("expected %s, got %s: %s", want, res.Status, res.Explain)
		}
		return rec, nil
	case ActionResetKey:
		err := box.ResetOperatorKey()
		got := device.StatusFinishedOK
		rec.OK, rec.Status, rec.Text, rec.Result = true, int(got), got.Text(), "no operator key was installed, or it was removed"
		if err != nil {
			got = device.StatusOf(err)
			rec.OK, rec.Status, rec.Text, rec.Result = false, int(got), got.Text(), err.Error()
		}
		want := st.Status
		if want == 0 {
			want = device.StatusFinishedOK
		}
		if got != want {
			return rec, fmt.Errorf("expected %s, got %s", want, got)
		}
		return rec, nil
	case ActionFactoryReset:
		return rec.done(box.FactoryReset())
	case ActionSelectBank:
		return rec.done(box.SetActiveBank(st.Bank))
	case ActionAutoupdate:
		opts := device.AutoupdateOptions{HTTP: w.HTTPOptions()}
		if st.Confirm {
			opts.Confirm = func(string) bool { return true }
		}
		r := box.Autoupdate(ctx, opts)
		rec.Status, rec.Text = int(r.Status), r.Text
		rec.OK = r.Outcome == device.AutoupdateInstalled
		rec.Result = string(r.Outcome)
		if why := r.Reason(); why != "" {
			rec.Result += ": " + why
		}
		want := st.Outcome
		if want == "" {
			want = device.AutoupdateInstalled
		}
		if r.Outcome != want {
			return rec, fmt.Errorf("expected Autoupdate to end %s, it ended %s", want, rec.Result)
		}
		return rec, nil
	case ActionBoot:
		r := box.Boot()
		rec.OK = r.OK
		rec.Result = lastStage(r)
		want := st.Panel
		if want == "" {
			want = "GO__"
		}
		got := ""
		if n := len(r.Stages); n > 0 {
			got = r.Stages[n-1].Panel
		}
		if got != want {
			return rec, fmt.Errorf("expected the front panel to show %s, it shows %s", want, rec.Result)
		}
		return rec, nil
	case ActionRename:
		from, ok1 := cleanRel(st.File)
		to, ok2 := cleanRel(st.To)
		if !ok1 || !ok2 {
			return rec.done(fmt.Errorf("the paths must stay on the USB stick"))
		}
		dst := filepath.Join(w.USBDir, filepath.FromSlash(to))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return rec.done(err)
		}
		return rec.done(os.Rename(filepath.Join(w.USBDir, filepath.FromSlash(from)), dst))
	}
	return rec.done(fmt.Errorf("unknown action %q", st.Action))
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

func (c *cutSource) Open(ctx context.Context) (io.ReadCloser, int64, error) {
	rc, size, err := c.Source.Open(ctx)
	if err != nil {
		return rc, size, err
	}
	limit := int64(64 << 10)
	if size > 0 {
		limit = int64(float64(size) * c.frac)
	}
	return &cutReader{rc: rc, left: limit, cut: c.cut}, size, nil
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
