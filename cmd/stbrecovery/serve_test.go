package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeArgs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "missing"), file} {
		err := runServe(context.Background(), dir, "127.0.0.1:0", updateserver.Options{MaxConns: 4}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--dir") {
			t.Errorf("dir %q: %v", dir, err)
		}
	}
	if code := run(context.Background(), []string{"serve"}, io.Discard, io.Discard); code != exitError {
		t.Errorf("serve without --dir: exit %d", code)
	}
}

func TestServeRunsAndStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, logw syncBuffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, dir, "127.0.0.1:0", updateserver.Options{MaxConns: 4}, &out, &logw) }()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		url = re.FindString(out.String())
	}
	if url == "" {
		t.Fatalf("no address in %q", out.String())
	}
	resp, err := http.Get(url + "/update_list.txt")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("list: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(logw.String(), "GET /update_list.txt 200") {
		t.Errorf("log %q", logw.String())
	}
	if !strings.Contains(out.String(), "Stopped.") {
		t.Errorf("out %q", out.String())
	}
}

func TestServeBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = runServe(context.Background(), t.TempDir(), ln.Addr().String(), updateserver.Options{MaxConns: 4}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("busy address: %v", err)
	}
}

func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := fillDemoServer(dir, "MAG254", &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mag254", "imageupdate")); err != nil {
		t.Errorf("no mag254/imageupdate: %v; said %q", err, out.String())
	}
	if err := fillDemoServer(dir, "MAG999", io.Discard); err == nil {
		t.Error("an unknown model was accepted")
	}
}
