package classroom

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestFramesDrawAtMostOnceAFrame: within a frame of the last drawing a
// message's screen is held back and a frameMsg is asked for; keys, sizes,
// the frameMsg and an old drawing are drawn at once; nothing new, no drawing.
func TestFramesDrawAtMostOnceAFrame(t *testing.T) {
	type step struct {
		after   time.Duration // since the start
		msg     tea.Msg       // nil: only a view
		wantCmd bool          // a frameMsg is asked for
		drawn   bool          // the view is drawn anew
	}
	type progress struct{}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the first view is drawn", []step{{0, nil, false, true}}},
		{"progress within a frame waits for the frame", []step{
			{0, nil, false, true},
			{time.Millisecond, progress{}, true, false},
			{2 * time.Millisecond, progress{}, false, false},
			{frameEvery, frameMsg{}, false, true},
		}},
		{"a key is drawn at once", []step{
			{0, nil, false, true},
			{time.Millisecond, tea.KeyMsg{Type: tea.KeyEnter}, false, true},
		}},
		{"a new size is drawn at once", []step{
			{0, nil, false, true},
			{time.Millisecond, tea.WindowSizeMsg{Width: 80, Height: 24}, false, true},
		}},
		{"progress a frame after the last drawing is drawn at once", []step{
			{0, nil, false, true},
			{frameEvery, progress{}, false, true},
		}},
		{"a frame with nothing new draws nothing", []step{
			{0, nil, false, true},
			{time.Millisecond, progress{}, true, false},
			{frameEvery, frameMsg{}, false, true},
			{3 * frameEvery, frameMsg{}, false, false},
			{4 * frameEvery, nil, false, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Unix(0, 0)
			now := start
			f := frames{now: func() time.Time { return now }}
			draws := 0
			draw := func() string { draws++; return "screen" }
			for i, s := range tt.steps {
				now = start.Add(s.after)
				if s.msg != nil {
					if got := f.after(s.msg) != nil; got != s.wantCmd {
						t.Fatalf("step %d: a frame asked for = %v, want %v", i, got, s.wantCmd)
					}
				}
				before := draws
				if v := f.view(draw); v != "screen" {
					t.Fatalf("step %d: view %q", i, v)
				}
				if got := draws > before; got != s.drawn {
					t.Fatalf("step %d: drawn = %v, want %v", i, got, s.drawn)
				}
			}
		})
	}
}
