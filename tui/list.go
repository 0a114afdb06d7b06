package tui

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/list"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// choiceList is the one list of the screens: the menus of the Bootloader,
// the SRU, the portal and the service button, the images on the USB drive,
// the key files, the PC's Downloads. bubbles/list holds the rows and moves the cursor with ↑/↓,
// round from the last row to the first; the screen draws each row, and the
// list shows the rows that fit, scrolled so that the cursor stays in view
// (bubbles/list would page instead).
type choiceList struct {
	l    list.Model
	draw func(i int, selected bool) string
}

// listRow is row i of a choiceList; the screen keeps what the row shows.
type listRow int

func (listRow) FilterValue() string { return "" }

// rowDelegate draws a row with the screen's draw function.
type rowDelegate struct {
	draw func(i int, selected bool) string
}

func (d rowDelegate) Height() int                         { return 1 }
func (d rowDelegate) Spacing() int                        { return 0 }
func (d rowDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }
func (d rowDelegate) Render(w io.Writer, m list.Model, i int, _ list.Item) {
	fmt.Fprint(w, d.draw(i, i == m.Index()))
}

// newChoiceList is a list of n rows drawn by draw, moved by keys' Up and Down.
func newChoiceList(keys KeyMap, n int, draw func(i int, selected bool) string) choiceList {
	l := list.New(nil, rowDelegate{draw: draw}, 80, 1)
	l.SetShowTitle(false)
	l.SetShowStatusBar(false)
	l.SetShowPagination(false)
	l.SetShowHelp(false)
	l.SetFilteringEnabled(false)
	l.InfiniteScrolling = true
	l.KeyMap = list.KeyMap{CursorUp: keys.Up, CursorDown: keys.Down}
	c := choiceList{l: l, draw: draw}
	c.setLen(n)
	return c
}

// setLen makes the list n rows long, keeping the cursor where it can.
func (c *choiceList) setLen(n int) {
	at := c.l.Index()
	rows := make([]list.Item, n)
	for i := range rows {
		rows[i] = listRow(i)
	}
	c.l.SetItems(rows)
	c.l.SetHeight(max(n, 1)) // one page: the list scrolls in view, it does not page
	c.l.Select(min(at, max(n-1, 0)))
}

// index is the row under the cursor (0 for an empty list).
func (c *choiceList) index() int { return c.l.Index() }

// len is the number of rows.
func (c *choiceList) len() int { return len(c.l.Items()) }

// move handles ↑ and ↓; it reports whether msg was one of them.
func (c *choiceList) move(msg tea.KeyMsg) bool {
	km := c.l.KeyMap
	if c.len() == 0 || !key.Matches(msg, km.CursorUp, km.CursorDown) {
		return false
	}
	c.l, _ = c.l.Update(msg)
	return true
}

// view draws every row, each on its line.
func (c *choiceList) view() string {
	var b strings.Builder
	for i := 0; i < c.len(); i++ {
		b.WriteString(c.draw(i, i == c.index()) + "\n")
	}
	return b.String()
}

// window draws at most rows rows, the cursor's among them, with a line
// above and below, in style more, that says how many more there are.
func (c *choiceList) window(rows int, more lipgloss.Style) string {
	var b strings.Builder
	first, last := scrollWindow(c.index(), c.len(), rows)
	if first > 0 {
		b.WriteString(more.Render(fmt.Sprintf("  ↑ %d more", first)) + "\n")
	}
	for i := first; i < last; i++ {
		b.WriteString(c.draw(i, i == c.index()) + "\n")
	}
	if last < c.len() {
		b.WriteString(more.Render(fmt.Sprintf("  ↓ %d more", c.len()-last)) + "\n")
	}
	return b.String()
}

// scrollWindow is the part [first, last) of an n-line list that shows in rows
// lines while keeping the cursor line in view.
func scrollWindow(cursor, n, rows int) (first, last int) {
	if cursor >= rows {
		first = cursor - rows + 1
	}
	return first, min(n, first+rows)
}

// factRow is a row of a name, padded to wide, and its facts, dimmed unless
// selected, cut at w cells: the rows of the images and of the key files.
func factRow(st Styles, name, facts string, wide, w int, selected bool) string {
	name = padRight(name, wide)
	line := "  " + name + "  " + st.Muted.Render(facts)
	if selected {
		line = st.SRUSelected.Render("▸ "+name) + "  " + facts
	}
	return truncate(line, w)
}
