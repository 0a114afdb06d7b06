package updateserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

func TestUpdateServer(t *testing.T) {
	key := testimage.Key(t, "stb_public")
	dir := t.TempDir()
	d := func(day int) time.Time { return time.Date(2019, 3, day, 12, 0, 0, 0, testimage.EET()) }
	testimage.Write(t, dir, "mag254/imageupdate", testimage.Spec{Version: 219, Date: d(10), Desc: "0.2.19-r1-pub-254", Key: key})
	testimage.Write(t, dir, "mag254/imageupdate_old", testimage.Spec{Version: 218, Date: d(1), Desc: "0.2.18-r19-pub-254", Key: key})
	testimage.Write(t, dir, "mag254/imageupdate_b", testimage.Spec{Version: 220, Date: d(20), Desc: "0.2.20-beta1-254", Key: key})
	testimage.Write(t, dir, "mag322/imageupdate", testimage.Spec{Model: "MAG322", Version: 220, Date: d(15), Desc: "0.2.20-r1-322", Key: key})
	testimage.Write(t, dir, "imageupdate", testimage.Spec{Version: 221, Date: d(25), Desc: "0.2.21-alpha-254", Key: key})
	os.WriteFile(filepath.Join(dir, "mag322/imageupdate.type"), []byte("beta\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("not an image"), 0o644)
	os.WriteFile(filepath.Join(dir, "mag254/notes.txt"), []byte("not an image"), 0o644)
	outside := filepath.Join(t.TempDir(), "outside")
	testimage.Write(t, filepath.Dir(outside), "outside", testimage.Spec{Version: 1, Date: d(2), Desc: "outside", Key: key})
	if err := os.Symlink(outside, filepath.Join(dir, "mag254", "link")); err != nil {
		t.Fatal(err)
	}
	var log htLog
	h, err := New(dir, Options{Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()

	code, body := htGet(t, srv.URL+"/update_list.txt")
	if code != 200 {
		t.Fatalf("top list: %d", code)
	}
	list, err := imagefmt.ParseUpdateList(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("top list does not parse: %v\n%s", err, body)
	}
	var got []string
	for _, e := range list {
		got = append(got, fmt.Sprintf("%s %s %s", strings.TrimPrefix(e.URL, srv.URL), e.Type, e.Date))
	}
	want := []string{
		"/mag254/imageupdate_old release 01 Mar 2019 12:00:00 GMT+0200",
		"/mag254/imageupdate release 10 Mar 2019 12:00:00 GMT+0200",
		"/mag322/imageupdate beta 15 Mar 2019 12:00:00 GMT+0200",
		"/mag254/imageupdate_b beta 20 Mar 2019 12:00:00 GMT+0200",
		"/imageupdate alpha 25 Mar 2019 12:00:00 GMT+0200",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("top list:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if list[0].Name != "0.2.18-r19-pub-254" || list[0].Descr != "imageupdate_old: MAG254 v218" {
		t.Errorf("entry: %+v", list[0])
	}

	if e := list[1]; e.Name != "0.2.19-r1-pub-254" || e.Descr != "MAG254 v219 0.2.19-r1-pub-254" {
		t.Errorf("entry: %+v", e)
	}

	code, body = htGet(t, srv.URL+"/mag254/update_list.txt")
	list, err = imagefmt.ParseUpdateList(strings.NewReader(string(body)))
	if code != 200 || err != nil || len(list) != 3 {
		t.Fatalf("mag254 list: %d %v %d entries\n%s", code, err, len(list), body)
	}
	if last, _ := list.Last(); !strings.HasSuffix(last.URL, "/mag254/imageupdate_b") {
		t.Errorf("mag254 last entry %+v", last)
	}
	// Every listed image is served whole.
	for _, e := range list {
		st, err := htConsume(context.Background(), device.HTTPSource(e.URL))
		if st != device.StatusFinishedOK {
			t.Errorf("%s: %v %v", e.URL, st, err)
		}
	}
	for _, p := range []string{"/secret.txt", "/mag254/notes.txt", "/mag254/link", "/../outside", "/mag254/../../outside",
		"/%2e%2e/outside", "/.hidden", "/mag999/update_list.txt", "/a/b/c", "/mag254/imageupdate.type"} {
		if code, _ := htGet(t, srv.URL+p); code != http.StatusNotFound {
			t.Errorf("GET %s: %d; want 404", p, code)
		}
	}
	resp, err := http.Post(srv.URL+"/imageupdate", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d; want 405", resp.StatusCode)
	}
	resp.Body.Close()
	// A list written by hand is served as it stands.
	os.WriteFile(filepath.Join(dir, "mag322", device.UpdateListName), []byte("[]\n"), 0o644)
	if code, body := htGet(t, srv.URL+"/mag322/update_list.txt"); code != 200 || string(body) != "[]\n" {
		t.Errorf("hand-written list: %d %q", code, body)
	}
	lines := log.all()
	if len(lines) < 12 {
		t.Errorf("%d log lines", len(lines))
	}
	for _, l := range lines {
		if strings.Contains(l, "\n") || !strings.Contains(l, " GET ") && !strings.Contains(l, " POST ") {
			t.Errorf("log line %q", l)
		}
	}
}

func TestUpdateServerRange(t *testing.T) {
	key := testimage.Key(t, "stb_public")
	dir := t.TempDir()
	testimage.Write(t, dir, "imageupdate", testimage.Spec{Version: 1, Date: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC), Desc: "x", Key: key})
	h, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/imageupdate", nil)
	req.Header.Set("Range", "bytes=0-9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || string(b) != "STB Model:" {
		t.Errorf("range: %d %q", resp.StatusCode, b)
	}
}

func TestRunStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	rs, err := Start(dir, "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := rs.URL
	done := make(chan error, 1)
	go func() { done <- rs.Run(ctx) }()
	if code, body := htGet(t, url+"/update_list.txt"); code != 200 || strings.TrimSpace(string(body)) != "[\n]" {
		t.Errorf("empty folder list: %d %q", code, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not stop")
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the server still answers")
	}
	if _, err := Start(filepath.Join(dir, "missing"), "127.0.0.1:0", Options{}); err == nil {
		t.Error("a missing folder was served")
	}
}

func TestStart(t *testing.T) {
	rs, err := Start(t.TempDir(), "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rs.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q", rs.URL)
	}
	if code, _ := htGet(t, rs.URL+"/update_list.txt"); code != 200 {
		t.Errorf("list: %d", code)
	}
	if err := rs.Close(); err != nil {
		t.Error(err)
	}
	if err := rs.Close(); err != nil {
		t.Error("second Close:", err)
	}
}

func TestTypeFromDescription(t *testing.T) {
	for desc, want := range map[string]imagefmt.ReleaseType{
		"0.2.18-r19-pub-254":    imagefmt.TypeRelease,
		"0.2.20-beta1-254":      imagefmt.TypeBeta,
		"0.2.20-BETA-254":       imagefmt.TypeBeta,
		"2.20.01-alpha":         imagefmt.TypeAlpha,
		"0.2.19-r1-alphatv-254": imagefmt.TypeRelease,
		"0.2.20-r1-betanet-254": imagefmt.TypeRelease,
		"x-beta-alpha2":         imagefmt.TypeAlpha,
		"x_beta.1":              imagefmt.TypeBeta,
		`"0.2.18-r19-pub-254"`:  imagefmt.TypeRelease,
	} {
		if got := typeFromDescription(desc); got != want {
			t.Errorf("typeFromDescription(%q) = %s; want %s", desc, got, want)
		}
	}
}
