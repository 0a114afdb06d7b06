package device

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// htWriteImage builds an image into dir/rel.
func htWriteImage(t testing.TB, dir, rel string, s htImageSpec) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, htImage(t, s), 0o644); err != nil {
		t.Fatal(err)
	}
}

type htLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *htLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *htLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func htGet(t testing.TB, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestUpdateServer(t *testing.T) {
	key := htKey(t, "stb_public")
	dir := t.TempDir()
	d := func(day int) time.Time { return time.Date(2019, 3, day, 12, 0, 0, 0, eet) }
	htWriteImage(t, dir, "mag254/imageupdate", htImageSpec{Version: 219, Date: d(10), Desc: "0.2.19-r1-pub-254", Key: key})
	htWriteImage(t, dir, "mag254/imageupdate_old", htImageSpec{Version: 218, Date: d(1), Desc: "0.2.18-r19-pub-254", Key: key})
	htWriteImage(t, dir, "mag254/imageupdate_b", htImageSpec{Version: 220, Date: d(20), Desc: "0.2.20-beta1-254", Key: key})
	htWriteImage(t, dir, "mag322/imageupdate", htImageSpec{Model: "MAG322", Version: 220, Date: d(15), Desc: "0.2.20-r1-322", Key: key})
	htWriteImage(t, dir, "imageupdate", htImageSpec{Version: 221, Date: d(25), Desc: "0.2.21-alpha-254", Key: key})
	os.WriteFile(filepath.Join(dir, "mag322/imageupdate.type"), []byte("beta\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("not an image"), 0o644)
	os.WriteFile(filepath.Join(dir, "mag254/notes.txt"), []byte("not an image"), 0o644)
	outside := filepath.Join(t.TempDir(), "outside")
	htWriteImage(t, filepath.Dir(outside), "outside", htImageSpec{Version: 1, Date: d(2), Desc: "outside", Key: key})
	if err := os.Symlink(outside, filepath.Join(dir, "mag254", "link")); err != nil {
		t.Fatal(err)
	}
	var log htLog
	h, err := NewUpdateServer(dir, ServerOptions{Logf: log.logf})
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
		st, err := htConsume(context.Background(), HTTPSource(e.URL))
		if st != StatusFinishedOK {
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
	os.WriteFile(filepath.Join(dir, "mag322", UpdateListName), []byte("[]\n"), 0o644)
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
	key := htKey(t, "stb_public")
	dir := t.TempDir()
	htWriteImage(t, dir, "imageupdate", htImageSpec{Version: 1, Date: time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC), Desc: "x", Key: key})
	h, err := NewUpdateServer(dir, ServerOptions{})
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

func TestServeUpdatesStops(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeUpdates(ctx, dir, "127.0.0.1:0", ServerOptions{}, func(rs *RunningServer) { urls <- rs.URL })
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatal(err)
	}
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
	if err := ServeUpdates(context.Background(), filepath.Join(dir, "missing"), "127.0.0.1:0", ServerOptions{}, nil); err == nil {
		t.Error("a missing folder was served")
	}
}

func TestStartUpdateServer(t *testing.T) {
	rs, err := StartUpdateServer(t.TempDir(), nil)
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

func TestWriteDemoServer(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	b, err := Init(home, InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteDemoServer(dir, b.Model()); err != nil {
		t.Fatal(err)
	}
	rs, err := StartUpdateServer(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	ctx := context.Background()
	variants, err := FetchUpdateList(ctx, rs.URL+"/"+DemoServerVariants+"/update_list.txt")
	if err != nil || len(variants) != len(DemoImages(b.Model())) {
		t.Fatalf("variants list: %d entries, %v", len(variants), err)
	}
	for _, e := range variants {
		if !strings.HasPrefix(e.Descr, path.Base(e.URL)+":") {
			t.Errorf("entry %+v does not name its file", e)
		}
	}
	// A new box (autoupdate_cond 1) finds the next Factory image and installs it once asked.
	if err := b.SaveSettings(map[string]string{"autoupdateURL": rs.URL + "/" + b.Model().USBFolder() + "/"}); err != nil {
		t.Fatal(err)
	}
	asked := ""
	rep := b.Autoupdate(ctx, AutoupdateOptions{Confirm: func(q string) bool { asked = q; return true }})
	if rep.Outcome != AutoupdateInstalled || asked == "" {
		t.Fatalf("%s %v, asked %q\n%+v", rep.Outcome, rep.Status, asked, rep.Steps)
	}
	if v := b.State().Settings["Image_Version"]; v != strconv.Itoa(b.Model().FactoryVersion+1) {
		t.Errorf("Image_Version %s", v)
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
