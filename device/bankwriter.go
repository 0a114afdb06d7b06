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
		n, err = w.f.Write(p)
	}
	if err != nil {
		return n, &StatusError{Status: StatusFlashWrite, Detail: "writing the bank failed: " + pathCause(err).Error(), Err: err}
	}
	if w.cr.n >= w.next {
		w.report()
	}
	return n, nil
}

func (w *bankWriter) report() {
	w.progress(Progress{Stage: w.stage, Done: w.cr.n, Total: w.total})
	w.next = w.cr.n + progressStep
}

// Close finishes the writes (the file itself is closed by the caller).
func (w *bankWriter) Close() error { return w.tx.ctx.Err() }

// Abort gives up the writes.
func (w *bankWriter) Abort() {}
