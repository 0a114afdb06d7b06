package main

import (
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestUpdateExitReadsRuleTable checks that the exit code of an update comes
// from the rule table: 3 for a rule the table marks as a refusal, 1 for any
// other, 0 whenever the image was installed.
func TestUpdateExitReadsRuleTable(t *testing.T) {
	for _, r := range device.RuleTable() {
		want := exitError
		if r.Refusal {
			want = exitRefused
		}
		if got := updateExit(device.Result{Rule: r.ID}); got != want {
			t.Errorf("%s refused: exit %d, want %d (table refusal %v)", r.ID, got, want, r.Refusal)
		}
		if got := updateExit(device.Result{Rule: r.ID, Installed: true}); got != exitOK {
			t.Errorf("%s installed: exit %d, want %d", r.ID, got, exitOK)
		}
	}
	// The command line's contract (DESIGN.md): the rules and the model and
	// version checks refuse with 3; the source, the writing and the portal
	// of a box without an image are errors (1).
	for rule, want := range map[device.Rule]int{
		device.RuleR1: exitRefused, device.RuleR2: exitRefused, device.RuleR3: exitRefused,
		device.RuleR4: exitRefused, device.RuleR5: exitRefused, device.RuleR6: exitRefused,
		device.RuleR7: exitRefused, device.RuleModel: exitRefused, device.RuleVersion: exitRefused,
		device.RuleHeader: exitError, device.RuleInstall: exitError, device.RulePortal: exitError,
		"": exitError, "R8": exitError,
	} {
		if got := updateExit(device.Result{Rule: rule}); got != want {
			t.Errorf("%q: exit %d, want %d", rule, got, want)
		}
	}
}
