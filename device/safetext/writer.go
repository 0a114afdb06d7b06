package safetext

import "io"

// Writer passes text on with Lines applied. Each Write is escaped on its own,
// so a character split between two writes shows as escaped bytes; the
// command line writes whole strings, so this does not happen there.
type Writer struct{ w io.Writer }

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p with its control characters escaped; it reports len(p)
// when everything was written.
func (s *Writer) Write(p []byte) (int, error) {
	text := string(p)
	if clean(text, true) {
		return s.w.Write(p)
	}
	if _, err := io.WriteString(s.w, Lines(text)); err != nil {
		return 0, err
	}
	return len(p), nil
}
