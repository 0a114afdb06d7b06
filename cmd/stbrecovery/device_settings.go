package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// ---- device set / get ----

// readAssignments reads NAME=VALUE arguments; a name given twice is an error.
func readAssignments(args []string) (map[string]string, error) {
	pairs := make(map[string]string, len(args))
	for _, a := range args {
		name, value, err := device.ParseAssignment(a)
		if err != nil {
			return nil, err
		}
		if _, dup := pairs[name]; dup {
			return nil, fmt.Errorf("%s is given twice; give each setting once", name)
		}
		pairs[name] = value
	}
	return pairs, nil
}

func newDeviceSetCmd() *cobra.Command {
	var home string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "set --home DIR NAME=VALUE [NAME=VALUE ...]",
		Short: "Change settings like fw_setenv: every pair checked first, then all written or none",
		Long: "set changes the box's settings (fw_printenv names). Every NAME=VALUE is checked first: a\n" +
			"known name, an allowed value, a URL that parses; then all are written at once, or none.\n" +
			"An empty value (autoupdateURL=) removes a URL or text setting. The names the box sets\n" +
			"itself (serial#, ethaddr, Image_Version, Image_Date, Image_Desc, Boot_Version, oppubKEY)\n" +
			"are refused.\n\nSettings:\n" + settingsHelp(),
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return jsonFailure(cmd, asJSON, err) }
			pairs, err := readAssignments(args)
			if err != nil {
				return fail(err)
			}
			b, err := openBoxFor(home)
			if err != nil {
				return fail(err)
			}
			before := b.State().Settings
			if err := b.Set(pairs); err != nil {
				return fail(fmt.Errorf("nothing was changed: %w", err))
			}
			after := b.State().Settings
			var changed []settingChange
			for _, name := range sortedKeys(pairs) {
				changed = append(changed, settingChange{Name: name, Value: after[name], Was: before[name]})
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"ok": true, "changed": changed})
			}
			for _, c := range changed {
				fmt.Fprintf(cmd.OutOrStdout(), "%s=%s\n", c.Name, c.Value)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	jsonFailsAsInstall(cmd)
	return cmd
}

// settingChange is one setting `device set` changed.
type settingChange struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Was   string `json:"was"`
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// settingsHelp lists the settings a user may change, with their values.
func settingsHelp() string {
	var b strings.Builder
	for _, s := range device.Settings() {
		if s.ReadOnly {
			continue
		}
		values := string(s.Kind)
		if len(s.Choices) > 0 {
			values = strings.Join(s.Choices, "|")
		}
		fmt.Fprintf(&b, "  %-17s %-40s %s\n", s.Name, values, s.About)
	}
	return b.String()
}

func newDeviceGetCmd() *cobra.Command {
	var home string
	cmd := &cobra.Command{
		Use:   "get --home DIR [NAME ...]",
		Short: "Print settings as name=value lines, like fw_printenv",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := openBox(home)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				for _, l := range b.Printenv() {
					fmt.Fprintln(out, safetext.Escape(l))
				}
				return nil
			}
			set := b.State().Settings
			var missing []string
			for _, name := range args {
				v, ok := set[name]
				if !ok {
					missing = append(missing, safetext.Escape(name))
					continue
				}
				fmt.Fprintln(out, safetext.Escape(name+"="+v))
			}
			if len(missing) > 0 {
				return withCode(exitError, fmt.Errorf("the box has no setting %s (see all of them with: stbrecovery device get --home %s)", strings.Join(missing, ", "), home))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	return cmd
}

// ---- device autoupdate ----

func newDeviceAutoupdateCmd() *cobra.Command {
	var home string
	var confirm, asJSON bool
	cmd := &cobra.Command{
		Use:   "autoupdate --home DIR [--confirm]",
		Short: "The portal's Check now: the Autoupdate module, step by step (exit 0, 3 refused, 1 error)",
		Long: "autoupdate runs the running image's Autoupdate module with the box's settings\n" +
			"(autoupdate_cond, autoupdateURL, betaupdate_cond, Image_Date): it reads update_list.txt,\n" +
			"compares dates, reads the image's own header date, checks the type, asks (autoupdate_cond 1:\n" +
			"--confirm answers yes) and installs on the portal path. Every step is printed.\n" +
			"Exit 0: installed, up to date, disabled or declined; 3: refused by the rules; 1: an error.\n" +
			"After a failure or a refusal the box turns Autoupdate off (autoupdate_cond=2), as the portal does.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := openBoxFor(home)
			if err != nil {
				return jsonFailure(cmd, asJSON, err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep := b.Autoupdate(ctx, device.AutoupdateOptions{Confirm: func(string) bool { return confirm }})
			code := autoupdateExit(rep)
			if asJSON {
				_ = printJSON(cmd.OutOrStdout(), rep)
				return withCode(code, nil)
			}
			printAutoupdate(cmd.OutOrStdout(), rep)
			switch code {
			case exitOK:
				return nil
			case exitRefused:
				return withCode(code, fmt.Errorf("the box refused the image (%d %s); %s", rep.Status, rep.Text, orElse(rep.Result.Hint, "see the explanation above")))
			}
			return withCode(code, fmt.Errorf("the Autoupdate module failed (%d %s): %s", rep.Status, rep.Text, rep.Reason()))
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	cmd.Flags().BoolVar(&confirm, "confirm", false, "answer yes when Autoupdate asks (autoupdate_cond 1)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: steps and outcome")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	jsonFailsAsInstall(cmd)
	return cmd
}

// autoupdateExit: 0 installed, up to date, disabled or declined; 3 refused by the rules; 1 otherwise.
func autoupdateExit(r device.AutoupdateReport) int {
	switch r.Outcome {
	case device.AutoupdateInstalled, device.AutoupdateUpToDate, device.AutoupdateDisabled, device.AutoupdateDeclined:
		return exitOK
	case device.AutoupdateRefused:
		if r.Result != nil {
			return updateExit(*r.Result)
		}
	}
	return exitError
}

func printAutoupdate(w io.Writer, r device.AutoupdateReport) {
	if r.ListURL != "" {
		fmt.Fprintf(w, "List: %s\n", safetext.Escape(r.ListURL))
	}
	for _, s := range r.Steps {
		mark := "✓"
		if !s.Pass {
			mark = "✗"
		}
		line := fmt.Sprintf("%s %-16s %s", mark, s.Name, s.Value)
		if s.Versus != "" {
			line += " (vs " + s.Versus + ")"
		}
		fmt.Fprintln(w, safetext.Escape(line))
		fmt.Fprintln(w, "  "+safetext.Escape(s.Note))
	}
	fmt.Fprintf(w, "Outcome: %s · %d %s\n", r.Outcome, r.Status, r.Text)
	if r.Result != nil && r.Result.Installed {
		printEnv(w, r.Result.Env)
	}
}

// printEnv lists what an installed image's Env section changed or skipped.
func printEnv(w io.Writer, env []device.EnvSetting) {
	if len(env) == 0 {
		return
	}
	fmt.Fprintln(w, "Settings from the image's Env section:")
	for _, e := range env {
		switch {
		case e.Skipped != "":
			fmt.Fprintf(w, "  %s=%s skipped: %s\n", safetext.Escape(e.Name), safetext.Escape(e.Value), safetext.Escape(e.Skipped))
		case e.Was == "":
			fmt.Fprintf(w, "  %s=%s (new)\n", safetext.Escape(e.Name), safetext.Escape(e.Value))
		default:
			fmt.Fprintf(w, "  %s=%s (was %s)\n", safetext.Escape(e.Name), safetext.Escape(e.Value), safetext.Escape(e.Was))
		}
	}
}

// ---- device boot ----

func newDeviceBootCmd() *cobra.Command {
	var home string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "boot --home DIR",
		Short: "Power the box on: the boot stages and front-panel codes (exit 0 at GO__, 1 otherwise)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := openBoxFor(home)
			if err != nil {
				return jsonFailure(cmd, asJSON, err)
			}
			r := b.Boot()
			code := exitOK
			if !r.OK {
				code = exitError
			}
			if asJSON {
				_ = printJSON(cmd.OutOrStdout(), bootJSON(r))
				return withCode(code, nil)
			}
			out := cmd.OutOrStdout()
			for _, s := range r.Stages {
				text := s.Text
				if text == "" {
					text = "(logo)"
				}
				fmt.Fprintf(out, "[%-4s] %s\n", s.Panel, text)
			}
			if r.OK {
				fmt.Fprintf(out, "Bank %d runs %s (version %d).\n", r.Bank, safetext.Escape(r.Image.Description), r.Image.Version)
				return nil
			}
			return withCode(code, fmt.Errorf("the box stops at %s: %s", r.Stages[len(r.Stages)-1].Panel, r.Hint))
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	jsonFailsAsInstall(cmd)
	return cmd
}

// bootStageJSON is one boot stage in `device boot --json`.
type bootStageJSON struct {
	Text  string `json:"text"`
	Panel string `json:"panel"`
	Error bool   `json:"error,omitempty"`
}

func bootJSON(r device.BootReport) map[string]any {
	stages := make([]bootStageJSON, 0, len(r.Stages))
	for _, s := range r.Stages {
		stages = append(stages, bootStageJSON{Text: s.Text, Panel: s.Panel, Error: s.Error})
	}
	out := map[string]any{"ok": r.OK, "bank": r.Bank, "stages": stages, "panel": r.Stages[len(r.Stages)-1].Panel}
	if r.Image != nil {
		out["image"] = r.Image
	}
	if r.Hint != "" {
		out["hint"] = r.Hint
	}
	return out
}
