package classroom

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	gossh "golang.org/x/crypto/ssh"
)

// stallingServer serves the first half of a MAG254 Public demo image at
// /image, then waits until the client goes away; gone is closed then.
func stallingServer(t *testing.T) (url string, gone <-chan struct{}) {
	t.Helper()
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	m, err := device.LookupModel("MAG254")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := demoimage.BuildNamed(&buf, keys, m.DemoModel(), "public-next"); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	left := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		close(left)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, left
}

// TestDropMidWrite: a trainee's connection drops while their box writes an
// update: that box sees a power cut and boots its old image; another
// trainee's box, writing nothing, is untouched; the name is free again, and
// the trainee who comes back finds the same box and the same record.
func TestDropMidWrite(t *testing.T) {
	url, gone := stallingServer(t)
	c := startClass(t, Config{UpdateHosts: []string{strings.TrimPrefix(url, "http://")}})
	other := c.trainee(t, "bea", 100, 30)
	other.waitFor("Press m (MENU)")
	other.press("enter")
	other.waitFor("Home")

	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Press m (MENU)")
	ann.press("enter")
	ann.waitFor("Home")
	// Settings → Software update → Update from URL
	ann.press("enter", "enter", "down", "enter")
	ann.waitFor("URL:")
	ann.press("ctrl+u", url+"/image", "enter")
	ann.waitFor("Writing the inactive bank")
	ann.client.Close() // the connection drops
	ann.ended()
	select {
	case <-gone: // the power cut stopped the download
	case <-time.After(10 * time.Second):
		t.Fatal("the box goes on downloading after its trainee's connection dropped")
	}

	tr := c.srv.roster.get("ann")
	deadline := time.Now().Add(10 * time.Second)
	for tr.row(nil).Online {
		if time.Now().After(deadline) {
			t.Fatal("the dropped session still holds the name")
		}
		time.Sleep(10 * time.Millisecond)
	}
	run := tr.runs["custom-key-lock"]
	st := run.world.Box.State()
	if st.Active != 0 || !st.Banks[0].Valid || st.Banks[0].Image.Kind != device.KindCustom {
		t.Fatalf("after the drop the box's active bank is %d, holding %+v; want bank 0 with the Custom image", st.Active, st.Banks[0].Image)
	}
	if st.Banks[1].Valid {
		t.Error("the bank being written is valid after a power cut")
	}
	if rep := run.world.Box.Boot(); !rep.OK {
		t.Errorf("the box does not boot its old image after the cut: %+v", rep)
	}
	if s := other.screen(); strings.Contains(s, "power off") {
		t.Errorf("the other trainee's box lost power:\n%s", s)
	}
	if st := c.srv.roster.get("bea").runs["custom-key-lock"].world.Box.State(); st.Banks[1].Valid || st.Active != 0 {
		t.Errorf("the other trainee's box changed: %+v", st)
	}
	steps := tr.row(nil).Steps

	back := c.trainee(t, "ann", 100, 30)
	back.waitFor("Press m (MENU)")
	back.press("enter")
	back.waitFor("Running 0.2.19")
	c.waitSteps(t, "ann", steps+1)
	if got := c.srv.roster.get("ann").runs["custom-key-lock"]; got != run {
		t.Error("the trainee came back to another run")
	}
}

// TestNameInUse: a second login with a name in use is told so and ends;
// the first goes on.
func TestNameInUse(t *testing.T) {
	c := startClass(t, Config{})
	first := c.trainee(t, "ann", 100, 30)
	first.waitFor("Press m (MENU)")
	second := c.trainee(t, "Ann", 100, 30) // one trainee whatever the case
	second.waitFor("The name ann is in use in this class: log in with another name.")
	second.ended()
	first.press("enter")
	first.waitFor("Home")
}

// TestNoShellNoForwarding: a command, SFTP, port forwarding and a session
// without a terminal are refused; an idle connection is closed; connections
// beyond the limit are refused.
func TestNoShellNoForwarding(t *testing.T) {
	c := startClass(t, Config{MaxSessions: 3, IdleTimeout: 800 * time.Millisecond})
	dial := func() *gossh.Client {
		t.Helper()
		cl, err := c.dial("ann", gossh.Password("blue-42"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		return cl
	}
	cl := dial()
	t.Run("exec", func(t *testing.T) {
		s, err := cl.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if out, err := s.CombinedOutput("cat /etc/passwd"); err == nil {
			t.Errorf("a command ran: %q", out)
		}
	})
	t.Run("sftp", func(t *testing.T) {
		s, err := cl.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.RequestSubsystem("sftp"); err == nil {
			t.Error("the sftp subsystem was granted")
		}
	})
	t.Run("local forwarding", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		if conn, err := cl.Dial("tcp", ln.Addr().String()); err == nil {
			conn.Close()
			t.Error("a direct-tcpip channel was opened")
		}
	})
	t.Run("remote forwarding", func(t *testing.T) {
		if ln, err := cl.Listen("tcp", "127.0.0.1:0"); err == nil {
			ln.Close()
			t.Error("a tcpip-forward was granted")
		}
	})
	t.Run("agent forwarding", func(t *testing.T) {
		s, err := cl.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ok, err := s.SendRequest("auth-agent-req@openssh.com", true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			t.Error("agent forwarding was granted")
		}
	})
	t.Run("no terminal", func(t *testing.T) {
		s, err := cl.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var out bytes.Buffer
		s.Stdout = &out
		if err := s.Shell(); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if !strings.Contains(out.String(), "Requires an active PTY") {
			t.Errorf("a shell without a terminal got %q", out.String())
		}
	})
	t.Run("session limit", func(t *testing.T) {
		dial()
		dial() // three open: the limit
		if extra, err := c.dial("bob", gossh.Password("blue-42")); err == nil {
			extra.Close()
			t.Error("a fourth connection was let in")
		}
		if !strings.Contains(c.log.String(), "3 connections are open") {
			t.Errorf("the refusal is not logged:\n%s", c.log.String())
		}
	})
	t.Run("idle timeout", func(t *testing.T) {
		done := make(chan error, 1)
		go func() { done <- cl.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("an idle connection stayed open")
		}
	})
}

// TestBoxReachesOnlyItsServer: a URL typed on a trainee's box that names
// another host is refused before a request leaves the classroom.
func TestBoxReachesOnlyItsServer(t *testing.T) {
	var hits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	c := startClass(t, Config{})
	ann := c.trainee(t, "ann", 100, 30)
	ann.waitFor("Press m (MENU)")
	ann.press("enter")
	ann.waitFor("Home")
	ann.press("enter", "enter", "down", "enter")
	ann.waitFor("URL:")
	ann.press("ctrl+u", other.URL+"/image", "enter")
	ann.waitFor("cannot be reached from a", "only its scenario's update server")
	if n := hits.Load(); n != 0 {
		t.Errorf("the other server got %d requests", n)
	}
}
