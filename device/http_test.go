package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// htConsume reads a source as the install pipeline does (header, every
// section, the global block) and returns the status it ends with: 16 when the
// whole image arrived and its layout is right.
func htConsume(ctx context.Context, src Source) (Status, error) {
	op, err := src.Open(ctx)
	if err != nil {
		return StatusOf(err), err
	}
	defer op.Body.Close()
	rd, err := imagefmt.NewReader(op.Body, op.LayoutSize())
	if err == nil {
		err = rd.ReadAll()
	}
	if err != nil {
		return StatusOf(err), err
	}
	return StatusFinishedOK, nil
}

func TestHTTPSourceFaults(t *testing.T) {
	key := testimage.Key(t, "stb_public")
	img := testimage.Bytes(t, testimage.Spec{Version: 218, Date: time.Date(2019, 2, 21, 0, 43, 44, 0, testimage.EET()), Desc: "0.2.18-r19-pub-254", RootFS: 64 << 10, Key: key})
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write(img) })
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write(img[:100])
		w.(http.Flusher).Flush()
		w.Write(img[100:])
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/403", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) })
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(img)))
		w.Write(img[:len(img)/2])
		// returning early: the server closes the connection mid-body
	})
	mux.HandleFunc("/extra", func(w http.ResponseWriter, r *http.Request) {
		w.Write(append(append([]byte(nil), img...), make([]byte, 1000)...))
	})
	mux.HandleFunc("/extra-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Write(img)
		w.(http.Flusher).Flush()
		w.Write(make([]byte, 1000))
	})
	mux.HandleFunc("/lying-length", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(img)-500))
		w.Write(img[:len(img)-500])
		w.Write(img[len(img)-500:]) // refused by the server: past the declared length
	})
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(img)))
		w.Write(img[:len(img)/2])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/stall-headers", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/loop/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/loop/"))
		http.Redirect(w, r, fmt.Sprintf("/loop/%d", (n+1)%2), http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://127.0.0.1/imageupdate", http.StatusFound)
	})
	mux.HandleFunc("/to-ok", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/big-header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Junk", strings.Repeat("x", 128<<10))
		w.Write(img)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cases := []struct {
		name, url string
		want      Status
		says      string // a part of the message
	}{
		{"whole image", srv.URL + "/ok", StatusFinishedOK, ""},
		{"chunked, length unknown", srv.URL + "/chunked", StatusFinishedOK, ""},
		{"redirect to the image", srv.URL + "/to-ok", StatusFinishedOK, ""},
		{"404", srv.URL + "/missing", StatusFileNotFound, "404"},
		{"410", srv.URL + "/gone", StatusFileNotFound, "410"},
		{"500", srv.URL + "/500", StatusReadError, "500"},
		{"403", srv.URL + "/403", StatusReadError, "403"},
		{"truncated body", srv.URL + "/truncated", StatusReadError, "ended after"},
		{"body longer than the header says", srv.URL + "/extra", StatusInvalidHeader, "header"},
		{"chunked body longer than the header says", srv.URL + "/extra-chunked", StatusInvalidHeader, "follow"},
		{"Content-Length shorter than the image", srv.URL + "/lying-length", StatusReadError, "cut short"},
		{"stall in the body", srv.URL + "/stall", StatusReadError, "sent nothing"},
		{"stall before the headers", srv.URL + "/stall-headers", StatusReadError, "in time"},
		{"redirect loop", srv.URL + "/loop/0", StatusReadError, "redirects"},
		{"redirect to file://", srv.URL + "/to-file", StatusIncorrectURL, "file:///etc/passwd"},
		{"redirect to ftp://", srv.URL + "/to-ftp", StatusIncorrectURL, "ftp://"},
		{"response headers too big", srv.URL + "/big-header", StatusReadError, ""},
		{"file:// URL", "file:///etc/passwd", StatusIncorrectURL, "file"},
		{"ftp URL", "ftp://127.0.0.1/x", StatusIncorrectURL, "ftp"},
		{"no scheme", "127.0.0.1/x", StatusIncorrectURL, "http://"},
		{"no host", "http:///x", StatusIncorrectURL, "server"},
		{"empty", "", StatusIncorrectURL, "empty"},
		{"refused connection", "http://127.0.0.1:1/imageupdate", StatusReadError, "refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			src := HTTPSource(c.url, WithIdleTimeout(300*time.Millisecond), WithMaxRedirects(3))
			start := time.Now()
			got, err := htConsume(ctx, src)
			if got != c.want {
				t.Fatalf("status %v (%v); want %v", got, err, c.want)
			}
			if c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)) {
				t.Errorf("message %q does not say %q", err, c.says)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestHTTPSourceBodyBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			w.Write(make([]byte, 1000))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	op, err := HTTPSource(srv.URL, WithMaxBodySize(5000)).Open(context.Background())
	rc, size := op.Body, op.Size
	if err != nil || size != -1 {
		t.Fatalf("open: %d %v", size, err)
	}
	defer rc.Close()
	_, err = io.ReadAll(rc)
	if StatusOf(err) != StatusReadError || !strings.Contains(err.Error(), "more than 5000") {
		t.Fatalf("err = %v", err)
	}
}

func TestHTTPSourceCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("x"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	op, err := HTTPSource(srv.URL).Open(ctx)
	rc := op.Body
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = io.ReadAll(rc)
	if StatusOf(err) != StatusReadError || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v", err)
	}
}

func TestHTTPSourceString(t *testing.T) {
	if s := HTTPSource("http://user:secret@127.0.0.1/x").String(); strings.Contains(s, "secret") {
		t.Errorf("String() = %q shows the password", s)
	}
	var se *StatusError
	if _, err := CheckURL("gopher://x"); !errors.As(err, &se) || se.Status != StatusIncorrectURL {
		t.Errorf("CheckURL(gopher) = %v", err)
	}
}

// errAfter is a source that gives n bytes, then err.
type errAfter struct {
	n      int
	err    error
	closed bool
}

func (e *errAfter) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, e.err
	}
	k := min(len(p), e.n, 1000)
	for i := range k {
		p[i] = byte(e.n - i)
	}
	e.n -= k
	return k, nil
}

func (e *errAfter) Close() error { e.closed = true; return nil }

func TestReadAhead(t *testing.T) {
	want, _ := io.ReadAll(&errAfter{n: 100_000, err: io.EOF})
	boom := errors.New("boom")
	for _, err := range []error{io.EOF, boom} {
		src := &errAfter{n: 100_000, err: err}
		ra := newReadAhead(src, 3, 4096)
		got, rerr := io.ReadAll(ra)
		if !bytes.Equal(got, want) {
			t.Errorf("%v: %d bytes differ from the source's %d", err, len(got), len(want))
		}
		if err == boom && rerr != boom || err == io.EOF && rerr != nil {
			t.Errorf("error %v; want %v", rerr, err)
		}
		if ra.Close() != nil || !src.closed {
			t.Error("Close did not close the source")
		}
	}
	// Closing while the goroutine waits for room ends it.
	src := &errAfter{n: 1 << 30, err: io.EOF}
	ra := newReadAhead(src, 2, 1024)
	buf := make([]byte, 10)
	ra.Read(buf)
	done := make(chan struct{})
	go func() { ra.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
	ra.Close() // twice is fine
	if _, err := io.ReadAll(ra); err == nil {
		t.Error("reading after Close gives no error")
	}
}

func TestHTTPSourceTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("image")) }))
	defer srv.Close()
	// A certificate the system does not trust: the box cannot read the file.
	_, err := HTTPSource(srv.URL).Open(context.Background())
	if StatusOf(err) != StatusReadError || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
	op, err := HTTPSource(srv.URL, WithTransport(srv.Client().Transport)).Open(context.Background())
	rc, size := op.Body, op.Size
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, err := io.ReadAll(rc); err != nil || string(b) != "image" || size != 5 {
		t.Errorf("read %q %d %v", b, size, err)
	}
}
