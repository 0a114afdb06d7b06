package classroom

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// codeAuth checks a trainee's class code. The trainer never logs in with
// the code; a name that cannot be a folder never gets this far.
func (s *Server) codeAuth(ctx ssh.Context, code string) bool {
	user := ctx.User()
	if err := CheckName(user); err != nil {
		s.logf("refused %q from %s: %v", user, ctx.RemoteAddr(), err)
		return false
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(s.cfg.Code)) == 1 {
		s.failures(ctx.RemoteAddr(), false)
		return true
	}
	n := s.failures(ctx.RemoteAddr(), true)
	s.logf("wrong class code for %q from %s (%d in a row)", user, ctx.RemoteAddr(), n)
	if n > 10 {
		n = 10
	}
	time.Sleep(time.Duration(n) * s.cfg.WrongCodeDelay)
	return false
}

// passwordAuth takes the class code as a password.
func (s *Server) passwordAuth(ctx ssh.Context, password string) bool {
	return s.codeAuth(ctx, password)
}

// keyboardAuth asks for the class code; a bad name is told why it is refused.
func (s *Server) keyboardAuth(ctx ssh.Context, ask gossh.KeyboardInteractiveChallenge) bool {
	if err := CheckName(ctx.User()); err != nil {
		ask("", sentence(err.Error())+"\n", nil, nil)
		return s.codeAuth(ctx, "")
	}
	answers, err := ask("", "", []string{"Class code: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return false
	}
	return s.codeAuth(ctx, answers[0])
}

// failures counts the wrong codes in a row from the host of addr (wrong
// true adds one; false forgets them) and returns the count.
func (s *Server) failures(addr net.Addr, wrong bool) int {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !wrong {
		delete(s.wrong, host)
		return 0
	}
	s.wrong[host]++
	return s.wrong[host]
}

// trainerAuth lets in the trainer with a key listed in Dir/trainer_keys,
// read at each login so that keys added during the class count.
func (s *Server) trainerAuth(ctx ssh.Context, key ssh.PublicKey) bool {
	if ctx.User() != TrainerName {
		return false
	}
	if s.isTrainerKey(key) {
		return true
	}
	s.logf("refused trainer key %s from %s: it is not in %s", gossh.FingerprintSHA256(key), ctx.RemoteAddr(), TrainerKeysFile)
	return false
}

func (s *Server) isTrainerKey(key ssh.PublicKey) bool {
	data, err := os.ReadFile(filepath.Join(s.cfg.Dir, TrainerKeysFile))
	if err != nil {
		return false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey(line)
		if err == nil && ssh.KeysEqual(k, key) {
			return true
		}
	}
	return false
}

// sentence makes an error text a sentence: a capital first letter, a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	if last := b[len(b)-1]; last != '.' && last != '?' && last != '!' {
		b = append(b, '.')
	}
	return string(b)
}
