package device

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
)

// TestRedirectToAnotherHostRefused protects the box from a server that sends
// it elsewhere for its image: a redirect on the same server is followed, a
// redirect to another host is 28 unless the caller allows it.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	key := testimage.Key(t, "stb_public")
	img := testimage.Bytes(t, testimage.Spec{Version: 218, Date: time.Date(2019, 2, 21, 0, 43, 44, 0, testimage.EET()), Desc: "0.2.18-r19-pub-254", RootFS: 64 << 10, Key: key})
	// The other host: a second loopback address (Linux answers on all of 127/8).
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address here: %v", err)
	}
	other := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(img) })}}
	other.Start()
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/imageupdate", func(w http.ResponseWriter, r *http.Request) { w.Write(img) })
	mux.HandleFunc("/same", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/imageupdate", http.StatusFound) })
	mux.HandleFunc("/elsewhere", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/imageupdate", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cases := []struct {
		name   string
		url    string
		follow bool
		want   Status
		says   string
	}{
		{"same server", srv.URL + "/same", false, StatusFinishedOK, ""},
		{"another host", srv.URL + "/elsewhere", false, StatusIncorrectURL, "redirected to another host"},
		{"another host, allowed", srv.URL + "/elsewhere", true, StatusFinishedOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := htConsume(ctx, HTTPSource(c.url, WithFollowRedirects(c.follow)))
			if got != c.want || (c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says))) {
				t.Fatalf("status %v (%v); want %v saying %q", got, err, c.want, c.says)
			}
		})
	}
}
