package classroom

import (
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// pane is a tmux window running the stock OpenSSH client.
type pane struct {
	t      *testing.T
	socket string
	name   string
}

func (p *pane) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (p *pane) screen() string {
	out, _ := p.tmux("capture-pane", "-p", "-t", p.name)
	return out
}

func (p *pane) keys(keys ...string) {
	p.t.Helper()
	for _, k := range keys {
		if out, err := p.tmux("send-keys", "-t", p.name, k); err != nil {
			p.t.Fatalf("send-keys %s: %v %s", k, err, out)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (p *pane) waitFor(texts ...string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := p.screen()
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
			p.t.Fatalf("%s: the screen does not show %q:\n%s", p.name, missing, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOpenSSHClient: the stock ssh client, in a real terminal, logs two
// trainees and the trainer in; a wrong code and a name with ../ are refused.
func TestOpenSSHClient(t *testing.T) {
	for _, tool := range []string{"ssh", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	c := startClass(t, Config{WrongCodeDelay: time.Millisecond})
	_, port, _ := net.SplitHostPort(c.addr)
	work := t.TempDir()
	askpass := func(name, answer string) string {
		p := filepath.Join(work, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\necho '"+answer+"'\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	right, wrong := askpass("right", "blue-42"), askpass("wrong", "red-7")
	keyFile := filepath.Join(work, "trainer_key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(trainerPEM(t, c)), 0o600); err != nil {
		t.Fatal(err)
	}
	common := "-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p " + port
	socket := fmt.Sprintf("stbrecovery-classroom-%d", os.Getpid())
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	start := func(name, command string) *pane {
		p := &pane{t: t, socket: socket, name: name}
		// the pane stays after ssh ends, to read what it said
		if out, err := p.tmux("new-session", "-d", "-s", name, "-x", "100", "-y", "30", command+"; echo SSH-ENDED; sleep 60"); err != nil {
			t.Fatalf("tmux: %v %s", err, out)
		}
		return p
	}
	trainee := func(user, pass string) string {
		return "env SSH_ASKPASS=" + pass + " SSH_ASKPASS_REQUIRE=force DISPLAY=:0 ssh -tt " + common +
			" -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 -l '" + user + "' 127.0.0.1"
	}
	alice := start("alice", trainee("alice", right))
	bob := start("bob", trainee("bob", right))
	alice.waitFor("Press m (MENU)", "Locked to a Custom image")
	bob.waitFor("Press m (MENU)", "Locked to a Custom image")
	alice.keys("Enter")
	alice.waitFor("Home · MAG254")

	trainer := start("trainer", "ssh -tt "+common+" -o BatchMode=yes -o IdentitiesOnly=yes -i "+keyFile+" trainer@127.0.0.1")
	trainer.waitFor("2 trainees, 2 online", "alice", "bob", "boot: ok")
	trainer.keys("q")
	trainer.waitFor("SSH-ENDED")

	refused := start("wrong", trainee("carol", wrong))
	refused.waitFor("Permission denied", "SSH-ENDED")
	escape := start("escape", trainee("../carol", right))
	escape.waitFor("SSH-ENDED")
	if !strings.Contains(escape.screen(), "Permission denied") {
		t.Errorf("a name with ../ was not refused:\n%s", escape.screen())
	}
	if !strings.Contains(c.log.String(), `refused "../carol"`) {
		t.Errorf("the server did not refuse the name ../carol:\n%s", c.log.String())
	}
	if _, err := os.Stat(filepath.Join(c.dir, "carol")); err == nil {
		t.Error("a folder was made outside trainees/")
	}
	alice.keys("q")
	alice.waitFor("SSH-ENDED")
	bob.keys("q")
	bob.waitFor("SSH-ENDED")
}

// trainerPEM is the class's trainer key in the OpenSSH private key form.
func trainerPEM(t *testing.T, c *class) *pem.Block {
	t.Helper()
	if c.trainerKey == nil {
		t.Fatal("the class keeps no trainer private key")
	}
	block, err := gossh.MarshalPrivateKey(c.trainerKey, "")
	if err != nil {
		t.Fatal(err)
	}
	return block
}
