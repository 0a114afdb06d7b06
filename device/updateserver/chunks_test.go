package updateserver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
)

// writeRecorder records the sizes of the writes a body is made of.
type writeRecorder struct {
	*httptest.ResponseRecorder
	sizes []int
}

func (r *writeRecorder) Write(p []byte) (int, error) {
	r.sizes = append(r.sizes, len(p))
	return r.ResponseRecorder.Write(p)
}

// TestImageGoesOutInChunks: the image, whole or a range, is written in
// pieces of at most maxChunk bytes, each of which moves the write deadline
// on, and larger than io.Copy's own 32 KiB.
func TestImageGoesOutInChunks(t *testing.T) {
	dir := t.TempDir()
	testimage.Write(t, dir, "mag254/imageupdate", testimage.Spec{Version: 219, Date: time.Date(2019, 3, 10, 12, 0, 0, 0, testimage.EET()), Desc: "x", RootFS: 3 << 20, Key: testimage.Key(t, "stb_public")})
	want, err := os.ReadFile(filepath.Join(dir, "mag254", "imageupdate"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cases := []struct {
		name, rng string
		body      []byte
	}{
		{"whole image", "", want},
		{"a range", "bytes=100-2000099", want[100:2000100]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/mag254/imageupdate", nil)
			if c.rng != "" {
				req.Header.Set("Range", c.rng)
			}
			rec := &writeRecorder{ResponseRecorder: httptest.NewRecorder()}
			h.ServeHTTP(rec, req)
			if !bytes.Equal(rec.Body.Bytes(), c.body) {
				t.Fatalf("sent %d bytes, want %d", rec.Body.Len(), len(c.body))
			}
			if len(rec.sizes) < 2 {
				t.Fatalf("written in %d pieces: the write deadline never moved on", len(rec.sizes))
			}
			if big := slices.Max(rec.sizes); big > maxChunk || big <= 32<<10 {
				t.Errorf("the largest piece is %d bytes; want more than 32 KiB and at most %d", big, maxChunk)
			}
		})
	}
}

// readFromConn is a connection with a ReadFrom of its own, as a TCP one has.
type readFromConn struct {
	net.Conn
	got int64
}

func (c *readFromConn) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(io.Discard, r)
	c.got += n
	return n, err
}

// TestLimitConnKeepsReadFrom: the connection limit does not hide the
// connection's ReadFrom, which the server needs for sendfile.
func TestLimitConnKeepsReadFrom(t *testing.T) {
	inner := &readFromConn{}
	var c net.Conn = &limitConn{Conn: inner, release: func() {}}
	rf, ok := c.(io.ReaderFrom)
	if !ok {
		t.Fatal("limitConn has no ReadFrom")
	}
	if n, err := rf.ReadFrom(bytes.NewReader(make([]byte, 1000))); err != nil || n != 1000 || inner.got != 1000 {
		t.Fatalf("ReadFrom: %d %v, the connection got %d", n, err, inner.got)
	}
}
