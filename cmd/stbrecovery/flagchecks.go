package main

// Required flags and one-of groups are checked by cobra (MarkFlagRequired,
// MarkFlagsOneRequired, MarkFlagsMutuallyExclusive); the sentences here
// replace cobra's own messages with ones that say what to give.

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const (
	// hintAnnotation holds, on a flag, the sentence shown when it is missing.
	hintAnnotation = "stbrecovery_missing"
	// jsonAnnotation marks, on a command, that its --json failure is the
	// object of a failed install ("installed": false).
	jsonAnnotation = "stbrecovery_json_install"
	// groupAnnotation prefixes, on a command, a one-of group: the key ends
	// with the flag names, the value is the sentence for none and for several.
	groupAnnotation = "stbrecovery_group "
)

// requireFlag marks the flag name of cmd required; hint is the sentence shown
// when it is missing or empty, e.g. "give the box's folder with --home DIR".
func requireFlag(cmd *cobra.Command, name, hint string) {
	_ = cmd.MarkFlagRequired(name)
	_ = cmd.Flags().SetAnnotation(name, hintAnnotation, []string{hint})
}

// oneOf lets at most one of the flags names be given (several: the sentence
// both); when none is not "", exactly one must be given (none: that sentence).
func oneOf(cmd *cobra.Command, none, both string, names ...string) {
	if none != "" {
		cmd.MarkFlagsOneRequired(names...)
		for _, n := range names {
			_ = cmd.Flags().SetAnnotation(n, hintAnnotation, []string{none})
		}
	}
	cmd.MarkFlagsMutuallyExclusive(names...)
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[groupAnnotation+strings.Join(names, " ")] = none + "\n" + both
}

// checkEmptyFlags refuses a required or one-of flag given as "": cobra counts
// it as given.
func checkEmptyFlags(cmd *cobra.Command) error {
	var sentence string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if hint := f.Annotations[hintAnnotation]; sentence == "" && len(hint) > 0 && f.Changed && strings.TrimSpace(f.Value.String()) == "" {
			sentence = "--" + f.Name + " is empty; " + hint[0]
		}
	})
	if sentence == "" {
		return nil
	}
	return flagFailure(cmd, sentence)
}

// explainFlagError turns cobra's error about the required flags or flag
// groups of c into the sentences given to requireFlag and oneOf; any other
// error is returned as it is.
func explainFlagError(c *cobra.Command, err error) error {
	if c == nil || err == nil {
		return err
	}
	var asks []string
	if rerr := c.ValidateRequiredFlags(); rerr != nil && rerr.Error() == err.Error() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if hint := f.Annotations[hintAnnotation]; len(hint) > 0 && !f.Changed {
				if _, req := f.Annotations[cobra.BashCompOneRequiredFlag]; req {
					asks = append(asks, hint[0])
				}
			}
		})
	} else if gerr := c.ValidateFlagGroups(); gerr != nil && gerr.Error() == err.Error() {
		var keys []string
		for k := range c.Annotations {
			if strings.HasPrefix(k, groupAnnotation) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			given := 0
			for _, n := range strings.Fields(strings.TrimPrefix(k, groupAnnotation)) {
				if f := c.Flags().Lookup(n); f != nil && f.Changed {
					given++
				}
			}
			none, both, _ := strings.Cut(c.Annotations[k], "\n")
			switch {
			case given == 0 && none != "":
				asks = append(asks, none)
			case given > 1:
				asks = append(asks, both)
			}
		}
	}
	if len(asks) == 0 {
		return err
	}
	return flagFailure(c, strings.Join(asks, "; "))
}

// flagFailure reports a flag mistake: as one JSON object when the command
// was asked for --json, else as the error line.
func flagFailure(c *cobra.Command, sentence string) error {
	err := usageErr("%s", sentence)
	if f := c.Flags().Lookup("json"); f == nil || f.Value.String() != "true" {
		return err
	}
	if _, install := c.Annotations[jsonAnnotation]; install {
		return jsonFailure(c, true, err)
	}
	_ = printJSON(c.OutOrStdout(), errorObject(err))
	return withCode(exitError, nil)
}

// jsonFailsAsInstall says that cmd reports a failure under --json as the
// object of a failed install (see jsonFailure).
func jsonFailsAsInstall(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[jsonAnnotation] = ""
}
