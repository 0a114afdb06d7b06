// Package safetext makes text that came from outside the program (folder
// names on a USB stick, image descriptions, URLs, key user ids, update lists,
// server answers) safe to show on a terminal or to put in JSON: control
// characters are shown escaped (ESC as `\x1b`, CR as `\r`), so that no such
// text can move the cursor, clear the screen, set the window title or
// overwrite a line that the program wrote.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape shows s on one line: every control character, line breaks and tabs
// included, is written escaped, and so is every byte that is not UTF-8.
func Escape(s string) string { return escape(s, false) }

// Lines is Escape for text of several lines: line breaks and tabs are kept,
// every other control character is written escaped.
func Lines(s string) string { return escape(s, true) }

// escape is the one place that decides what is shown escaped: C0 controls
// (all, or all but '\n' and '\t' when keepLines), DEL, C1 controls, the
// Unicode marks that reorder text (bidirectional overrides and isolates, a
// way to make text read differently from its bytes), and bytes that are not
// UTF-8.
func escape(s string, keepLines bool) string {
	if clean(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean reports whether s needs no escaping, without allocating.
func clean(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && !(keepLines && (c == '\n' || c == '\t'))) || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports the non-ASCII runes that act on a terminal or on how
// text reads: C1 controls and the bidirectional formatting marks.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
