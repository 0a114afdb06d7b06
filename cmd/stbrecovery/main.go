// Command stbrecovery simulates the recovery tools of MAG set-top boxes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/cmd/stbrecovery/colorquery"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// Exit codes of the command line (DESIGN.md).
const (
	exitOK      = 0
	exitError   = 1 // any other error
	exitRefused = 3 // refused by the rules, or a block fails verification
	exitFormat  = 4 // invalid header or format
)

// exitCodeError carries the process exit code for an error that was already reported, or is to be.
type exitCodeError struct {
	code int
	err  error // nil when the output already says everything
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

// withCode attaches an exit code to err; a nil err means only the code.
func withCode(code int, err error) error { return &exitCodeError{code: code, err: err} }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stbrecovery",
		Short:         "The Bootloader and System Recovery Utility of MAG set-top boxes, simulated",
		Long:          "stbrecovery behaves like the recovery tools of a MAG set-top box: device info, image info,\nupdate from USB and HTTP, with the real signature rules of factory, public, custom and operator images.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		// Paths, descriptions, URLs and key names come from outside: what the
		// commands write reaches the terminal with its control characters escaped.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cmd.Root().SetOut(safetext.NewWriter(cmd.Root().OutOrStdout()))
			cmd.Root().SetErr(safetext.NewWriter(cmd.Root().ErrOrStderr()))
			return checkEmptyFlags(cmd)
		},
	}
	addTUIFlags(root)
	root.AddCommand(newKeyCmd(), newImageCmd(), newDeviceCmd(), newRulesCmd(), newServeCmd(), newScenariosCmd(), newClassroomCmd())
	return root
}

func main() {
	colorquery.Restore()
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args until it is done or ctx ends, with
// stdout and stderr as the commands' output, and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := execute(ctx, cmd)
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.err != nil {
			fmt.Fprint(stderr, errorLine(ec.err))
		}
		return ec.code
	}
	fmt.Fprint(stderr, errorLine(err))
	return exitError
}

// execute runs the command line set on cmd; a mistake in the flags cobra
// checks is told in the sentences of requireFlag and oneOf.
func execute(ctx context.Context, cmd *cobra.Command) error {
	c, err := cmd.ExecuteContextC(ctx)
	return explainFlagError(c, err)
}

// errorLine is how a failed command reports err on stderr: one line, its
// control characters escaped (an error may quote a path or a server's answer).
func errorLine(err error) string {
	return "stbrecovery: " + safetext.Escape(err.Error()) + "\n"
}
