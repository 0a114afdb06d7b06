package tui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
)

// gatedServer serves the first half of the named demo image at /image, then
// the rest once gate is closed.
func gatedServer(t *testing.T, tb *testBox, name string, gate <-chan struct{}) string {
	t.Helper()
	data, err := os.ReadFile(tb.demoFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		select {
		case <-gate:
			w.Write(data[len(data)/2:])
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFlowQuitPromptEndsWithTheWrite: q while flashing asks; Enter is not a
// yes; once the write ends the question goes away by itself, and Enter goes
// back to the screen.
func TestFlowQuitPromptEndsWithTheWrite(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	gate := make(chan struct{})
	url := gatedServer(t, tb, "factory-next", gate)
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.run(toURLWriting(step{keys: []string{"q"}, wait: []string{"Quit? (y/n)"}}), url)
	s.keys("enter", "x") // not a yes: the program goes on
	close(gate)
	s.waitFor("Update finished OK")
	v := s.finish()
	if strings.Contains(v, "Quit? (y/n)") {
		t.Errorf("the quit question outlived the write:\n%s", v)
	}
	if got := tb.box.State().Settings["Image_Version"]; got != "219" {
		t.Errorf("Image_Version = %s, want 219: the write was cut", got)
	}
}

// TestFlowQuitPromptYes: y (and only y) quits while flashing.
func TestFlowQuitPromptYes(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := stallingServer(t, tb, "factory-next")
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.run(toURLWriting(step{keys: []string{"q"}, wait: []string{"Quit? (y/n)"}}), url)
	s.keys("enter", "y")
	s.tm.WaitFinished(t)
	s.m.Shutdown()
	if st := tb.box.State(); st.Active != 0 || st.Banks[1].Valid {
		t.Errorf("after quitting mid-write: active %d, bank 1 valid %v", st.Active, st.Banks[1].Valid)
	}
}
