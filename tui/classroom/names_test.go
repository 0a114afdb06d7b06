package classroom

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/scenario"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"ann", true},
		{"Ann.Smith-2_b", true},
		{strings.Repeat("a", 32), true},
		{".hidden", true},
		{"", false},
		{strings.Repeat("a", 33), false},
		{".", false},
		{"..", false},
		{"../ann", false},
		{"a/b", false},
		{`a\b`, false},
		{"ann smith", false},
		{"anné", false},
		{"ann\x00", false},
		{"ann\n", false},
		{"trainer", false},
		{"Trainer", false},
	} {
		err := CheckName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// FuzzCheckName: a name that passes is one plain folder inside trainees/.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"ann", "../x", "..", "a/b", "trainer", "é", strings.Repeat("z", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName(name) != nil {
			return
		}
		root := filepath.Join("class", "trainees")
		p := filepath.Join(root, name)
		if filepath.Dir(p) != root || filepath.Base(p) != name || len(name) > maxNameLen {
			t.Errorf("%q passes but is not one folder inside %s", name, root)
		}
	})
}

// TestStepStatusIsSafe: what a trainee typed reaches the trainer's terminal
// with its control characters shown, not obeyed.
func TestStepStatusIsSafe(t *testing.T) {
	got := stepStatus(scenario.StepRecord{Action: "Update from URL", Result: "http://x/\x1b[2J\x1b]0;owned\x07"})
	if strings.ContainsAny(got, "\x1b\x07") || !strings.Contains(got, `\x1b[2J`) {
		t.Errorf("stepStatus = %q", got)
	}
}
