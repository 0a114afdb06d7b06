package scenario

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestLeavesKeepTheirLines: decoding keeps each leaf's line for the
// validation pass, and the names given with theirs.
func TestLeavesKeepTheirLines(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(good), &root); err != nil {
		t.Fatal(err)
	}
	var d fileDoc
	if err := d.UnmarshalYAML(root.Content[0]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what string
		n    *yaml.Node
		line int
	}{
		{"title", d.Title.n, 1},
		{"model", d.Model.n, 2},
		{"box.bank0", d.Box.Bank0.name, 8},
		{"box.operator_key", d.Box.OperatorKey.n, 9},
		{"box.settings", d.Box.Settings.key["autoupdate_cond"], 11},
		{"usb path", d.USB.entries[0].pathNode, 13},
		{"goal.running.kind", d.Goal.Running.Kind.n, 16},
		{"hints[0]", d.Hints.items[0].n, 18},
		{"solution[0]", d.Solution.items[0].node, 20},
		{"solution[0].via", d.Solution.items[0].val["via"], 22},
	} {
		if c.n == nil {
			t.Errorf("%s: not decoded", c.what)
		} else if c.n.Line != c.line {
			t.Errorf("%s: line %d; want %d", c.what, c.n.Line, c.line)
		}
	}
	if d.Box.Bank1.name != nil || d.has("server") || d.Name.given() {
		t.Error("a name not given was decoded")
	}
}
