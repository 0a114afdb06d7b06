package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestDialog: a message does what it was given on OK or EXIT; a question
// runs yes (and leaves) on OK only, and goes back on EXIT.
func TestDialog(t *testing.T) {
	c := &common{keys: NewKeyMap(), st: NewStyles(nil), width: 80}
	yes := func() tea.Msg { return nil }
	enter, esc, other := tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyEsc}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}
	cases := []struct {
		name    string
		d       *dialogScreen
		key     tea.KeyMsg
		wantCmd bool
		want    navOp
	}{
		{"message OK goes back", newMessageScreen(c, "T", "text", pop()), enter, false, navPop},
		{"message OK reboots when told", newMessageScreen(c, "T", "text", reboot()), enter, false, navReboot},
		{"message EXIT does the same", newMessageScreen(c, "T", "text", reboot()), esc, false, navReboot},
		{"message ignores other keys", newMessageScreen(c, "T", "text", pop()), other, false, navStay},
		{"question OK runs yes and leaves", newConfirmScreen(c, "T", "sure?", yes), enter, true, navPop},
		{"question EXIT goes back", newConfirmScreen(c, "T", "sure?", yes), esc, false, navPop},
		{"question ignores other keys", newConfirmScreen(c, "T", "sure?", yes), other, false, navStay},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd, n := tc.d.Update(tc.key)
			if (cmd != nil) != tc.wantCmd || n.op != tc.want {
				t.Errorf("cmd %v, nav %v; want cmd %v, nav %v", cmd != nil, n.op, tc.wantCmd, tc.want)
			}
		})
	}
}
