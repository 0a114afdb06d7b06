package device

import "os"

// bankWriter writes image bytes into a bank file, reporting progress and
// stopping at once when the context ends (a power cut).
type bankWriter struct {
	tx       *installTx
	f        *os.File
	cr       *countingReader
	total    int64
	progress func(Progress)
	stage    Status
	next     int64
	pace     *pacer // nil: write at once
}

func newBankWriter(tx *installTx, f *os.File, cr *countingReader, total int64, progress func(Progress)) *bankWriter {
	return &bankWriter{tx: tx, f: f, cr: cr, total: total, progress: progress, stage: StatusErasing}
}

// Write writes p to the bank file.
func (w *bankWriter) Write(p []byte) (int, error) {
	if err := w.tx.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := 0, w.tx.op("write")
	if err == nil {
		n, err = w.pace.write(w.tx.ctx, w.f, p, w.paced(len(p)))
	}
	if err != nil {
		if cerr := w.tx.ctx.Err(); cerr != nil {
			return n, cerr
		}
		return n, &StatusError{Status: StatusFlashWrite, Detail: "writing the bank failed: " + pathCause(err).Error(), Err: err}
	}
	if w.cr.n >= w.next {
		w.report()
	}
	return n, nil
}

// paced reports each slice of a paced write of size bytes, so that the
// progress moves as the flash is written.
func (w *bankWriter) paced(size int) func(int) {
	return func(n int) {
		w.progress(Progress{Stage: w.stage, Done: w.cr.n - int64(size-n), Total: w.total})
	}
}

func (w *bankWriter) report() {
	w.progress(Progress{Stage: w.stage, Done: w.cr.n, Total: w.total})
	w.next = w.cr.n + progressStep
}

// Close finishes the writes (the file itself is closed by the caller).
func (w *bankWriter) Close() error { return w.tx.ctx.Err() }

// Abort gives up the writes.
func (w *bankWriter) Abort() {}
