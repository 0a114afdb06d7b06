package tui

import "testing"

// TestInspectorShowsTheBankBeingWritten: while an update writes the inactive
// bank, the inspector says so, with the stage.
func TestInspectorShowsTheBankBeingWritten(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := stallingServer(t, tb, "factory-next")
	tb.configureServer(t, url)
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 120, 30)
	s.run(toURLWriting(step{keys: []string{"i"}, wait: []string{"being written"}}), url)
	s.finish()
}
