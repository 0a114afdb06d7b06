// Package colorquery keeps the command line's subcommands from waiting on a
// terminal that never answers a colour query.
//
// bubbletea v1 asks the terminal for its background colour in its package
// init (tea_init.go), before main runs, and waits up to five seconds for the
// answer: every command, even `stbrecovery rules`, stalls that long on a
// terminal that stays mute. This package imports only the standard library,
// so Go initialises it before bubbletea and its terminal packages (packages
// are initialised in import-path order once their imports are). When the
// command line names a subcommand, its init sets TERM=dumb for the start,
// which termenv never queries; Restore puts TERM back. The screens (no
// subcommand) still ask, as they need the answer for their colours.
package colorquery

import (
	"os"
	"strings"
)

// savedTerm carries TERM from init to Restore through the environment, where
// it already lives, rather than in a package variable.
const savedTerm = "STBRECOVERY_TERM_AT_START"

// unset stands for a TERM that was not set at all.
const unset = "(unset)"

// subcommands are the commands that print text and draw no screens.
var subcommands = map[string]bool{
	"key": true, "image": true, "device": true, "rules": true, "serve": true,
	"scenarios": true, "classroom": true, "completion": true, "help": true,
}

func init() {
	if !Quiet(os.Args[1:]) {
		return
	}
	term, ok := os.LookupEnv("TERM")
	if !ok {
		term = unset
	}
	os.Setenv(savedTerm, term)
	os.Setenv("TERM", "dumb")
}

// Quiet reports whether the command line args (without the program name)
// run a subcommand or ask for help: then no screen is drawn and the terminal
// is not asked for its colours.
//
// The screens' own flags all take a value, so a word right after a flag
// written without "=" is that flag's value (`--home device`), not a command.
func Quiet(args []string) bool {
	value := false
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help":
			return true
		case a == "--":
			return false
		case strings.HasPrefix(a, "-"):
			value = !strings.Contains(a, "=")
		case value:
			value = false
		default:
			return subcommands[a]
		}
	}
	return false
}

// Restore puts back the TERM the program started with, if init changed it.
func Restore() {
	term, ok := os.LookupEnv(savedTerm)
	if !ok {
		return
	}
	os.Unsetenv(savedTerm)
	if term == unset {
		os.Unsetenv("TERM")
		return
	}
	os.Setenv("TERM", term)
}
