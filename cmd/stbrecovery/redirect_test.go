package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestServeBaseURL protects the update lists `serve` writes: their URLs
// start with --base-url, whatever Host a request names; a base that is no
// http URL is refused before anything is served.
func TestServeBaseURL(t *testing.T) {
	dir := t.TempDir()
	if err := fillDemoServer(dir, "MAG254", io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logw syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, dir, "127.0.0.1:0", updateserver.Options{BaseURL: "http://updates.example.test/stb", MaxConns: 4}, &out, &logw)
	}()
	var url string
	for i := 0; i < 500 && url == ""; i++ {
		if f := strings.Fields(out.String()); len(f) > 3 && strings.HasPrefix(f[3], "http://127.0.0.1:") {
			url = strings.TrimSuffix(f[3], "/")
		}
		if url == "" {
			select {
			case err := <-done:
				t.Fatalf("serve ended: %v", err)
			default:
			}
			sleepShort()
		}
	}
	if url == "" {
		t.Fatalf("no address in %q", out.String())
	}
	req, _ := http.NewRequest(http.MethodGet, url+"/mag/254/update_list.txt", nil)
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	list, err := imagefmt.ParseUpdateList(resp.Body)
	resp.Body.Close()
	if err != nil || len(list) != 1 || list[0].URL != "http://updates.example.test/stb/mag/254/imageupdate" {
		t.Fatalf("list %+v %v", list, err)
	}
	for _, want := range []string{"list: http://updates.example.test/stb/update_list.txt",
		"a MAG254 box takes its updates from here with autoupdateURL=http://updates.example.test/stb/mag/254/update_list.txt update_url=http://updates.example.test/stb/mag/254/imageupdate"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the banner does not say %q: %q", want, out.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve stopped with %v", err)
	}
	if code, _, errOut := runCLI(t, "serve", "--dir", dir, "--base-url", "ftp://x"); code != exitError || !strings.Contains(errOut, "base URL") {
		t.Errorf("ftp base: exit %d %q", code, errOut)
	}
}

// TestDeviceUpdateFollowRedirects protects the box from a server that sends
// it to another host for its image: refused (28) unless --follow-redirects.
func TestDeviceUpdateFollowRedirects(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := ramDir(t)
	srvDir := filepath.Join(dir, "server")
	if err := fillDemoServer(srvDir, "MAG254", io.Discard); err != nil {
		t.Fatal(err)
	}
	other, err := updateserver.Start(srvDir, "127.0.0.2:0", updateserver.Options{})
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	defer other.Close()
	_, image := updateserver.URLs(other.URL, m)
	redirector := httptest.NewServer(http.RedirectHandler(image, http.StatusFound))
	defer redirector.Close()
	home := filepath.Join(dir, "box")
	if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	code, out, _ := runCLI(t, "device", "update", "--home", home, "--url", redirector.URL+"/imageupdate", "--json")
	var res device.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Status != device.StatusIncorrectURL || code == exitOK || !strings.Contains(res.Explain, "another host") {
		t.Fatalf("a redirect to another host: exit %d %+v %v", code, res, err)
	}
	if code, out, errOut := runCLI(t, "device", "update", "--home", home, "--url", redirector.URL+"/imageupdate", "--follow-redirects"); code != exitOK {
		t.Fatalf("--follow-redirects: exit %d %s %s", code, out, errOut)
	}
}

func sleepShort() { time.Sleep(10 * time.Millisecond) }
