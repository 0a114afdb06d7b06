package device

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
)

// htSnapshot is every file of a box's home (path → bytes), and its fw_printenv lines.
func htSnapshot(t testing.TB, home string) map[string]string {
	t.Helper()
	snap := testimage.Files(t, home)
	b, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	snap["(printenv)"] = strings.Join(b.Printenv(), "\n")
	return snap
}

func htDemo(t testing.TB, m Model, name string) []byte {
	t.Helper()
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := demoimage.BuildNamed(&b, keys, m.DemoModel(), name); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHTTPUpdateFaultsLeaveStateAlone runs an update over HTTP against every
// fault a server can have; each gives its status, and the box's files are
// byte-identical afterwards. The box first installs an image over HTTP, so
// both banks hold images and a failed write has a bank to spoil.
func TestHTTPUpdateFaultsLeaveStateAlone(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	b, err := Init(home, InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	public := htDemo(t, b.Model(), "public")
	next := htDemo(t, b.Model(), "public-next")
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/public", func(w http.ResponseWriter, r *http.Request) { w.Write(public) })
	mux.HandleFunc("/next", func(w http.ResponseWriter, r *http.Request) { w.Write(next) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(next)))
		w.Write(next[:len(next)-5000])
	})
	mux.HandleFunc("/longer", func(w http.ResponseWriter, r *http.Request) {
		w.Write(append(append([]byte(nil), next...), make([]byte, 4096)...))
	})
	mux.HandleFunc("/longer-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write(next)
		w.(http.Flusher).Flush()
		w.Write(make([]byte, 4096))
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(next)))
		w.Write(next[:len(next)/2])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	update := func(path string) Result {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return b.Update(ctx, HTTPSource(srv.URL+path, WithIdleTimeout(300*time.Millisecond)), UpdateOptions{Path: PathBoot})
	}
	if r := update("/public"); r.Status != StatusFinishedOK || r.Bank != 1 {
		t.Fatalf("first install: %v bank %d: %s", r.Status, r.Bank, r.Explain)
	}
	before := htSnapshot(t, home)
	for _, c := range []struct {
		path string
		want Status
	}{
		{"/missing", StatusFileNotFound},
		{"/500", StatusReadError},
		{"/truncated", StatusReadError},
		{"/longer", StatusInvalidHeader},
		{"/longer-chunked", StatusInvalidHeader},
		{"/stall", StatusReadError},
		{"/loop", StatusReadError},
		{"/to-file", StatusIncorrectURL},
	} {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			r := update(c.path)
			if r.Status != c.want || r.Installed {
				t.Fatalf("status %v installed %v; want %v (%s)", r.Status, r.Installed, c.want, r.Explain)
			}
			if r.Explain == "" {
				t.Error("no explanation")
			}
			testimage.Same(t, before, htSnapshot(t, home))
			if b.State().Active != 1 {
				t.Errorf("active bank %d", b.State().Active)
			}
		})
	}
	if r := update("/next"); r.Status != StatusFinishedOK || r.Bank != 0 {
		t.Fatalf("install after the faults: %v bank %d: %s", r.Status, r.Bank, r.Explain)
	}
}
