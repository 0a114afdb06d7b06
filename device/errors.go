package device

import (
	"context"
	"errors"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// StatusError is a failure that carries the status code the box shows for it,
// and a paragraph that tells a person what happened and what to do.
// Sources return it from Open (25 file not found, 28 bad URL, 29 no USB …).
type StatusError struct {
	Status  Status
	Detail  string // one sentence: what went wrong, naming files or URLs
	Explain string // optional: more for the explanation paragraph
	Err     error  // optional cause
}

// Error is the status text with the detail.
func (e *StatusError) Error() string {
	if e.Detail != "" {
		return e.Status.Text() + ": " + e.Detail
	}
	return e.Status.Text()
}

// Unwrap is the cause.
func (e *StatusError) Unwrap() error { return e.Err }

// StatusOf is the status code an error carries: a StatusError's, an imagefmt
// error's, 27 for a cancelled or cut transfer, otherwise 7 (Internal error).
func StatusOf(err error) Status {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	var fe *imagefmt.Error
	if errors.As(err, &fe) {
		return Status(fe.Code)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return StatusReadError
	}
	return StatusInternal
}
