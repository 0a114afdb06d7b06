package device

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
)

// TestHTTPBodyCutAtTwentyOffsets has a server promise the whole image, send
// the first n bytes and drop the connection, for 20 offsets from the header
// to the global block: every one is a Read error (27) and the box is exactly
// as it was, files, settings and `device show --json` alike.
func TestHTTPBodyCutAtTwentyOffsets(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	b, err := Init(home, InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	img := htDemo(t, b.Model(), "public")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("cut"))
		if err != nil || n < 0 || n > len(img) {
			http.Error(w, "bad cut", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(img)))
		w.Write(img[:n])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()

	show := func() string {
		t.Helper()
		out, err := json.Marshal(b.State())
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	beforeFiles, beforeShow := htSnapshot(t, home), show()
	offsets := []int{0, 1, 50, 120}
	for i := 1; len(offsets) < 20; i++ {
		offsets = append(offsets, i*len(img)/17)
	}
	offsets[len(offsets)-1] = len(img) - 1 // inside the global block
	for _, n := range offsets {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			src := HTTPSource(srv.URL+"/imageupdate?cut="+strconv.Itoa(n), WithIdleTimeout(2*time.Second))
			r := b.Update(ctx, src, UpdateOptions{Path: PathBoot})
			if r.Status != StatusReadError || r.Installed {
				t.Fatalf("cut at %d of %d: status %v installed %v; want 27 (%s)", n, len(img), r.Status, r.Installed, r.Explain)
			}
			if err := b.Reload(); err != nil {
				t.Fatal(err)
			}
			after := htSnapshot(t, home)
			delete(after, lockName) // the lock file is made by the first change; it holds no state
			testimage.Same(t, beforeFiles, after)
			if got := show(); got != beforeShow {
				t.Errorf("device show changed:\nbefore %s\nafter  %s", beforeShow, got)
			}
			if boot := b.Boot(); !boot.OK || boot.Bank != 0 {
				t.Errorf("the box no longer boots its image from bank 0: %+v", boot)
			}
		})
	}
}

// namedSource wraps a source to give it another name, as the screens do.
type namedSource struct{ Source }

func (namedSource) String() string { return "renamed source" }

// countedSource wraps a source's body, as a stick that can be pulled out or
// a scenario's power cut does.
type countedSource struct {
	Source
	n *int64
}

func (s countedSource) Open(ctx context.Context) (Opened, error) {
	op, err := s.Source.Open(ctx)
	if err != nil {
		return op, err
	}
	op.Body = countedBody{ReadCloser: op.Body, n: s.n}
	return op, nil
}

type countedBody struct {
	io.ReadCloser
	n *int64
}

func (b countedBody) Read(p []byte) (int, error) {
	k, err := b.ReadCloser.Read(p)
	*b.n += int64(k)
	return k, err
}

// TestCutTransferThroughAWrappingSource: a transfer cut short is a Read
// error (27) however the source is wrapped, never the invalid header (22)
// of a short file on a stick: whether the connection drops before the
// announced length or the server announces and sends a file cut short.
func TestCutTransferThroughAWrappingSource(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	img := htDemo(t, m, "public")
	cut := strconv.Itoa(len(img) / 2) // a file cut short, as a weak download leaves it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(cut)
		if r.URL.Path != "/dropped/imageupdate" {
			w.Header().Set("Content-Length", cut)
			w.Write(img[:n])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(img)))
		w.Write(img[:n])
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	var n int64
	wraps := []struct {
		name string
		wrap func(Source) Source
	}{
		{"plain", func(s Source) Source { return s }},
		{"renamed", func(s Source) Source { return namedSource{s} }},
		{"body wrapped", func(s Source) Source { return countedSource{Source: s, n: &n} }},
		{"wrapped twice", func(s Source) Source { return namedSource{countedSource{Source: s, n: &n}} }},
	}
	for _, server := range []string{"dropped", "short-file"} {
		for _, c := range wraps {
			t.Run(server+"/"+c.name, func(t *testing.T) {
				b := f.box(m, nil, false)
				src := c.wrap(HTTPSource(srv.URL+"/"+server+"/imageupdate", WithIdleTimeout(2*time.Second)))
				r := b.Update(context.Background(), src, UpdateOptions{Path: PathBoot})
				if r.Status != StatusReadError || r.Installed {
					t.Fatalf("status %d installed %v, want 27: %s", r.Status, r.Installed, r.Explain)
				}
			})
		}
	}
	if n == 0 {
		t.Error("the wrapped bodies were never read")
	}
}
