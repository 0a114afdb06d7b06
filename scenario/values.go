package scenario

// Reading one leaf of a scenario file as the value a field takes: text, a
// line, a whole number, a flag, a fraction, one of a few words. Each refusal
// names the leaf's line and the field's path.

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep a scenario file a scenario.
const (
	maxHints  = 20
	maxSteps  = 100
	maxFiles  = 50
	maxText   = 4000
	maxVerNum = 9999
)

// given reports whether the file gives the leaf.
func (l leaf) given() bool { return l.n != nil }

// text reads the leaf as text; empty text is refused.
func (l leaf) text(field string) (string, error) {
	n := l.n
	if err := plain(n, field); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode {
		if n.Kind == yaml.MappingNode {
			return "", errAt(n, field, "must be text, not a mapping (text that holds \": \" must be in quotes)")
		}
		return "", errAt(n, field, "must be text, not a list")
	}
	if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		return "", errAt(n, field, "must not be empty")
	}
	if len(n.Value) > maxText {
		return "", errAt(n, field, "is longer than %d characters", maxText)
	}
	return n.Value, nil
}

// trimmed reads the leaf as text without its surrounding space.
func (l leaf) trimmed(field string) (string, error) {
	s, err := l.text(field)
	return strings.TrimSpace(s), err
}

// oneLine reads the leaf as one line of text.
func (l leaf) oneLine(field string) (string, error) {
	s, err := l.trimmed(field)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(s, "\n\r") {
		return "", errAt(l.n, field, "must be one line")
	}
	return s, nil
}

// integer reads the leaf as a whole number from lo to hi.
func (l leaf) integer(field string, lo, hi int) (int, error) {
	n := l.n
	if err := plain(n, field); err != nil {
		return 0, err
	}
	if n.Kind != yaml.ScalarNode {
		return 0, errAt(n, field, "must be a whole number")
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil || v < lo || v > hi {
		return 0, errAt(n, field, "must be a whole number from %d to %d, not %q", lo, hi, clip(n.Value))
	}
	return v, nil
}

// boolean reads the leaf as true or false (yes/no, on/off).
func (l leaf) boolean(field string) (bool, error) {
	n := l.n
	if err := plain(n, field); err != nil {
		return false, err
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(strings.TrimSpace(n.Value)) {
		case "true", "yes", "on":
			return true, nil
		case "false", "no", "off":
			return false, nil
		}
	}
	return false, errAt(n, field, "must be true or false")
}

// fraction reads a number between 0 and 1 (exclusive), or a percentage "40%".
func (l leaf) fraction(field string) (float64, error) {
	n := l.n
	if err := plain(n, field); err != nil {
		return 0, err
	}
	bad := errAt(n, field, "must be a fraction of the image between 0 and 1, e.g. 0.4 (or 40%%)")
	if n.Kind != yaml.ScalarNode {
		return 0, bad
	}
	s := strings.TrimSpace(n.Value)
	div := 1.0
	if strings.HasSuffix(s, "%") {
		s, div = strings.TrimSpace(strings.TrimSuffix(s, "%")), 100
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0, bad
	}
	v /= div
	if !(v > 0 && v < 1) {
		return 0, bad
	}
	return v, nil
}

// oneOf reads a word that must be one of choices (compared case-insensitively).
func (l leaf) oneOf(field, what string, choices ...string) (string, error) {
	s, err := l.oneLine(field)
	if err != nil {
		return "", err
	}
	for _, c := range choices {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	return "", errAt(l.n, field, "unknown %s %q (use %s)", what, clip(s), orList(choices))
}

// single reads a setting's value: one line, empty when null.
func (l leaf) single(field string) (string, error) {
	n := l.n
	if err := plain(n, field); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode {
		return "", errAt(n, field, "must be a single value")
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return strings.TrimSpace(n.Value), nil
}

// check is a list's node checked: a list, not empty, at most max items.
func (l list[T, P]) check(field string, max int) error {
	n := l.n
	if err := plain(n, field); err != nil {
		return err
	}
	if n.Kind != yaml.SequenceNode {
		return errAt(n, field, "must be a list (one \"- \" item a line)")
	}
	if len(n.Content) == 0 {
		return errAt(n, field, "must not be empty")
	}
	if len(n.Content) > max {
		return errAt(n.Content[max], field, "has more than %d items", max)
	}
	return nil
}

// required is the leaf of name in the mapping k at path, or the error that
// says it is missing and what it is.
func required(k *keys, path, name, what string) error {
	if k.has(name) {
		return nil
	}
	return errAt(k.node, join(path, name), "missing: %s", what)
}
