package updateserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Bounds of an update server, so that no client can hold it: a client that
// sends its request slowly, or takes the answer slowly or not at all, is
// dropped, and only so many connections are served at once (the others wait
// to be accepted).
const (
	// DefaultMaxConns is how many connections a server serves at once.
	DefaultMaxConns = 64
	// DefaultIdleTimeout is how long a client may take to send its
	// request, or take nothing of the answer, or keep an idle connection.
	DefaultIdleTimeout = 30 * time.Second
	// DefaultMinRate is the slowest a client may take an image on average
	// (32 KiB/s): an image must be taken within the idle timeout plus its
	// size at this rate.
	DefaultMinRate = 32 << 10
	// serverHeaderTimeout bounds the request line and headers.
	serverHeaderTimeout = 10 * time.Second
)

// Options configure an update server.
type Options struct {
	// BaseURL prefixes every URL written in an update list, e.g.
	// "http://updates.example.com"; "" means the address the client reached
	// the server at. The request's Host header is never used.
	BaseURL string
	// MaxConns bounds the connections served at once; 0 means DefaultMaxConns.
	MaxConns int
	// IdleTimeout bounds how long a client may stay silent or take nothing;
	// 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MinRate is the slowest, in bytes per second, a client may take an
	// image on average; 0 means DefaultMinRate.
	MinRate int64
	// Logf, when not nil, receives one line per request.
	Logf func(format string, args ...any)
}

func (o Options) idle() time.Duration {
	if o.IdleTimeout > 0 {
		return o.IdleTimeout
	}
	return DefaultIdleTimeout
}

func (o Options) minRate() int64 {
	if o.MinRate > 0 {
		return o.MinRate
	}
	return DefaultMinRate
}

func (o Options) maxConns() int {
	if o.MaxConns > 0 {
		return o.MaxConns
	}
	return DefaultMaxConns
}

// Running is an update server listening on a port.
type Running struct {
	// URL is the address the server listens at, "http://127.0.0.1:PORT".
	URL string
	// Base is what the update lists' URLs start with: the BaseURL option, else URL.
	Base    string
	srv     *http.Server
	handler *Server
	done    chan error
	once    sync.Once
	err     error
}

// Start serves dir on addr ("host:port"; "127.0.0.1:0" is a free loopback
// port) until Close, Shutdown or the end of Run.
func Start(dir, addr string, opts Options) (*Running, error) {
	h, err := New(dir, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	idle := opts.idle()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: min(serverHeaderTimeout, idle), ReadTimeout: idle,
		WriteTimeout: idle, IdleTimeout: idle, MaxHeaderBytes: 64 << 10}
	rs := &Running{URL: "http://" + ln.Addr().String(), srv: srv, handler: h, done: make(chan error, 1)}
	rs.Base = rs.URL
	if h.base != "" {
		rs.Base = h.base
	}
	lim := newLimitListener(ln, opts.maxConns())
	go func() {
		err := srv.Serve(lim)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		rs.done <- err
	}()
	return rs, nil
}

// Images lists the images the server offers, as Server.Images does.
func (s *Running) Images() ([]Image, error) { return s.handler.Images() }

// Run keeps serving until ctx is done or the server fails, then shuts down
// cleanly, giving the running requests a few seconds to finish.
func (s *Running) Run(ctx context.Context) error {
	select {
	case <-ctx.Done():
	case err := <-s.done:
		s.done <- err // Shutdown reads it
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(sctx)
}

// Shutdown stops accepting requests and waits, until ctx ends, for the
// running ones to finish; then it closes what is left.
func (s *Running) Shutdown(ctx context.Context) error {
	s.once.Do(func() {
		err := s.srv.Shutdown(ctx)
		if err != nil {
			s.srv.Close()
		}
		if serr := <-s.done; err == nil {
			err = serr
		}
		s.handler.Close()
		s.err = err
	})
	return s.err
}

// Close stops the server at once.
func (s *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// limitListener accepts a connection only while fewer than its limit are
// open; the others wait in the system's queue until one closes.
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{}
	once  sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back once, when it closes.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// ReadFrom passes the connection's own ReadFrom through, so that the
// server sends an image file by sendfile, straight from the file.
func (c *limitConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}
