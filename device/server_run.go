package device

import (
	"context"
	"errors"
	"fmt"
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
	// DefaultServerMaxConns is how many connections a server serves at once.
	DefaultServerMaxConns = 64
	// DefaultServerIdleTimeout is how long a client may take to send its
	// request, or take nothing of the answer, or keep an idle connection.
	DefaultServerIdleTimeout = 30 * time.Second
	// ServerMinRate is the slowest a client may take an image on average
	// (32 KiB/s): an image must be taken within the idle timeout plus its
	// size at this rate.
	ServerMinRate = 32 << 10
	// serverHeaderTimeout bounds the request line and headers.
	serverHeaderTimeout = 10 * time.Second
)

// ServerOptions configure an update server.
type ServerOptions struct {
	// BaseURL prefixes every URL written in an update list, e.g.
	// "http://updates.example.com"; "" means the address the client reached
	// the server at. The request's Host header is never used.
	BaseURL string
	// MaxConns bounds the connections served at once; 0 means DefaultServerMaxConns.
	MaxConns int
	// IdleTimeout bounds how long a client may stay silent or take nothing;
	// 0 means DefaultServerIdleTimeout.
	IdleTimeout time.Duration
	// MinRate is the slowest, in bytes per second, a client may take an
	// image on average; 0 means ServerMinRate.
	MinRate int64
	// Logf, when not nil, receives one line per request.
	Logf func(format string, args ...any)
}

func (o ServerOptions) idle() time.Duration {
	if o.IdleTimeout > 0 {
		return o.IdleTimeout
	}
	return DefaultServerIdleTimeout
}

func (o ServerOptions) minRate() int64 {
	if o.MinRate > 0 {
		return o.MinRate
	}
	return ServerMinRate
}

func (o ServerOptions) maxConns() int {
	if o.MaxConns > 0 {
		return o.MaxConns
	}
	return DefaultServerMaxConns
}

// RunningServer is an update server listening on a port.
type RunningServer struct {
	// URL is the address the server listens at, "http://127.0.0.1:PORT".
	URL string
	// Base is what the update lists' URLs start with: the BaseURL option, else URL.
	Base    string
	srv     *http.Server
	handler *UpdateServer
	done    chan error
	once    sync.Once
	err     error
}

// StartUpdateServer serves dir on a free loopback port until Close; the
// screens use it for the demo update server.
func StartUpdateServer(dir string, logf func(format string, args ...any)) (*RunningServer, error) {
	return ListenUpdateServer(dir, "127.0.0.1:0", ServerOptions{Logf: logf})
}

// ListenUpdateServer serves dir on addr ("host:port"; port 0 picks a free
// one) until Close.
func ListenUpdateServer(dir, addr string, opts ServerOptions) (*RunningServer, error) {
	h, err := NewUpdateServer(dir, opts)
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
	rs := &RunningServer{URL: "http://" + ln.Addr().String(), srv: srv, handler: h, done: make(chan error, 1)}
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

// Shutdown stops accepting requests and waits, until ctx ends, for the
// running ones to finish; then it closes what is left.
func (s *RunningServer) Shutdown(ctx context.Context) error {
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
func (s *RunningServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// ServeUpdates serves dir on addr until ctx is done, then shuts down
// cleanly; ready, when not nil, is called with the server once listening.
func ServeUpdates(ctx context.Context, dir, addr string, opts ServerOptions, ready func(*RunningServer)) error {
	rs, err := ListenUpdateServer(dir, addr, opts)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(rs)
	}
	select {
	case <-ctx.Done():
	case err := <-rs.done:
		rs.done <- err // Shutdown reads it
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return rs.Shutdown(sctx)
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
