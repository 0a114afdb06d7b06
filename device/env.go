package device

// An image's Env section holds NAME=VALUE lines (the real file's form: see
// the manufacturer's env of a MAG250 image). When the image is installed they
// become the box's settings, the way `device set` would set them: this is how
// an operator ships its update URLs. Names a user may not change are skipped,
// and the result lists what changed and what was skipped.

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// MaxEnvSection bounds the Env section the box reads settings from; a real
// one is well under a kilobyte, its flash partition 64 KiB.
const MaxEnvSection = 64 << 10

// EnvSetting is one line of an image's Env section as the install applied it.
type EnvSetting struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Was     string `json:"was,omitempty"`     // the value before, "" when the box had none
	Skipped string `json:"skipped,omitempty"` // why the box kept its own value; "" when applied
}

// EnvLine is one NAME=VALUE line of an Env section.
type EnvLine struct {
	Name, Value string
	Bad         string // why the line is not NAME=VALUE; "" when it is
}

// ParseEnv reads an Env section's lines: NAME=VALUE separated by new lines or
// NUL bytes (as U-Boot keeps them); empty lines and lines starting with # are
// skipped. It never fails: a line that is not NAME=VALUE comes back with Bad set.
func ParseEnv(data []byte) []EnvLine {
	var out []EnvLine
	for _, raw := range bytes.FieldsFunc(data, func(r rune) bool { return r == '\n' || r == 0 }) {
		line := strings.TrimSuffix(string(raw), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		switch {
		case !ok:
			out = append(out, EnvLine{Name: line, Bad: "the line is not NAME=VALUE"})
		case !validSettingName(name):
			out = append(out, EnvLine{Name: name, Value: value, Bad: "not a setting name"})
		default:
			out = append(out, EnvLine{Name: name, Value: value})
		}
	}
	return out
}

// envSkipReason says why an Env line does not change the box, "" when it may.
func envSkipReason(st *stateFile, l EnvLine) string {
	if l.Bad != "" {
		return l.Bad
	}
	if ReadOnlySetting(l.Name) {
		return "the box sets " + l.Name + " itself"
	}
	if l.Name == "bootmode" {
		return "the install picks the bank to boot"
	}
	if err := CheckSetting(l.Name, l.Value, true); err != nil {
		var se *SettingError
		if errors.As(err, &se) {
			return se.Problem
		}
		return err.Error()
	}
	return ""
}

// applyEnv sets st's settings from an Env section and reports each line that
// changed a setting or was skipped.
func applyEnv(st *stateFile, data []byte, tooBig bool) []EnvSetting {
	if tooBig {
		return []EnvSetting{{Name: "Env", Skipped: fmt.Sprintf("the Env section is larger than %d KiB, so none of its settings were applied", MaxEnvSection>>10)}}
	}
	var out []EnvSetting
	for _, l := range ParseEnv(data) {
		was := st.Settings[l.Name]
		if why := envSkipReason(st, l); why != "" {
			out = append(out, EnvSetting{Name: safeText(l.Name, maxSettingName), Value: safeText(l.Value, 80), Was: was, Skipped: why})
			continue
		}
		if was == l.Value {
			continue
		}
		applySetting(st, l.Name, l.Value)
		out = append(out, EnvSetting{Name: l.Name, Value: l.Value, Was: was})
	}
	return out
}
