package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui/classroom"
)

func newClassroomCmd() *cobra.Command {
	var cfg classroom.Config
	var names []string
	cmd := &cobra.Command{
		Use:   "classroom --dir DIR --code CODE [--addr 127.0.0.1:2222] [--scenario NAME ...] [--exam [--time-limit 30m]] [--max-sessions 60]",
		Short: "Serve a class over SSH: each trainee their own box, the trainer a live dashboard",
		Long: `classroom is an SSH server for a training class. Trainees log in with the ssh client they
already have, as "ssh -p 2222 NAME@HOST", and the class code; each NAME (letters, digits,
'-', '_', '.', at most 32) gets its own box and USB stick for every scenario under
DIR/trainees/NAME/, kept between logins, and the same screens as the local program. A
trainee picks one of the class's scenarios (--scenario, repeated; default: every shipped
scenario), or starts the only one at once. A dropped connection during a write is a power
cut for that trainee's box only.

The trainer logs in as "ssh -p 2222 trainer@HOST" with a key listed in DIR/trainer_keys
(the form of OpenSSH's authorized_keys) and watches every trainee live: scenario, state,
steps, hints, time and the last status code. "stbrecovery classroom report --dir DIR"
sums the class up. The trainer assigns a scenario to one trainee (a) or to all (A) and
resets a trainee's box (r). With --exam there are no hints, each scenario has --time-limit
from the moment a trainee opens it, the trainer may end the exam for everyone (E), and
each scenario gets a score: 0 unless the goal is met in time, else 100 less up to 40 for
the time taken, less 5 for each step beyond the scenario's solution (at most 30), never
below 10. The host key is made in DIR on the first start and kept.
Ctrl+C ends the class.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("time-limit") && !cfg.Exam {
				return usageErr("--time-limit goes with --exam: add --exam, or drop the time limit")
			}
			if len(names) == 0 {
				names = scenario.Names()
			}
			for _, n := range names {
				sc, err := scenario.Load(n)
				if err != nil {
					return withCode(exitError, err)
				}
				cfg.Scenarios = append(cfg.Scenarios, sc)
			}
			if _, err := device.PaceFor(cfg.Scenarios[0].Model, cfg.Pace); err != nil {
				return usageErr("--pace: %v", err)
			}
			cfg.Log = log.New(cmd.ErrOrStderr(), "", log.LstdFlags)
			classroom.RaiseProcs()
			srv, err := classroom.New(cfg)
			if err != nil {
				return withCode(exitError, err)
			}
			ln, err := srv.Listen()
			if err != nil {
				srv.Close()
				return withCode(exitError, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			fmt.Fprintf(cmd.OutOrStdout(), "Classroom on %s: trainees log in with ssh -p PORT NAME@HOST and the code; the trainer as trainer@HOST with a key in %s. Ctrl+C ends the class.\n",
				ln.Addr(), filepath.Join(cfg.Dir, classroom.TrainerKeysFile))
			select {
			case err = <-done:
				srv.Close()
				return withCode(exitError, err)
			case <-ctx.Done():
			}
			// the class ends now: an update being written sees a power cut
			if err := srv.Close(); err != nil {
				return withCode(exitError, fmt.Errorf("the class ended badly: %v", err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Class ended; see the report with: stbrecovery classroom report --dir %s\n", cfg.Dir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Dir, "dir", "", "the class `DIR`: host key, trainer_keys, trainees/NAME/")
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:2222", "the address to listen on (host:port; 0.0.0.0:2222 for the whole room)")
	f.StringVar(&cfg.Code, "code", "", "the class `CODE` trainees log in with")
	requireFlag(cmd, "dir", "give the class folder with --dir DIR")
	requireFlag(cmd, "code", "give the class code trainees log in with: --code CODE")
	f.StringArrayVar(&names, "scenario", nil, "a scenario `NAME` or FILE the class offers (repeat it; default: every shipped scenario)")
	f.IntVar(&cfg.MaxSessions, "max-sessions", 60, "how many connections may be open at once")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", 30*time.Minute, "close a connection idle this long")
	f.StringArrayVar(&cfg.UpdateHosts, "update-host", nil, "`HOST:PORT` of an update server the boxes may download from besides their scenario's own (repeat it); no other host is reached")
	f.StringVar(&cfg.Pace, "pace", device.PaceReal, "how fast updates write the flash: `real` (the time the box takes), fast or instant")
	f.BoolVar(&cfg.Exam, "exam", false, "run the class as an exam: no hints, a time limit per scenario, a score")
	f.DurationVar(&cfg.TimeLimit, "time-limit", 30*time.Minute, "with --exam: the time each scenario may take, from the moment a trainee opens it")
	cmd.AddCommand(newClassroomReportCmd())
	return cmd
}

func newClassroomReportCmd() *cobra.Command {
	var dir, htmlFile string
	var asJSON, asCSV bool
	cmd := &cobra.Command{
		Use:   "report --dir DIR [--json | --csv | --html FILE]",
		Short: "Sum a class up: one row per trainee and scenario",
		Long: "report reads the scenario reports the classroom keeps under DIR/trainees/NAME/SCENARIO/ and\n" +
			"prints one row per trainee and scenario (their latest session): goal met, time, steps, hints\n" +
			"and the last status code. --json prints one object with the full reports, --csv a table,\n" +
			"--html FILE writes one self-contained page with a chart of the time to goal per scenario.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n := btoi(asJSON) + btoi(asCSV) + btoi(htmlFile != ""); n > 1 {
				return usageErr("--json, --csv and --html go one at a time: pick one")
			}
			rows, err := classroom.ReadReport(dir)
			if err != nil {
				return withCode(exitError, err)
			}
			out := cmd.OutOrStdout()
			switch {
			case asJSON:
				return printJSON(out, struct {
					Rows []classroom.ReportRow `json:"rows"`
				}{rows})
			case asCSV:
				return classroom.WriteCSV(out, rows)
			case htmlFile != "":
				return writeHTMLReport(htmlFile, rows, out)
			}
			return classroom.WriteTable(out, rows)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the class `DIR` the classroom ran with")
	requireFlag(cmd, "dir", "give the class folder with --dir DIR")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "print CSV")
	cmd.Flags().StringVar(&htmlFile, "html", "", "write the report as one self-contained HTML page to `FILE`")
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeHTMLReport writes the page to file and says where it is.
func writeHTMLReport(file string, rows []classroom.ReportRow, out io.Writer) error {
	var buf bytes.Buffer
	if err := classroom.WriteHTML(&buf, rows, time.Now()); err != nil {
		return withCode(exitError, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return withCode(exitError, fmt.Errorf("cannot write %s: %v", file, err))
	}
	fmt.Fprintf(out, "Class report written to %s (%d rows)\n", file, len(rows))
	return nil
}
