package classroom

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// frameEvery is how often a screen that changed by itself (progress, a
// spinner, a clock) is drawn again: ten times a second moves a progress bar
// smoothly, and leaves the core to the keys of fifty trainees.
const frameEvery = time.Second / 10

// frameMsg asks for the screen held back since the last frame to be drawn.
type frameMsg struct{}

// frames draws a session's screen at most once a frame. The program asks
// for a view after every message, and the updates of a class send progress,
// state and step messages many times a second: drawing each of them was
// most of a class's work on the server, and the renderer shows only the last
// of its own frame anyway. A key or a new window size is drawn at once;
// anything else within a frame of the last drawing is drawn at the end of
// that frame.
type frames struct {
	now     func() time.Time
	last    string    // the last drawing
	at      time.Time // when it was drawn
	drawn   bool      // last is a drawing
	stale   bool      // a message came since last was drawn
	force   bool      // the next view is drawn, whatever its age
	pending bool      // a frameMsg is on its way
}

// after notes msg, which the screens have taken, and returns the command
// that brings the frame held back, if one is.
func (f *frames) after(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case frameMsg:
		f.pending = false
		f.force = f.stale
		return nil
	case tea.KeyMsg, tea.WindowSizeMsg:
		f.stale, f.force = true, true
		return nil
	}
	f.stale = true
	if f.pending || !f.drawn {
		return nil
	}
	wait := frameEvery - f.now().Sub(f.at)
	if wait <= 0 {
		return nil
	}
	f.pending = true
	return tea.Tick(wait, func(time.Time) tea.Msg { return frameMsg{} })
}

// view returns the screen, drawn with draw when it is owed.
func (f *frames) view(draw func() string) string {
	t := f.now()
	if f.drawn && !f.force && (!f.stale || t.Sub(f.at) < frameEvery) {
		return f.last
	}
	f.last, f.at, f.drawn = draw(), t, true
	f.stale, f.force = false, false
	return f.last
}
