package classroom

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// Config is a class.
type Config struct {
	// Dir holds the host key, trainer_keys and trainees/NAME/.
	Dir string
	// Addr is where Listen listens, e.g. 127.0.0.1:2222.
	Addr string
	// Code is the class code trainees log in with.
	Code string
	// Scenarios are the scenarios the class offers; a trainee picks one,
	// or gets it at once when there is only one.
	Scenarios []*scenario.Scenario
	// MaxSessions is how many connections may be open at once (0: 60).
	MaxSessions int
	// IdleTimeout closes a connection that sent nothing for this long (0: 30 minutes).
	IdleTimeout time.Duration
	// WrongCodeDelay is the wait after a wrong class code; it grows with each
	// wrong code from the same host, up to ten times (0: one second).
	WrongCodeDelay time.Duration
	// UpdateHosts (host:port) are the update servers a box may download
	// from besides its scenario's own; none by default.
	UpdateHosts []string
	// Pace of the boxes' flash writes, as tui.Options.Pace ("": instant).
	Pace string
	// Timing of the screens (zero: the interactive program's).
	Timing tui.Timing
	// Log receives connections, refusals and wrong codes (nil: discarded).
	Log *log.Logger
	// Exam runs the class as an exam: no hints, TimeLimit per scenario
	// from the moment a trainee opens it, a score per scenario.
	Exam bool
	// TimeLimit of an exam (0: 30 minutes).
	TimeLimit time.Duration
	// Refresh is how often the trainer's dashboard is redrawn (0: one second).
	Refresh time.Duration
}

// TrainerKeysFile is the file in Dir that lists the trainer's public keys,
// one a line, in the form of OpenSSH's authorized_keys.
const TrainerKeysFile = "trainer_keys"

// HostKeyFile is the server's host key in Dir, made on the first start.
const HostKeyFile = "host_ed25519"

func (c Config) withDefaults() (Config, error) {
	if c.Dir == "" {
		return c, errors.New("no class folder: give --dir DIR")
	}
	if c.Code == "" {
		return c, errors.New("no class code: give --code CODE, the code trainees log in with")
	}
	if len(c.Scenarios) == 0 {
		return c, errors.New("the class has no scenario: name one with --scenario NAME")
	}
	if c.MaxSessions < 0 {
		return c, fmt.Errorf("--max-sessions %d is below zero: give how many connections may be open at once", c.MaxSessions)
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = 60
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	if c.WrongCodeDelay == 0 {
		c.WrongCodeDelay = time.Second
	}
	if c.TimeLimit < 0 {
		return c, fmt.Errorf("--time-limit %v is below zero: give the time each scenario of the exam may take", c.TimeLimit)
	}
	if c.TimeLimit == 0 {
		c.TimeLimit = 30 * time.Minute
	}
	if c.Refresh == 0 {
		c.Refresh = time.Second
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:2222"
	}
	return c, nil
}
