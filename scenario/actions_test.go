package scenario

import (
	"strings"
	"testing"
)

// TestActionTable: every action has one entry, and each entry is whole: its
// fields start with action and end with note, it reads expect: exactly when
// it takes it, and it says what it does and does it.
func TestActionTable(t *testing.T) {
	all := []Action{ActionUpdate, ActionEmergency, ActionSet, ActionInstallKey, ActionResetKey,
		ActionFactoryReset, ActionSelectBank, ActionAutoupdate, ActionBoot, ActionRename}
	table := actions()
	if len(table) != len(all) {
		t.Fatalf("the table holds %d actions; there are %d", len(table), len(all))
	}
	for i, a := range all {
		s := table[i]
		if s.name != a {
			t.Errorf("entry %d is %q; want %q (messages list actions in this order)", i, s.name, a)
		}
		if len(s.fields) < 2 || s.fields[0] != "action" || s.fields[len(s.fields)-1] != "note" {
			t.Errorf("%s: fields %v must start with action and end with note", a, s.fields)
		}
		if takes := contains(s.fields, "expect"); takes != (s.expect != nil) {
			t.Errorf("%s: takes expect %v, reads it %v", a, takes, s.expect != nil)
		}
		if s.describe == nil || s.do == nil {
			t.Errorf("%s: no description or no run", a)
		}
		if got, ok := lookupAction(a); !ok || got.name != a {
			t.Errorf("lookupAction(%s) = %q, %v", a, got.name, ok)
		}
	}
	if _, ok := lookupAction("upgrade"); ok {
		t.Error("lookupAction accepts an unknown action")
	}
}

// TestStepsReadAndDescribed: each action's step, read from a file, is
// described by its own entry.
func TestStepsReadAndDescribed(t *testing.T) {
	cases := []struct {
		step, want string
	}{
		{"action: update\n    from: server\n    via: portal\n    force: yes\n    power_cut: 40%", "update from the update server (mag424/imageupdate) via the portal, Forced = Yes, power cut at 40%"},
		{"action: update\n    from: usb\n    confirm: true", "update from the USB stick via the boot stage, confirming"},
		{"action: emergency", "Emergency startup from the USB stick, then update"},
		{"action: set\n    settings: {Ver_Forced: \"Yes\", bootmode: NAND2}", "set Ver_Forced=Yes, bootmode=NAND2"},
		{"action: install_operator_key\n    key: operator_two\n    expect: 16", "install the operator key operator_two"},
		{"action: reset_operator_key", "Reset Op.KEY"},
		{"action: factory_reset", "factory reset (Def. Settings)"},
		{"action: select_bank\n    bank: 1", "boot from bank 1"},
		{"action: autoupdate\n    confirm: yes\n    expect: declined", "run Autoupdate, confirming"},
		{"action: boot\n    expect: Er20", "power the box on"},
		{"action: rename\n    path: MAG424\n    to: mag424", "rename MAG424 to mag424 on the USB stick"},
	}
	for _, c := range cases {
		data := strings.Replace(good, "model: MAG254", "model: MAG424", 1)
		data = strings.Replace(data, "bank0: custom-alpha", "bank0: public", 1)
		data = strings.Replace(data, "mag254/imageupdate", "mag424/imageupdate", 1)
		data = strings.Replace(data, "action: update\n    from: usb\n    via: boot", c.step, 1)
		sc, err := Parse("steps.yaml", []byte(data))
		if err != nil {
			t.Errorf("%s: %v", c.want, err)
			continue
		}
		st := sc.Solution[0]
		if got := st.Describe(); got != c.want {
			t.Errorf("described %q; want %q", got, c.want)
		}
		if st.Line != 20 {
			t.Errorf("%s: line %d; want 20", st.Action, st.Line)
		}
	}
}
