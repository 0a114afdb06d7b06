package tui

import (
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestRuleNameReadsRuleTable checks that the screens' rule line is the rule
// table's summary, and the id itself where the table has none.
func TestRuleNameReadsRuleTable(t *testing.T) {
	for _, r := range device.RuleTable() {
		want := r.Summary
		if want == "" {
			want = string(r.ID)
		}
		if got := ruleName(device.Result{Rule: r.ID}); got != want {
			t.Errorf("%s: rule line %q, want %q", r.ID, got, want)
		}
	}
	for rule, want := range map[device.Rule]string{"": "—", "R8": "R8", device.RulePortal: "portal"} {
		if got := ruleName(device.Result{Rule: rule}); got != want {
			t.Errorf("%q: rule line %q, want %q", rule, got, want)
		}
	}
}
