package classroom

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// agentRequest is the request by which a client offers its SSH agent.
const agentRequest = "auth-agent-req@openssh.com"

// sessionWithoutAgent is the session channel of charmbracelet/ssh, but a
// client's offer of its agent is refused: the session never sees it, and
// the client is told no (charmbracelet/ssh would say yes).
func sessionWithoutAgent(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	ssh.DefaultSessionHandler(srv, conn, noAgentChannel{ch}, ctx)
}

// noAgentChannel is a new session channel whose agent requests are refused.
type noAgentChannel struct{ gossh.NewChannel }

func (c noAgentChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for r := range reqs {
			if r.Type == agentRequest {
				if r.WantReply {
					r.Reply(false, nil)
				}
				continue
			}
			out <- r
		}
	}()
	return ch, out, nil
}
