package updateserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// getWithHost fetches u with the Host header set to host.
func getWithHost(t *testing.T, u, host string) imagefmt.UpdateList {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	list, err := imagefmt.ParseUpdateList(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return list
}

// TestUpdateListURLsNeverFromHostHeader protects a box from being sent
// elsewhere by whoever asks the server with a forged Host header: the URLs
// of a list start with --base-url, else the address the client reached.
func TestUpdateListURLsNeverFromHostHeader(t *testing.T) {
	dir := t.TempDir()
	testimage.Write(t, dir, "mag254/imageupdate", testimage.Spec{Version: 219, Date: time.Date(2019, 3, 10, 12, 0, 0, 0, testimage.EET()), Desc: "0.2.19-r1-pub-254", Key: testimage.Key(t, "stb_public")})
	cases := []struct {
		name, base string
		want       func(rs *Running) string
	}{
		{"default: the address reached", "", func(rs *Running) string { return rs.URL + "/mag254/imageupdate" }},
		{"--base-url", "https://updates.example.com/stb/", func(*Running) string { return "https://updates.example.com/stb/mag254/imageupdate" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := Start(dir, "127.0.0.1:0", Options{BaseURL: c.base})
			if err != nil {
				t.Fatal(err)
			}
			defer rs.Close()
			list := getWithHost(t, rs.URL+"/mag254/update_list.txt", "evil.example:666")
			if len(list) != 1 || list[0].URL != c.want(rs) {
				t.Fatalf("entries %+v; want one at %s", list, c.want(rs))
			}
		})
	}
	if _, err := Start(dir, "127.0.0.1:0", Options{BaseURL: "ftp://x"}); err == nil {
		t.Error("an ftp base URL was taken")
	}
}

// TestServerDropsClientThatTakesNothing protects the server from clients
// that ask for an image and never read it: each is dropped after the idle
// timeout, and its connection is freed.
func TestServerDropsClientThatTakesNothing(t *testing.T) {
	dir := t.TempDir()
	testimage.Write(t, dir, "imageupdate", testimage.Spec{Version: 219, Date: time.Date(2019, 3, 10, 12, 0, 0, 0, testimage.EET()), Desc: "big", RootFS: 32 << 20, Key: testimage.Key(t, "stb_public")})
	var log htLog
	rs, err := Start(dir, "127.0.0.1:0", Options{IdleTimeout: 300 * time.Millisecond, MaxConns: 2, Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var conns []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", strings.TrimPrefix(rs.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /imageupdate HTTP/1.1\r\nHost: x\r\n\r\n")
		conns = append(conns, c)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(log.all()) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(log.all()); n < 2 {
		t.Fatalf("%d of 2 clients that take nothing were dropped within 10 s", n)
	}
	for _, c := range conns {
		n, _ := io.Copy(io.Discard, c)
		if n >= 32<<20 {
			t.Errorf("a dropped client still got the whole image (%d bytes)", n)
		}
	}
	// Both slots are free again: a client that reads gets the list.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := device.FetchUpdateList(ctx, rs.URL+"/update_list.txt"); err != nil {
		t.Fatalf("after the drops: %v", err)
	}
}

// TestServerConnectionLimit protects the server's descriptors: beyond the
// limit, clients wait to be accepted, and are served once a slot is free.
func TestServerConnectionLimit(t *testing.T) {
	rs, err := Start(t.TempDir(), "127.0.0.1:0", Options{MaxConns: 2, IdleTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	addr := strings.TrimPrefix(rs.URL, "http://")
	var held []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond) // both are accepted and hold their slots
	get := func(wait time.Duration) error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(wait))
		fmt.Fprintf(c, "GET /update_list.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	if err := get(400 * time.Millisecond); err == nil {
		t.Fatal("a third connection was served while two held the limit of 2")
	}
	held[0].Close()
	if err := get(5 * time.Second); err != nil {
		t.Fatalf("no client was served after a slot was freed: %v", err)
	}
	held[1].Close()
}

// TestServerLogsBoxHeaders protects what an operator reads in the server's
// log: the headers a box sends with its requests, escaped.
func TestServerLogsBoxHeaders(t *testing.T) {
	var log htLog
	rs, err := Start(t.TempDir(), "127.0.0.1:0", Options{Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	// Sent by hand: Go's client refuses a control character in a header
	// (and Go's server answers 400 to C0 ones; a C1 control passes).
	c, err := net.Dial("tcp", strings.TrimPrefix(rs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /update_list.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-CurrentVersion: 218\r\n"+
		"X-SerialNumber: 1902254N561859\r\nX-MacAddress: 00:1A:79:F7:18:86\r\nX-ModelNameEx: MAG254\u009b2J\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	rs.Close()
	lines := log.all()
	if len(lines) != 1 {
		t.Fatalf("log %q", lines)
	}
	for _, want := range []string{"X-CurrentVersion=218", "X-SerialNumber=1902254N561859", "X-MacAddress=00:1A:79:F7:18:86", `X-ModelNameEx=MAG254\u009b2J`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("log line %q does not hold %q", lines[0], want)
		}
	}
	if strings.ContainsRune(lines[0], 0x9b) {
		t.Errorf("log line holds a raw CSI: %q", lines[0])
	}
}

// FuzzRequestPath checks that a request path, however made, maps to nothing
// outside the served folder: at most a model folder and a plain name.
func FuzzRequestPath(f *testing.F) {
	for _, p := range []string{"/", "/update_list.txt", "/mag254/imageupdate", "/mag/254/", "/mag/254/imageupdate",
		"/mag/254/../x", "/mag/999/imageupdate", "/../etc/passwd", "/mag254/.hidden", "/a/b/c", "/mag//254/x"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rel, _, ok := cleanRequestPath(p)
		if !ok {
			return
		}
		parts := strings.Split(rel, "/")
		if len(parts) > 2 {
			t.Fatalf("%q maps to %q, deeper than a model folder", p, rel)
		}
		for _, part := range parts {
			if part == "" && rel != "" || part == "." || part == ".." || strings.HasPrefix(part, ".") || strings.ContainsAny(part, "\\\x00") {
				t.Fatalf("%q maps to %q", p, rel)
			}
		}
	})
}

// TestServerDropsClientSlowerThanMinRate protects the server from a client
// that keeps taking a little, so that it is never idle: it must take the
// whole image at the minimum rate on average, or it is dropped.
func TestServerDropsClientSlowerThanMinRate(t *testing.T) {
	dir := t.TempDir()
	const size = 32 << 20
	testimage.Write(t, dir, "imageupdate", testimage.Spec{Version: 219, Date: time.Date(2019, 3, 10, 12, 0, 0, 0, testimage.EET()), Desc: "big", RootFS: size, Key: testimage.Key(t, "stb_public")})
	var log htLog
	// 32 MiB at 32 MiB/s: the image must be taken within 3 + 1 s. The client
	// below takes about 4 MiB/s: never idle for 3 s, but it would need 8 s.
	rs, err := Start(dir, "127.0.0.1:0", Options{IdleTimeout: 3 * time.Second, MinRate: 32 << 20, Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	c, err := net.Dial("tcp", strings.TrimPrefix(rs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /imageupdate HTTP/1.1\r\nHost: x\r\n\r\n")
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			select {
			case <-stop:
				return
			case <-time.After(16 * time.Millisecond): // 64 KiB at a time: about 4 MiB/s
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}()
	// The server's side ends (its log line is written) once the deadline
	// passes; what is already in the sockets' buffers may still arrive.
	for len(log.all()) == 0 && time.Since(start) < 15*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	if len(log.all()) == 0 || took > 7500*time.Millisecond {
		t.Fatalf("a client too slow on the whole still held the server after %v; want it dropped after about 4 s", took)
	}
	if took < 3500*time.Millisecond {
		t.Errorf("dropped after %v, before its deadline", took)
	}
	if l := log.all()[0]; strings.Contains(l, fmt.Sprintf(" %d bytes", int64(size))) {
		t.Errorf("the log says the whole image was sent: %q", l)
	}
}
