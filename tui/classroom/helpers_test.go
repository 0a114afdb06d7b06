package classroom

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
	gossh "golang.org/x/crypto/ssh"
)

// lockedBuffer is a log or a screen written by one goroutine, read by another.
type lockedBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	next chan struct{} // closed by the next write; nil: nobody waits
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next != nil && len(p) > 0 {
		close(b.next)
		b.next = nil
	}
	return b.buf.Write(p)
}

// written is closed by the next write: a waiter sleeps until bytes come
// instead of polling, and sees when they came.
func (b *lockedBuffer) written() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next == nil {
		b.next = make(chan struct{})
	}
	return b.next
}

// from is what was written from byte i on.
func (b *lockedBuffer) from(i int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if i > b.buf.Len() {
		i = b.buf.Len()
	}
	return string(b.buf.Bytes()[i:])
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// class is a classroom served on a free loopback port for one test.
type class struct {
	t       testing.TB
	srv     *Server
	addr    string
	dir     string
	log     *lockedBuffer
	trainer gossh.Signer
	// trainerKey is the private half of trainer, for the OpenSSH client
	trainerKey ed25519.PrivateKey
}

// testTiming boots at once but listens for MENU until it is pressed, and
// waits for OK after an update, so that keystrokes decide every step.
func testTiming() tui.Timing {
	return tui.Timing{MenuWindow: time.Hour, BootStep: time.Nanosecond, Message: time.Nanosecond, Reboot: -1}
}

func loadScenarios(t testing.TB, names ...string) []*scenario.Scenario {
	t.Helper()
	var out []*scenario.Scenario
	for _, n := range names {
		sc, err := scenario.Load(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sc)
	}
	return out
}

// startClass serves cfg (Dir, Code and Timing filled in when empty) with a
// trainer key listed in trainer_keys.
func startClass(t testing.TB, cfg Config) *class {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.Code == "" {
		cfg.Code = "blue-42"
	}
	if cfg.Timing == (tui.Timing{}) {
		cfg.Timing = testTiming()
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = loadScenarios(t, "custom-key-lock")
	}
	if cfg.WrongCodeDelay == 0 {
		cfg.WrongCodeDelay = 20 * time.Millisecond
	}
	if cfg.Refresh == 0 {
		cfg.Refresh = 50 * time.Millisecond
	}
	lb := &lockedBuffer{}
	cfg.Log = log.New(lb, "", 0)
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keys := "# the trainer\n" + string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
	if err := os.WriteFile(filepath.Join(cfg.Dir, TrainerKeysFile), []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c := &class{t: t, srv: srv, addr: ln.Addr().String(), dir: cfg.Dir, log: lb, trainer: signer, trainerKey: priv}
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return c
}

// dial connects as user with the given auth methods.
func (c *class) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", c.addr, &gossh.ClientConfig{User: user, Auth: auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
}

// terminal is a client session with a pty: keys go in, the screen comes out.
type terminal struct {
	t      testing.TB
	name   string
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	out    *lockedBuffer
	mark   int // waitFor looks at the screen from here on
	done   chan struct{}
}

// open starts a shell with a pty of w×h on client.
func open(t testing.TB, name string, client *gossh.Client, w, h int) *terminal {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	modes := gossh.TerminalModes{gossh.ECHO: 0}
	if err := sess.RequestPty("xterm-256color", h, w, modes); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &lockedBuffer{}
	sess.Stdout, sess.Stderr = out, out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, name: name, client: client, sess: sess, in: in, out: out, done: make(chan struct{})}
	go func() { sess.Wait(); close(term.done) }()
	t.Cleanup(func() { client.Close() })
	return term
}

// trainee logs name in with the class code by password and opens a terminal.
func (c *class) trainee(t testing.TB, name string, w, h int) *terminal {
	t.Helper()
	cl, err := c.dial(name, gossh.Password("blue-42"))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return open(t, name, cl, w, h)
}

// trainerTerm logs the trainer in with the listed key and opens a terminal.
func (c *class) trainerTerm(t testing.TB, w, h int) *terminal {
	t.Helper()
	cl, err := c.dial(TrainerName, gossh.PublicKeys(c.trainer))
	if err != nil {
		t.Fatalf("trainer: %v", err)
	}
	return open(t, TrainerName, cl, w, h)
}

// keyNames are the keys press takes by name; anything else is typed.
var keyNames = map[string]string{
	"enter": "\r", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D", "ctrl+u": "\x15",
}

// press sends keys one at a time, as a person types them.
func (term *terminal) press(keys ...string) {
	term.t.Helper()
	term.mark = term.out.Len()
	for _, k := range keys {
		s, ok := keyNames[k]
		if !ok {
			s = k
		}
		if _, err := term.in.Write([]byte(s)); err != nil {
			term.t.Fatalf("%s: typing %q: %v", term.name, k, err)
		}
		time.Sleep(5 * time.Millisecond) // one key per read, as from a keyboard
	}
}

// screen is what the terminal received since the last keys, without styles.
func (term *terminal) screen() string {
	if n := term.out.Len(); term.mark > n {
		term.mark = n
	}
	return ansi.Strip(term.out.from(term.mark))
}

// waitFor waits until the screen shows every one of texts.
func (term *terminal) waitFor(texts ...string) {
	term.t.Helper()
	deadline := time.Now().Add(60 * time.Second) // only a failure waits this long; a loaded machine under -race is slow
	for {
		s := term.screen()
		missing := ""
		for _, x := range texts {
			if !strings.Contains(s, x) {
				missing = x
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("%s: the screen never showed %q; it shows:\n%s", term.name, missing, tail(s, 2500))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ended waits for the server to end the session.
func (term *terminal) ended() {
	term.t.Helper()
	select {
	case <-term.done:
	case <-time.After(10 * time.Second):
		term.t.Fatalf("%s: the session did not end", term.name)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
