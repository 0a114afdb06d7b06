package tui

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func newTestList(n int) choiceList {
	return newChoiceList(NewKeyMap(), n, func(i int, sel bool) string {
		if sel {
			return ">" + strconv.Itoa(i)
		}
		return " " + strconv.Itoa(i)
	})
}

// TestChoiceListMoves: ↑/↓ move the cursor round from end to end; other
// keys are not the list's; an empty list takes no key.
func TestChoiceListMoves(t *testing.T) {
	up, down, right := tea.KeyMsg{Type: tea.KeyUp}, tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyRight}
	cases := []struct {
		name   string
		n      int
		keys   []tea.KeyMsg
		want   int
		handle bool // whether the last key was the list's
	}{
		{"down", 3, []tea.KeyMsg{down}, 1, true},
		{"up from the first wraps to the last", 3, []tea.KeyMsg{up}, 2, true},
		{"down from the last wraps to the first", 3, []tea.KeyMsg{down, down, down}, 0, true},
		{"right is not the list's", 3, []tea.KeyMsg{down, right}, 1, false},
		{"an empty list takes nothing", 0, []tea.KeyMsg{down}, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newTestList(tc.n)
			var handled bool
			for _, k := range tc.keys {
				handled = l.move(k)
			}
			if l.index() != tc.want || handled != tc.handle {
				t.Errorf("index %d handled %v, want %d %v", l.index(), handled, tc.want, tc.handle)
			}
		})
	}
}

// TestChoiceListWindow: the rows that fit, scrolled so the cursor shows,
// with how many more above and below; a shorter list keeps the cursor on
// a row that exists.
func TestChoiceListWindow(t *testing.T) {
	l := newTestList(10)
	for range 6 {
		l.move(tea.KeyMsg{Type: tea.KeyDown})
	}
	plain := NewStyles(nil).Body
	got := l.window(4, plain)
	want := "  ↑ 3 more\n 3\n 4\n 5\n>6\n  ↓ 3 more\n"
	if got != want {
		t.Errorf("window:\n%q\nwant\n%q", got, want)
	}
	l.setLen(4)
	if l.index() != 3 {
		t.Errorf("after shrinking to 4 rows the cursor is on %d, want 3", l.index())
	}
	if v := l.view(); !strings.HasSuffix(v, ">3\n") {
		t.Errorf("view %q does not end on the cursor's row", v)
	}
}
