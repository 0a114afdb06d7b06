package classroom

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/activeterm"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/logging"
	"github.com/charmbracelet/wish/recover"
	"github.com/muesli/termenv"
	"github.com/stbrecovery/stbrecovery/tui"
)

// Server is a running class: an SSH server that serves each trainee their
// screens and the trainer the dashboard.
type Server struct {
	cfg    Config
	srv    *ssh.Server
	roster *roster
	exam   *exam // nil: practice
	log    *log.Logger
	open   atomic.Int64 // connections open now
	wg     sync.WaitGroup

	mu     sync.Mutex
	wrong  map[string]int // wrong codes in a row, by host
	closed bool           // Close was called: no session starts
}

// context keys of a session
type ctxKey int

const (
	keyTrainee ctxKey = iota // *trainee of a trainee's session
	keyApp                   // *traineeApp, once the program is made
)

// New makes the class's server: the host key in cfg.Dir is made on the first
// start and kept, so that trainees' ssh clients recognise the classroom.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot make the class folder %s: %v", cfg.Dir, err)
	}
	ro, err := newRoster(filepath.Join(cfg.Dir, "trainees"))
	if err != nil {
		return nil, fmt.Errorf("cannot read the trainees of %s: %v", cfg.Dir, err)
	}
	lg := cfg.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	s := &Server{cfg: cfg, roster: ro, log: lg, wrong: map[string]int{}}
	info := classInfo{}
	if cfg.Exam {
		s.exam = &exam{dir: cfg.Dir, limit: cfg.TimeLimit}
		ro.exam = s.exam
		info = classInfo{Exam: true, TimeLimit: cfg.TimeLimit.Seconds()}
	}
	if err := writeClassInfo(cfg.Dir, info); err != nil {
		return nil, fmt.Errorf("cannot write %s in the class folder: %v", ClassFile, err)
	}
	s.srv, err = wish.NewServer(
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPath(filepath.Join(cfg.Dir, HostKeyFile)),
		wish.WithPasswordAuth(s.passwordAuth),
		wish.WithKeyboardInteractiveAuth(s.keyboardAuth),
		wish.WithPublicKeyAuth(s.trainerAuth),
		wish.WithIdleTimeout(cfg.IdleTimeout),
		wish.WithMiddleware(
			recover.MiddlewareWithLogger(panicLogger{lg},
				bm.MiddlewareWithProgramHandler(s.program, termenv.ANSI256),
				s.people,
				activeterm.Middleware(),
				s.noCommands,
				logging.MiddlewareWithLogger(lg),
			),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("cannot start the classroom's SSH server: %v", err)
	}
	// a session is a shell with a terminal: no exec, no subsystem (SFTP);
	// port forwarding stays off (no forwarding callbacks), and agent
	// forwarding is refused
	s.srv.SessionRequestCallback = func(_ ssh.Session, kind string) bool { return kind == "shell" }
	s.srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": sessionWithoutAgent}
	s.srv.ConnCallback = s.limit
	return s, nil
}

// Addr is the address the server was configured with.
func (s *Server) Addr() string { return s.cfg.Addr }

// Listen opens Config.Addr, for Serve.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %v; pick another --addr", s.cfg.Addr, err)
	}
	return ln, nil
}

// Serve serves the class on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Close ends every session (an update being written sees a power cut),
// writes every trainee's report and stops their update servers.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	err := s.srv.Close()
	s.wg.Wait()
	s.roster.close()
	return err
}

// enter counts a session in, unless the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}

func (s *Server) logf(format string, args ...any) { s.log.Printf(format, args...) }

// limit refuses a connection beyond Config.MaxSessions.
func (s *Server) limit(_ ssh.Context, c net.Conn) net.Conn {
	if n := s.open.Add(1); n > int64(s.cfg.MaxSessions) {
		s.open.Add(-1)
		s.logf("refused a connection from %s: %d connections are open, the most this class takes", c.RemoteAddr(), s.cfg.MaxSessions)
		return nil
	}
	return &countedConn{Conn: c, done: func() { s.open.Add(-1) }}
}

// countedConn gives its place back once closed.
type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.done)
	return c.Conn.Close()
}

// noCommands refuses "ssh host COMMAND": the classroom runs screens only.
func (s *Server) noCommands(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if len(sess.Command()) > 0 {
			s.logf("refused command %q from %s", sess.RawCommand(), sess.RemoteAddr())
			wish.Fatalln(sess, "This classroom runs no commands: log in with ssh -p PORT NAME@HOST and no command.")
			return
		}
		next(sess)
	}
}

// people lets the trainer through, and a trainee once per name: the name is
// held until the session ends, then the box's power is cut if an update is
// being written (a dropped connection is a power cut for that box only).
func (s *Server) people(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.enter() {
			return
		}
		defer s.wg.Done()
		user := sess.User()
		if user == TrainerName {
			if sess.PublicKey() == nil || !s.isTrainerKey(sess.PublicKey()) {
				wish.Fatalln(sess, "The trainer logs in with a key listed in "+TrainerKeysFile+".")
				return
			}
			next(sess)
			return
		}
		if err := CheckName(user); err != nil {
			wish.Fatalln(sess, sentence(err.Error()))
			return
		}
		// Ann and ann are one trainee, with one folder on any file system
		user = strings.ToLower(user)
		t, ok := s.roster.claim(user)
		if !ok {
			s.logf("refused %q from %s: the name is in use", user, sess.RemoteAddr())
			wish.Fatalln(sess, fmt.Sprintf("The name %s is in use in this class: log in with another name.", user))
			return
		}
		defer t.release()
		sess.Context().SetValue(keyTrainee, t)
		defer func() {
			if a, ok := sess.Context().Value(keyApp).(*traineeApp); ok {
				a.shutdown()
			}
		}()
		next(sess)
	}
}

// program makes the session's program: the dashboard for the trainer, the
// trainee's screens otherwise, drawn with a renderer of the session's own.
func (s *Server) program(sess ssh.Session) *tea.Program {
	r := sessionRenderer(sess)
	opts := []tea.ProgramOption{tea.WithInput(sess), tea.WithOutput(sess), tea.WithAltScreen(), tea.WithoutSignalHandler()}
	t, ok := sess.Context().Value(keyTrainee).(*trainee)
	if !ok {
		return tea.NewProgram(newDashboard(s.roster, s.cfg.Scenarios, s.exam, r, s.cfg.Refresh), opts...)
	}
	a := newTraineeApp(t, s.cfg.Scenarios, s.exam, s.cfg.UpdateHosts, tui.Options{Renderer: r, Timing: s.cfg.Timing, Pace: s.cfg.Pace})
	sess.Context().SetValue(keyApp, a)
	p := tea.NewProgram(a, opts...)
	t.attach(p.Send)
	return p
}

// sessionRenderer renders for the session's terminal: 256 colours, none
// when the client sets NO_COLOR or TERM=dumb. Nothing is asked of the
// terminal, so the first frame comes at once.
func sessionRenderer(sess ssh.Session) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(sess)
	profile := termenv.ANSI256
	pty, _, _ := sess.Pty()
	if pty.Term == "dumb" {
		profile = termenv.Ascii
	}
	for _, kv := range sess.Environ() {
		if strings.HasPrefix(kv, "NO_COLOR=") && kv != "NO_COLOR=" {
			profile = termenv.Ascii
		}
	}
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(true)
	return r
}

// panicLogger logs a recovered panic in one line, without its stack.
type panicLogger struct{ lg *log.Logger }

func (p panicLogger) Printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	p.lg.Print(msg)
}
