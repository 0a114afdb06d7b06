package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

func newScenariosCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the training scenarios (start one with --scenario NAME)",
		Long: "scenarios lists the training exercises: a box in trouble, a customer's story, a goal and hints.\n" +
			"Start one on the screens with `stbrecovery --scenario NAME` (or the path of a scenario file),\n" +
			"and add --report FILE to write the trainer's report when the program ends.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := scenario.List()
			if err != nil {
				return withCode(exitError, err)
			}
			if asJSON {
				type row struct {
					Name       string `json:"name"`
					Title      string `json:"title"`
					Model      string `json:"model"`
					Difficulty string `json:"difficulty"`
					Summary    string `json:"summary"`
				}
				rows := make([]row, 0, len(list))
				for _, sc := range list {
					rows = append(rows, row{sc.Name, sc.Title, sc.Model.Name, string(sc.Difficulty), sc.Summary})
				}
				return printJSON(cmd.OutOrStdout(), rows)
			}
			printScenarioList(cmd.OutOrStdout(), list)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON array")
	cmd.AddCommand(newScenarioShowCmd(), newScenarioPlayCmd())
	return cmd
}

func printScenarioList(w io.Writer, list []*scenario.Scenario) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMODEL\tDIFFICULTY\tSUMMARY")
	for _, sc := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.Name, sc.Model.Name, sc.Difficulty, sc.Summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStart one with: stbrecovery --scenario NAME [--report FILE]")
}

func newScenarioShowCmd() *cobra.Command {
	var hints, solution bool
	cmd := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Print a scenario's story and goal (and, for trainers, its hints and solution)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenario.Load(args[0])
			if err != nil {
				return withCode(exitError, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s — %s (%s, %s)\n\n%s\n\nGoal: %s\n", sc.Name, sc.Title, sc.Model.Name, sc.Difficulty, sc.Story, sc.Goal.Show())
			if hints {
				fmt.Fprintln(w, "\nHints:")
				for i, h := range sc.Hints {
					fmt.Fprintf(w, "  %d. %s\n", i+1, h)
				}
			}
			if solution {
				fmt.Fprintln(w, "\nSolution:")
				printSolution(w, sc)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&hints, "hints", false, "print the hints too")
	cmd.Flags().BoolVar(&solution, "solution", false, "print the solution's steps too")
	return cmd
}

func printSolution(w io.Writer, sc *scenario.Scenario) {
	for i, st := range sc.Solution {
		line := fmt.Sprintf("  %d. %s", i+1, st.Describe())
		if st.Note != "" {
			line += " — " + st.Note
		}
		fmt.Fprintln(w, line)
	}
}

func newScenarioPlayCmd() *cobra.Command {
	var report, dir string
	cmd := &cobra.Command{
		Use:   "play NAME|FILE",
		Short: "Play a scenario's solution on a fresh box and say whether it meets the goal",
		Long: "play sets the scenario up in a temporary folder (or --dir), runs each step of its solution\n" +
			"through the simulated box, prints what the box answered, and checks the goal: exit 0 when\n" +
			"the goal is met, 1 otherwise. Use it to try a scenario file you wrote.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := scenario.Load(args[0])
			if err != nil {
				return withCode(exitError, err)
			}
			work := dir
			if work == "" {
				if work, err = os.MkdirTemp("", "stbrecovery-scenario-"); err != nil {
					return withCode(exitError, fmt.Errorf("cannot make a temporary folder: %v", err))
				}
				defer os.RemoveAll(work)
			}
			w, err := sc.Setup(work)
			if err != nil {
				return withCode(exitError, err)
			}
			defer w.Close()
			out := cmd.OutOrStdout()
			sess := scenario.NewSession(sc, nil)
			if met, why := sess.Check(w.Box); met {
				fmt.Fprintf(out, "Warning: the goal is met before any step (%s)\n", why)
			}
			fmt.Fprintf(out, "%s on a %s\n", sc.Title, sc.Model.Name)
			playErr := playSteps(cmd.Context(), out, w, sess)
			met, why := sess.Check(w.Box)
			fmt.Fprintf(out, "\n%s\n%s\n", why, sess.Summary())
			if report != "" {
				if err := sess.WriteReport(report); err != nil {
					return withCode(exitError, err)
				}
			}
			if playErr != nil {
				return withCode(exitError, playErr)
			}
			if !met {
				return withCode(exitError, fmt.Errorf("the solution does not meet the goal: %s", why))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&report, "report", "", "write the report (JSON) to FILE")
	cmd.Flags().StringVar(&dir, "dir", "", "set the scenario up in DIR and keep it (default: a temporary folder)")
	return cmd
}

// playSteps runs the solution step by step, printing each outcome.
func playSteps(ctx context.Context, out io.Writer, w *scenario.World, sess *scenario.Session) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := w.StartServer(); err != nil {
		return err
	}
	for i, st := range w.Scenario.Solution {
		rec, err := w.Do(ctx, st)
		sess.Record(rec)
		result := "ok"
		if rec.Status != 0 {
			result = fmt.Sprintf("%d %s", rec.Status, rec.Text)
		}
		if rec.Action == string(scenario.ActionBoot) || rec.Action == string(scenario.ActionAutoupdate) {
			result = rec.Result
		}
		fmt.Fprintf(out, "%2d. %s → %s\n", i+1, st.Describe(), oneLine(result))
		if err != nil {
			return fmt.Errorf("%s:%d: step %d: %v", w.Scenario.File, st.Line, i+1, err)
		}
	}
	return nil
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}

// The screens' side of --scenario and --report (tui.go wires them in).

// addReportFlag adds --report FILE to the root command.
func addReportFlag(cmd *cobra.Command, report *string) {
	cmd.Flags().StringVar(report, "report", "", "with --scenario: write the trainer's report (JSON) to FILE when the program ends")
}

// scenarioRun is a scenario started for the screens: its world (box, USB
// folder, running update server) and the session that records the trainee.
type scenarioRun struct {
	World   *scenario.World
	Session *scenario.Session
	report  string
}

// env is what the screens drive for this scenario.
func (r *scenarioRun) env() tui.Env {
	w := r.World
	return tui.Env{Box: w.Box, USBDir: w.USBDir, DownloadsDir: w.DownloadsDir, ServerURL: w.ServerURL,
		Notes: []string{"scenario " + w.Scenario.Name + ": USB stick " + w.USBDir + ", update server " + w.ServerURL}}
}

// finish checks the goal a last time, writes the report when asked, stops
// the update server, and returns the one-line summary for the terminal.
func (r *scenarioRun) finish() (string, error) {
	r.Session.Check(r.World.Box)
	summary := r.World.Scenario.Name + ": " + r.Session.Summary()
	var err error
	if r.report != "" {
		if err = r.Session.WriteReport(r.report); err == nil {
			summary += "; report written to " + r.report
		}
	}
	r.World.Close()
	return summary, err
}
