package classroom

import (
	"reflect"

	tea "github.com/charmbracelet/bubbletea"
)

// epochMsg is a message of the screens started in one epoch of a trainee's
// program. When the trainer switches or resets the trainee's scenario, the
// screens are built anew in a new epoch, and the messages of the old
// screens' commands still in flight are dropped instead of reaching the new
// ones.
type epochMsg struct {
	epoch int
	msg   tea.Msg
}

var cmdType = reflect.TypeOf((tea.Cmd)(nil))

// tagged runs cmd and tags its message with epoch.
func tagged(epoch int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg { return epochMsg{epoch: epoch, msg: cmd()} }
}

// screensQuitMsg is the screens quitting (q): the trainee goes back to the
// class's scenarios, or leaves when the class has one.
type screensQuitMsg struct{}

// untag opens a message of the current epoch: a batch or a sequence of
// commands is run with each command tagged in turn, the screens' quit is a
// screensQuitMsg, anything else is returned for the screens.
func untag(epoch int, msg tea.Msg) (tea.Msg, tea.Cmd) {
	switch m := msg.(type) {
	case nil:
		return nil, nil
	case tea.QuitMsg:
		return screensQuitMsg{}, nil
	case tea.BatchMsg:
		return nil, tea.Batch(tagAll(epoch, m)...)
	}
	// tea.Sequence's message is an unexported slice of commands
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i], _ = v.Index(i).Interface().(tea.Cmd)
		}
		return nil, tea.Sequence(tagAll(epoch, cmds)...)
	}
	return msg, nil
}

func tagAll(epoch int, cmds []tea.Cmd) []tea.Cmd {
	out := make([]tea.Cmd, len(cmds))
	for i, c := range cmds {
		out[i] = tagged(epoch, c)
	}
	return out
}
