package classroom

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
)

// boxTransport is the network of a trainee's box: it reaches the trainee's
// own scenario update server and the hosts of Config.UpdateHosts, nothing
// else, so that no trainee makes the classroom's machine fetch from the
// room's or the machine's other services.
type boxTransport struct {
	allowed map[string]bool // host:port
}

func newBoxTransport(serverURL string, extra []string) boxTransport {
	t := boxTransport{allowed: map[string]bool{}}
	if u, err := url.Parse(serverURL); err == nil && u.Host != "" {
		t.allowed[u.Host] = true
	}
	for _, h := range extra {
		t.allowed[h] = true
	}
	return t
}

// RoundTrip sends req if its host is allowed; each redirect comes through again.
func (t boxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	if req.URL.Port() == "" {
		port := "80"
		if req.URL.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(req.URL.Hostname(), port)
	}
	if !t.allowed[host] {
		return nil, &device.StatusError{Status: device.StatusReadError,
			Detail:  fmt.Sprintf("%s cannot be reached from a classroom box", req.URL.Host),
			Explain: "In the classroom a box reaches only its scenario's update server: use the URL the scenario gives."}
	}
	rt := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		ResponseHeaderTimeout: 10 * time.Second,
		DisableCompression:    true,
		DisableKeepAlives:     true,
	}
	defer rt.CloseIdleConnections()
	return rt.RoundTrip(req)
}
