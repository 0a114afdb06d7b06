package scenario

// The names a scenario file may use, as device knows them, and the words
// that list them in messages.

import (
	"sort"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// scenarioSettings are the settings a scenario may save, sorted by name: the
// box's settings that a menu offers a choice for, and its URLs. The box
// sets the read-only ones itself; colours and free text teach nothing.
func scenarioSettings() []string {
	var out []string
	for _, s := range device.Settings() {
		if !s.ReadOnly && (s.Kind == device.SettingChoice || s.Kind == device.SettingURL) {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out
}

func outcomeNames() []string {
	return []string{string(device.AutoupdateInstalled), string(device.AutoupdateUpToDate), string(device.AutoupdateDisabled),
		string(device.AutoupdateDeclined), string(device.AutoupdateFailed), string(device.AutoupdateRefused)}
}

func imageNames(m device.Model) []string {
	var out []string
	for _, d := range demoimage.Images(m.DemoModel()) {
		out = append(out, d.Name)
	}
	return out
}

func modelNames() string {
	var out []string
	for _, m := range device.Catalogue() {
		out = append(out, m.Name)
	}
	return strings.Join(out, ", ")
}

// orList renders "a, b or c".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// clip keeps quoted input short in messages.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
