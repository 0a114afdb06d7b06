package device

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// trickle serves data with its Content-Length: the first head bytes at
// once, then step bytes every pause.
func trickle(data []byte, head, step int, pause time.Duration) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data[:head])
		w.(http.Flusher).Flush()
		for i := head; i < len(data); i += step {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(pause):
			}
			w.Write(data[i:min(i+step, len(data))])
			w.(http.Flusher).Flush()
		}
	}))
}

// TestSlowServerIsCutOff: a server that sends a byte now and then, each
// before the idle timeout, is cut off at the minimum rate with 27; the box
// is free again for the next update.
func TestSlowServerIsCutOff(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	data := f.named(m, "public")
	srv := trickle(data, 2048, 1, 5*time.Millisecond)
	defer srv.Close()
	b := f.box(m, nil, false)
	start := time.Now()
	r := b.Update(context.Background(), HTTPSource(srv.URL+"/imageupdate", WithMinRate(64<<10, 40*time.Millisecond)), UpdateOptions{})
	if r.Status != StatusReadError || !strings.Contains(r.Explain, "slower than the 64 KiB a second the box needs") {
		t.Fatalf("got %d %s", r.Status, r.Explain)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cut off after %v", d)
	}
	if st := b.State(); !st.Banks[0].Valid || st.Active != 0 {
		t.Errorf("state %+v", st.Banks)
	}
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	defer fast.Close()
	if r := b.Update(context.Background(), HTTPSource(fast.URL+"/imageupdate", WithMinRate(64<<10, 40*time.Millisecond)), UpdateOptions{}); r.Status != StatusFinishedOK {
		t.Fatalf("next update: %d %s", r.Status, r.Explain)
	}
}

// TestTransferPastDeadlineIsCutOff: a transfer that keeps above the minimum
// rate but takes longer than its size allows is cut off with 27.
func TestTransferPastDeadlineIsCutOff(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	data := f.named(m, "public")
	srv := trickle(data, 2048, 4<<10, 20*time.Millisecond) // about 200 KiB/s
	defer srv.Close()
	b := f.box(m, nil, false)
	src := HTTPSource(srv.URL+"/imageupdate", WithMinRate(0, 0), WithDeadline(50*time.Millisecond, 4<<20))
	start := time.Now()
	r := b.Update(context.Background(), src, UpdateOptions{})
	if r.Status != StatusReadError || !strings.Contains(r.Explain, "the most this transfer may take") {
		t.Fatalf("got %d %s", r.Status, r.Explain)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cut off after %v", d)
	}
}

// TestSlowInstallIsNotASlowServer: while the box is busy writing (a paced
// flash), a server waiting for it is not counted as slow: the box here takes
// 800 KiB a second, well under the minimum rate of 2 MiB a second, for far
// longer than the deadline, and the transfer still goes through.
func TestSlowInstallIsNotASlowServer(t *testing.T) {
	body := make([]byte, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	op, err := HTTPSource(srv.URL, WithMinRate(2<<20, 200*time.Millisecond), WithDeadline(100*time.Millisecond, 100<<20), withReadAhead(0)).Open(context.Background())
	rc := op.Body
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := io.ReadFull(rc, buf)
		n += int64(k)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", n, err)
		}
		time.Sleep(40 * time.Millisecond) // the box writing
	}
	if n != int64(len(body)) {
		t.Errorf("read %d of %d", n, len(body))
	}
}

func TestDeadlineFollowsTheSize(t *testing.T) {
	c := newHTTPConfig(nil)
	if d := c.deadline(64 << 20); d != DefaultDeadlineBase+2048*time.Second {
		t.Errorf("64 MiB: %v", d)
	}
	if d := c.deadline(-1); d <= c.deadline(1<<30) {
		t.Errorf("unknown length: %v", d)
	}
	if d := newHTTPConfig([]HTTPOption{WithDeadline(time.Second, 0)}).deadline(1 << 20); d != 0 {
		t.Errorf("off: %v", d)
	}
}
