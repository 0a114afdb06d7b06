package imagefmt

import (
	"errors"
	"fmt"
)

// Error is a failure with the update-engine status code a real box would show for it.
type Error struct {
	Code int    // status code of the update engine (SCREENS.md)
	Text string // the text the box shows for Code
}

// Error returns the text the box shows.
func (e *Error) Error() string { return e.Text }

// Sentinel errors; wrap them with detail and test them with errors.Is.
var (
	ErrSignatureInit  = &Error{Code: 1, Text: "Signature init error"}
	ErrInvalidHeader  = &Error{Code: 22, Text: "Invalid file header"}
	ErrReadError      = &Error{Code: 27, Text: "Read error"}
	ErrWrongSignature = &Error{Code: 17, Text: "Wrong signature"}
	ErrFileNotFound   = &Error{Code: 25, Text: "File not found"}
	ErrInternal       = &Error{Code: 7, Text: "Internal error"}
)

// ErrUnsupportedKey is returned for keys that cannot sign images (not RSA-2048).
var ErrUnsupportedKey = errors.New("only RSA-2048 keys can sign images")

// wrap attaches a detail sentence to a sentinel so that errors.Is still finds it.
func wrap(sentinel *Error, format string, args ...any) error {
	return &detailed{sentinel: sentinel, detail: fmt.Sprintf(format, args...)}
}

type detailed struct {
	sentinel *Error
	detail   string
	cause    error // the underlying failure, if any (a source's own status error)
}

// wrapCause is wrap with the underlying error kept, so that errors.As still finds it.
func wrapCause(sentinel *Error, cause error) error {
	return &detailed{sentinel: sentinel, detail: cause.Error(), cause: cause}
}

// Error is the sentinel's text and the detail.
func (d *detailed) Error() string { return d.sentinel.Text + ": " + d.detail }

// Unwrap returns the sentinel and the cause, for errors.Is and errors.As.
func (d *detailed) Unwrap() []error {
	if d.cause != nil {
		return []error{d.cause, d.sentinel}
	}
	return []error{d.sentinel}
}

// Code returns the status code carried by err, or 7 (Internal error) when err has none.
func Code(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrInternal.Code
}

// ErrPassphrase is returned for a protected secret key that was not unlocked.
var ErrPassphrase = errors.New("passphrase needed")
