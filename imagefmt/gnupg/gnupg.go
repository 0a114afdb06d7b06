// Package gnupg signs image blocks with a key in the user's GnuPG keyring, as
// the manufacturer's image-making script does with `gpg -u KEY`: gpg finds
// the key, and gpg-agent makes each signature, asking for the passphrase
// through the user's own pinentry. The secret key never leaves GnuPG.
//
// A block is an OpenPGP version-3 signature without its key id (FORMAT.md
// §3): its digest covers the data, the class byte and the time. GnuPG 2.1 and
// later make only version-4 signatures, whose digest also covers their
// subpackets, so `gpg --detach-sign` cannot make a block; the agent signs the
// version-3 digest directly (its PKSIGN command), which gives the same bytes
// gpg 1.4 made with --force-v3-sigs.
package gnupg

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Keyring is the user's GnuPG: the gpg and gpg-connect-agent programs and
// the home folder (GNUPGHOME; "" means gpg's default or the environment's).
type Keyring struct {
	GPG   string // the gpg program; "" finds gpg on PATH
	Agent string // the gpg-connect-agent program; "" finds it on PATH
	Home  string // GNUPGHOME for both; "" leaves the environment as it is
	// TTY is the terminal a pinentry asks on ("" lets the agent use its own).
	TTY string
}

// secretKey is one secret key gpg lists.
type secretKey struct {
	id, fpr, grip, uid string
	algo, bits         int
}

func (k secretKey) String() string {
	uid := k.uid
	if uid == "" {
		uid = "no user id"
	}
	return fmt.Sprintf("%s %q", k.id, uid)
}

// Key finds the secret key id (a key id, fingerprint or user id, as gpg -u
// takes it) in the keyring and returns its public key, read with go-crypto
// from gpg's export, able to sign blocks through gpg-agent.
func (r Keyring) Key(ctx context.Context, id string) (*imagefmt.Key, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("give the key id, fingerprint or user id of a secret key in your GnuPG keyring")
	}
	out, err := r.gpg(ctx, "--with-colons", "--with-keygrip", "--fixed-list-mode", "--list-secret-keys", "--", id)
	if err != nil {
		return nil, fmt.Errorf("gpg finds no secret key %q in %s (%v); list them with gpg --list-secret-keys", id, r.where(), err)
	}
	keys := parseSecretKeys(out)
	switch {
	case len(keys) == 0:
		return nil, fmt.Errorf("gpg finds no secret key %q in %s; list them with gpg --list-secret-keys", id, r.where())
	case len(keys) > 1:
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		return nil, fmt.Errorf("%q names %d secret keys in %s (%s); give one key id or fingerprint", id, len(keys), r.where(), strings.Join(names, ", "))
	}
	sk := keys[0]
	if sk.algo != 1 || sk.bits != 2048 {
		return nil, fmt.Errorf("%w (the GnuPG key %s is algorithm %d, %d bits)", imagefmt.ErrUnsupportedKey, sk, sk.algo, sk.bits)
	}
	pub, err := r.gpg(ctx, "--export", "--export-options", "export-minimal", "--", sk.fpr)
	if err != nil || len(pub) == 0 {
		return nil, fmt.Errorf("gpg cannot export the public key %s (%v)", sk, err)
	}
	k, err := imagefmt.LoadKey(pub)
	if err != nil {
		return nil, fmt.Errorf("the public key gpg exports for %s cannot be read: %v", sk, err)
	}
	if !strings.EqualFold(fmt.Sprintf("%X", k.Fingerprint), sk.fpr) {
		return nil, fmt.Errorf("gpg exported another key than %s", sk)
	}
	k.External = &agentSigner{r: r, grip: sk.grip, key: sk}
	return k, nil
}

func (r Keyring) where() string {
	if r.Home != "" {
		return "the GnuPG home " + r.Home
	}
	if h := os.Getenv("GNUPGHOME"); h != "" {
		return "the GnuPG home " + h
	}
	return "your GnuPG keyring"
}

func (r Keyring) env() []string {
	env := os.Environ()
	if r.Home != "" {
		env = append(env, "GNUPGHOME="+r.Home)
	}
	return env
}

// gpg runs gpg in batch mode and returns its standard output.
func (r Keyring) gpg(ctx context.Context, args ...string) ([]byte, error) {
	prog := r.GPG
	if prog == "" {
		prog = "gpg"
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, errors.New("gpg is not installed (or not on PATH)")
	}
	cmd := exec.CommandContext(ctx, path, append([]string{"--batch", "--no-tty"}, args...)...)
	cmd.Env = r.env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.Bytes(), errors.New(lastLine(errb.String(), err.Error()))
	}
	return out.Bytes(), nil
}

// parseSecretKeys reads gpg's --with-colons listing: a sec record, then its
// fpr, grp and uid records (the first of each counts; sub keys are skipped).
func parseSecretKeys(out []byte) []secretKey {
	var keys []secretKey
	inPrimary := false
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), ":")
		if len(f) < 10 {
			if len(f) > 0 && f[0] == "ssb" {
				inPrimary = false
			}
			continue
		}
		switch f[0] {
		case "sec":
			inPrimary = true
			k := secretKey{id: f[4]}
			k.bits, _ = strconv.Atoi(f[2])
			k.algo, _ = strconv.Atoi(f[3])
			keys = append(keys, k)
		case "ssb":
			inPrimary = false
		case "fpr":
			if inPrimary && keys[len(keys)-1].fpr == "" {
				keys[len(keys)-1].fpr = f[9]
			}
		case "grp":
			if inPrimary && keys[len(keys)-1].grip == "" {
				keys[len(keys)-1].grip = f[9]
			}
		case "uid":
			if len(keys) > 0 && keys[len(keys)-1].uid == "" {
				keys[len(keys)-1].uid = unescapeColons(f[9])
			}
		}
	}
	out2 := keys[:0]
	for _, k := range keys {
		if k.fpr != "" && k.grip != "" {
			out2 = append(out2, k)
		}
	}
	return out2
}

// unescapeColons undoes gpg's \xNN escapes in a colon listing field.
func unescapeColons(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func lastLine(s, fallback string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return strings.TrimPrefix(l, "gpg: ")
	}
	return fallback
}

// agentSigner signs digests with a key gpg-agent holds, by its keygrip.
type agentSigner struct {
	r    Keyring
	grip string
	key  secretKey
}

// algoNumbers are libgcrypt's hash numbers, as SETHASH takes them.
var algoNumbers = map[crypto.Hash]int{crypto.SHA1: 2, crypto.SHA256: 8}

// SignDigest asks gpg-agent for the PKCS#1 v1.5 signature of digest; the
// agent asks for the key's passphrase through its pinentry when it needs it.
func (s *agentSigner) SignDigest(alg crypto.Hash, digest []byte) ([]byte, error) {
	num, ok := algoNumbers[alg]
	if !ok {
		return nil, fmt.Errorf("gpg-agent signs SHA-1 and SHA-256 blocks, not %s", imagefmt.HashName(alg))
	}
	prog := s.r.Agent
	if prog == "" {
		prog = "gpg-connect-agent"
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, errors.New("gpg-connect-agent is not installed (it comes with gpg); install GnuPG 2")
	}
	var script strings.Builder
	if s.r.TTY != "" {
		fmt.Fprintf(&script, "OPTION ttyname=%s\n", s.r.TTY)
		if term := os.Getenv("TERM"); term != "" {
			fmt.Fprintf(&script, "OPTION ttytype=%s\n", term)
		}
	}
	fmt.Fprintf(&script, "SIGKEY %s\n", s.grip)
	fmt.Fprintf(&script, "SETKEYDESC %s\n", assuanEscape(fmt.Sprintf("Sign an image block with the key %s.", s.key)))
	fmt.Fprintf(&script, "SETHASH %d %s\nPKSIGN\n/bye\n", num, hex.EncodeToString(digest))
	cmd := exec.Command(path)
	cmd.Env = s.r.env()
	cmd.Stdin = strings.NewReader(script.String())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("gpg-connect-agent failed: %s", lastLine(errb.String(), err.Error()))
	}
	return parseAgentSignature(out.Bytes())
}

// parseAgentSignature reads the agent's answer to PKSIGN: OK lines, then D
// lines holding (7:sig-val(3:rsa(1:s<n>:<n bytes>))), or an ERR line.
func parseAgentSignature(out []byte) ([]byte, error) {
	var data []byte
	for _, line := range bytes.Split(out, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("ERR ")):
			return nil, agentError(string(line[4:]))
		case bytes.HasPrefix(line, []byte("D ")):
			data = append(data, assuanUnescape(line[2:])...)
		}
	}
	const tag = "(1:s"
	i := bytes.Index(data, []byte(tag))
	if i < 0 {
		return nil, errors.New("gpg-agent gave no RSA signature")
	}
	rest := data[i+len(tag):]
	colon := bytes.IndexByte(rest, ':')
	if colon <= 0 || colon > 4 {
		return nil, errors.New("gpg-agent gave a signature that cannot be read")
	}
	n, err := strconv.Atoi(string(rest[:colon]))
	if err != nil || n <= 0 || n > 512 || len(rest) < colon+1+n {
		return nil, errors.New("gpg-agent gave a signature that cannot be read")
	}
	return append([]byte(nil), rest[colon+1:colon+1+n]...), nil
}

// AgentError is gpg-agent's refusal to sign: its reason, and what to do.
type AgentError struct {
	Reason string // as the agent says it, e.g. "No secret key"
	Hint   string // what to do about it
}

func (e *AgentError) Error() string {
	return fmt.Sprintf("gpg-agent did not sign (%s); %s", e.Reason, e.Hint)
}

// agentError turns "67108881 No secret key <GPG Agent>" into an AgentError.
func agentError(s string) *AgentError {
	if _, msg, ok := strings.Cut(s, " "); ok {
		s = msg
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, " <"); i > 0 && strings.HasSuffix(s, ">") {
		s = s[:i]
	}
	e := &AgentError{Reason: s, Hint: "check gpg-agent with gpg-connect-agent"}
	low := strings.ToLower(s)
	switch {
	case strings.Contains(low, "no secret key"):
		e.Hint = "gpg-agent does not hold the secret part: import it with gpg --import"
	case strings.Contains(low, "pinentry"), strings.Contains(low, "inappropriate ioctl"):
		e.Hint = "gpg-agent could not ask for the passphrase: run in a terminal with GPG_TTY=$(tty) exported, or check its pinentry-program"
	case strings.Contains(low, "cancel"):
		e.Hint = "the passphrase was not given: run again and give it"
	case strings.Contains(low, "bad passphrase"):
		e.Hint = "run again with the right passphrase"
	}
	return e
}

// assuanUnescape undoes the %XX escapes of an Assuan data line.
func assuanUnescape(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) {
			if v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// assuanEscape writes a SETKEYDESC text: %XX for specials, + for spaces.
func assuanEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == ' ':
			b.WriteByte('+')
		case c < 0x20 || c == '%' || c == '+' || c == '"' || c == '\\' || c >= 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
