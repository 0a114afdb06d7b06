package device

// Update over HTTP: the SRU's "Using HTTP", the portal's manual update by URL
// and the Autoupdate module all read an imageupdate (or update_list.txt)
// through this source. Every failure carries the status the box shows:
//
//	not http/https, no host, a redirect elsewhere       28 Incorrect URL
//	404 or 410                                          25 File not found
//	any other status, a refused connection, a stall,
//	a redirect loop, a body shorter than Content-Length,
//	a transfer slower than the minimum rate or past
//	its deadline                                        27 Read error
//
// A body longer than Content-Length is never read past Content-Length, so an
// image with bytes added after its end arrives cut at the declared length: the
// image reader then reports 27 (cut short) or 22 (the header's sizes do not
// add up to the length), as it would for the same file on USB.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of an HTTP source; each can be changed with an HTTPOption.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultIdleTimeout    = 30 * time.Second
	DefaultMaxRedirects   = 5
	DefaultMaxHeaderBytes = 64 << 10
	DefaultMaxBodySize    = 4 << 30
	// A transfer must bring at least DefaultMinRate bytes a second,
	// averaged over each DefaultRateWindow; a server that trickles a byte
	// now and then (which the idle timeout alone lets through) is cut off.
	DefaultMinRate    = 32 << 10
	DefaultRateWindow = 30 * time.Second
	// A whole transfer may take DefaultDeadlineBase plus its length at
	// DefaultMinRate (the longest a transfer that met the minimum rate
	// window by window may take), then it is cut off.
	DefaultDeadlineBase = 2 * time.Minute
)

// HTTPOption changes a setting of an HTTP source.
type HTTPOption func(*httpConfig)

type httpConfig struct {
	connect   time.Duration
	idle      time.Duration
	redirects int
	header    int64
	body      int64
	transport http.RoundTripper
	ahead     int // buffers read ahead; 0 reads in step with the install
	headers   [][2]string
	minRate   int64
	window    time.Duration
	base      time.Duration // deadline: base + length at deadlineRate
	deadRate  int64
	elsewhere bool // follow redirects to another host
}

// WithConnectTimeout bounds the TCP connect and the TLS handshake.
func WithConnectTimeout(d time.Duration) HTTPOption { return func(c *httpConfig) { c.connect = d } }

// WithIdleTimeout bounds how long the server may stay silent: before it sends
// the response headers, and during any one read of the body; 0 waits for ever.
func WithIdleTimeout(d time.Duration) HTTPOption { return func(c *httpConfig) { c.idle = d } }

// WithMaxRedirects bounds how many redirects are followed (0: none).
func WithMaxRedirects(n int) HTTPOption { return func(c *httpConfig) { c.redirects = n } }

// WithFollowRedirects lets the box follow a redirect to another host. By
// default a redirect is followed only on the host the URL names: a server
// cannot send the box to fetch its image from somewhere else.
func WithFollowRedirects(on bool) HTTPOption { return func(c *httpConfig) { c.elsewhere = on } }

// WithMaxHeaderBytes bounds the size of the response headers.
func WithMaxHeaderBytes(n int64) HTTPOption { return func(c *httpConfig) { c.header = n } }

// WithMaxBodySize bounds the body: a larger Content-Length, or more bytes
// when the server does not say the length, fails with 27.
func WithMaxBodySize(n int64) HTTPOption { return func(c *httpConfig) { c.body = n } }

// WithMinRate sets the slowest a transfer may be: fewer than bytesPerSecond
// averaged over any one window (counted from the start of the body, window
// after window) stops it with 27. A rate of 0 turns the check off.
func WithMinRate(bytesPerSecond int64, window time.Duration) HTTPOption {
	return func(c *httpConfig) { c.minRate, c.window = bytesPerSecond, window }
}

// WithDeadline sets how long a whole transfer may keep the box waiting for
// the server: base plus the length (Content-Length, or the largest body when
// the server does not say) at bytesPerSecond. A rate of 0 turns it off.
func WithDeadline(base time.Duration, bytesPerSecond int64) HTTPOption {
	return func(c *httpConfig) { c.base, c.deadRate = base, bytesPerSecond }
}

// deadline is how long a transfer of length bytes (-1: unknown) may take.
func (c httpConfig) deadline(length int64) time.Duration {
	if c.deadRate <= 0 {
		return 0
	}
	if length < 0 {
		length = c.body
	}
	secs := float64(length) / float64(c.deadRate)
	if secs > float64(100*365*24*3600) {
		return 0
	}
	return c.base + time.Duration(secs*float64(time.Second))
}

// WithTransport replaces the HTTP transport (the timeouts and header bound
// then are the transport's own); for tests and for callers with proxies.
func WithTransport(rt http.RoundTripper) HTTPOption {
	return func(c *httpConfig) { c.transport = rt }
}

// WithRequestHeader adds a header to the request, such as the X- headers the
// portal's Autoupdate sends (X-CurrentVersion, X-SerialNumber, …).
func WithRequestHeader(name, value string) HTTPOption {
	return func(c *httpConfig) { c.headers = append(c.headers, [2]string{name, value}) }
}

// withReadAhead sets how many buffers are read ahead (0: none); for measurements.
func withReadAhead(n int) HTTPOption { return func(c *httpConfig) { c.ahead = n } }

func newHTTPConfig(opts []HTTPOption) httpConfig {
	c := httpConfig{connect: DefaultConnectTimeout, idle: DefaultIdleTimeout, redirects: DefaultMaxRedirects,
		header: DefaultMaxHeaderBytes, body: DefaultMaxBodySize, ahead: readAheadBuffers,
		minRate: DefaultMinRate, window: DefaultRateWindow, base: DefaultDeadlineBase, deadRate: DefaultMinRate}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// HTTPSource is the file at rawURL on an HTTP or HTTPS server. The length it
// reports is the response's Content-Length (-1 when the server does not send
// one), and its reader enforces it.
func HTTPSource(rawURL string, opts ...HTTPOption) Source {
	return &httpSource{url: rawURL, cfg: newHTTPConfig(opts)}
}

type httpSource struct {
	url string
	cfg httpConfig
}

// String names the source by its URL, without a password.
func (s *httpSource) String() string {
	if u, err := url.Parse(s.url); err == nil {
		return u.Redacted()
	}
	return s.url
}

// CheckURL reports whether rawURL can be fetched: an absolute http or https
// URL with a host. The error is a *StatusError with status 28.
func CheckURL(rawURL string) (*url.URL, error) {
	bad := func(why string) (*url.URL, error) {
		return nil, &StatusError{Status: StatusIncorrectURL, Detail: fmt.Sprintf("%q %s", clipText(rawURL, 80), why),
			Explain: "The box fetches updates only over HTTP or HTTPS; the address must look like http://server/path/imageupdate."}
	}
	if strings.TrimSpace(rawURL) == "" {
		return bad("is empty")
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return bad("is not a URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return bad("has no http:// or https://")
	default:
		return bad(fmt.Sprintf("uses %s:, only http and https are supported", u.Scheme))
	}
	if u.Host == "" {
		return bad("names no server")
	}
	return u, nil
}

func (c httpConfig) client() *http.Client {
	rt := c.transport
	if rt == nil {
		dialer := &net.Dialer{Timeout: c.connect}
		rt = &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            dialer.DialContext,
			TLSHandshakeTimeout:    c.connect,
			ResponseHeaderTimeout:  c.idle,
			MaxResponseHeaderBytes: c.header,
			DisableCompression:     true, // the bytes counted are the bytes of the file
			DisableKeepAlives:      true, // one file per connection; nothing idles after Close
			ForceAttemptHTTP2:      true,
		}
	}
	return &http.Client{Transport: rt, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		switch strings.ToLower(req.URL.Scheme) {
		case "http", "https":
		default:
			return &StatusError{Status: StatusIncorrectURL,
				Detail:  fmt.Sprintf("the server redirected to %q, which is not an http or https address", clipText(req.URL.Redacted(), 80)),
				Explain: "The box follows redirects only to other HTTP or HTTPS addresses."}
		}
		if from := via[0].URL; !c.elsewhere && !strings.EqualFold(req.URL.Hostname(), from.Hostname()) {
			return &StatusError{Status: StatusIncorrectURL,
				Detail: fmt.Sprintf("the server %s redirected to another host, %s", clipText(from.Host, 80), clipText(req.URL.Redacted(), 80)),
				Explain: "The box follows redirects only on the server its URL names, so that no server can send it elsewhere for its image. " +
					"Use the final address, or allow redirects to other hosts (device update --follow-redirects)."}
		}
		if len(via) > c.redirects {
			return &StatusError{Status: StatusReadError,
				Detail:  fmt.Sprintf("more than %d redirects, the last to %s", c.redirects, clipText(req.URL.Redacted(), 80)),
				Explain: "The server keeps redirecting (a redirect loop?); fix the server or use the image's final address."}
		}
		return nil
	}}
}

// Open sends the request and returns the body once the server has answered 200.
func (s *httpSource) Open(ctx context.Context) (Opened, error) {
	u, err := CheckURL(s.url)
	if err != nil {
		return Opened{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return Opened{}, &StatusError{Status: StatusIncorrectURL, Detail: fmt.Sprintf("%q: %v", s.String(), err), Err: err}
	}
	req.Header.Set("User-Agent", "stbrecovery-update-engine")
	for _, h := range s.cfg.headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := s.cfg.client().Do(req)
	if err != nil {
		cancel()
		return Opened{}, s.transferError(ctx, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		drainClose(resp.Body)
		cancel()
		return Opened{}, &StatusError{Status: StatusFileNotFound,
			Detail:  fmt.Sprintf("the server has no %s (HTTP %s)", resp.Request.URL.Redacted(), resp.Status),
			Explain: "Check the address: the folder and the file name (imageupdate, update_list.txt) must be exactly as on the server."}
	default:
		drainClose(resp.Body)
		cancel()
		return Opened{}, &StatusError{Status: StatusReadError,
			Detail:  fmt.Sprintf("the server answered HTTP %s for %s", resp.Status, s.String()),
			Explain: "The server did not send the file; try again later or ask whoever runs the server."}
	}
	if resp.ContentLength > s.cfg.body {
		drainClose(resp.Body)
		cancel()
		return Opened{}, &StatusError{Status: StatusReadError,
			Detail: fmt.Sprintf("%s is %d bytes, more than the %d this box reads", s.String(), resp.ContentLength, s.cfg.body)}
	}
	b := &httpBody{rc: resp.Body, cancel: cancel, want: resp.ContentLength, max: s.cfg.body, idle: s.cfg.idle, name: s.String(),
		minRate: s.cfg.minRate, window: s.cfg.window}
	if b.idle > 0 {
		b.timer = time.AfterFunc(b.idle, func() { b.stalled.Store(true); cancel() })
		b.timer.Stop()
	}
	b.deadline = s.cfg.deadline(resp.ContentLength)
	b.watch()
	if s.cfg.ahead <= 0 {
		return Opened{Body: b, Size: resp.ContentLength, Transfer: true}, nil
	}
	return Opened{Body: newReadAhead(b, s.cfg.ahead, readAheadSize), Size: resp.ContentLength, Transfer: true}, nil
}

// The body is read ahead of the install by this much (4 MiB), so the network
// keeps moving while a section is hashed and written.
const (
	readAheadBuffers = 8
	readAheadSize    = 512 << 10
)

// transferError turns a failed request into a status error.
func (s *httpSource) transferError(ctx context.Context, err error) error {
	var se *StatusError
	if errors.As(err, &se) {
		return se // from CheckRedirect
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return &StatusError{Status: StatusIncorrectURL, Detail: fmt.Sprintf("no server is called %q", dnsErr.Name), Err: err}
	}
	detail := fmt.Sprintf("cannot fetch %s: %v", s.String(), rootCause(err))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		detail = fmt.Sprintf("%s did not answer in time", s.String())
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		detail = "the download was cancelled"
	}
	return &StatusError{Status: StatusReadError, Detail: detail, Err: err,
		Explain: "The box could not read the file from the server; check the network and that the server runs."}
}

// rootCause strips the url.Error and net.OpError wrappers whose text repeats the URL.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		err = oe.Err
	}
	return err
}

func drainClose(rc io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
	_ = rc.Close()
}

// httpBody enforces the body's length and the idle timeout and turns every
// failure into a status 27 error.
type httpBody struct {
	rc      io.ReadCloser
	cancel  context.CancelFunc
	timer   *time.Timer
	stalled atomic.Bool
	idle    time.Duration
	want    int64 // Content-Length, -1 unknown
	max     int64
	got     atomic.Int64 // read by the rate check's timer too
	err     error
	name    string

	// The minimum rate and the deadline, checked by watch.
	minRate   int64
	window    time.Duration
	stop      chan struct{} // ends the rate check
	stopped   sync.Once
	slow      atomic.Bool
	slowRate  atomic.Int64 // bytes a second of the window that was too slow
	waitNanos atomic.Int64 // time spent in reads that ended
	readStart atomic.Int64 // when the read in progress began (Unix ns), 0 when none
	deadline  time.Duration
	late      atomic.Bool
}

// watch checks the transfer as it goes, counting only the time the box
// waited for the server's bytes (time the box spent writing, the server
// waiting for it, is not held against the server): at the end of every
// window, that the window brought the minimum rate; and that the whole
// transfer stays within its deadline. Either failing ends the transfer.
func (b *httpBody) watch() {
	rate := b.minRate > 0 && b.window > 0
	if !rate && b.deadline <= 0 {
		return
	}
	tick := b.window
	if !rate {
		tick = max(b.deadline/10, time.Millisecond)
	}
	b.stop = make(chan struct{})
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		var lastGot int64
		var lastWait time.Duration
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
			}
			got, wait := b.got.Load(), b.waited()
			if b.deadline > 0 && wait > b.deadline {
				b.late.Store(true)
				b.cancel()
				return
			}
			if !rate {
				continue
			}
			bytes, span := got-lastGot, wait-lastWait
			if span >= b.window/2 && float64(bytes) < float64(b.minRate)*span.Seconds() {
				b.slowRate.Store(int64(float64(bytes) / span.Seconds()))
				b.slow.Store(true)
				b.cancel()
				return
			}
			lastGot, lastWait = got, wait
		}
	}()
}

// waited is how long the box has waited for the server's bytes so far.
func (b *httpBody) waited() time.Duration {
	w := time.Duration(b.waitNanos.Load())
	if start := b.readStart.Load(); start != 0 {
		w += time.Since(time.Unix(0, start))
	}
	return w
}

func (b *httpBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.timer != nil {
		b.timer.Reset(b.idle)
	}
	start := time.Now()
	b.readStart.Store(start.UnixNano())
	n, err := b.rc.Read(p)
	b.waitNanos.Add(int64(time.Since(start)))
	b.readStart.Store(0)
	if b.timer != nil {
		b.timer.Stop()
	}
	got := b.got.Add(int64(n))
	if b.want < 0 && got > b.max {
		b.err = bodyErr(nil, "the server sends more than %d bytes for %s", b.max, b.name)
		return n, b.err
	}
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF && (b.want < 0 || got == b.want):
		return n, io.EOF
	case b.slow.Load():
		b.err = bodyErr(err, "%s arrived at %s a second, slower than the %s a second the box needs: the transfer was stopped after %d bytes",
			b.name, byteSize(b.slowRate.Load()), byteSize(b.minRate), got)
	case b.late.Load():
		b.err = bodyErr(err, "%s kept the box waiting longer than %s, the most this transfer may take: it was stopped after %d bytes", b.name, b.deadline.Round(time.Millisecond), got)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		b.err = bodyErr(err, "the transfer of %s ended after %d of %d bytes: the connection was cut before the whole file arrived", b.name, got, b.want)
	case b.stalled.Load():
		b.err = bodyErr(err, "the server sent nothing for %s after %d bytes of %s: it stopped sending", b.idle, got, b.name)
	case errors.Is(err, context.Canceled):
		b.err = bodyErr(err, "the download was cancelled")
	default:
		b.err = bodyErr(err, "reading %s after %d bytes: %v", b.name, got, rootCause(err))
	}
	return n, b.err
}

// bodyError is a failure while the body is read: status 27. The image reader
// keeps only the text of the errors it wraps and adds "Read error" itself, so
// the text is the detail alone; the status stays reachable through Unwrap.
type bodyError struct{ se *StatusError }

func bodyErr(cause error, format string, args ...any) error {
	return &bodyError{&StatusError{Status: StatusReadError, Detail: fmt.Sprintf(format, args...), Err: cause}}
}

func (e *bodyError) Error() string { return e.se.Detail }
func (e *bodyError) Unwrap() error { return e.se }

func (b *httpBody) Close() error {
	if b.timer != nil {
		b.timer.Stop()
	}
	if b.stop != nil {
		b.stopped.Do(func() { close(b.stop) })
	}
	b.cancel()
	return b.rc.Close()
}

// clipText shortens s to n characters for messages.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
