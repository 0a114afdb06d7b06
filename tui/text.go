package tui

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// truncate cuts s to w cells, keeping its escape sequences intact.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "")
}

// wrap folds plain text to w cells at word boundaries.
func wrap(s string, w int) string {
	if w < 10 {
		w = 10
	}
	return ansi.Wordwrap(s, w, "")
}

// humanBytes writes n bytes the way a transfer window does.
func humanBytes(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
	}
}

// kvRows renders name/value rows with the names in one column.
func kvRows(label, value lipgloss.Style, rows [][2]string) string {
	wide := 0
	for _, r := range rows {
		if n := lipgloss.Width(r[0]); n > wide {
			wide = n
		}
	}
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(label.Render(r[0] + strings.Repeat(" ", wide-lipgloss.Width(r[0]))))
		b.WriteString("  ")
		b.WriteString(value.Render(r[1]))
	}
	return b.String()
}

// orDash shows an empty value as a dash.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// sentence starts s with a capital letter, as the explanation box shows a
// paragraph that the device may have built from a clause.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
