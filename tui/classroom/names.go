package classroom

import (
	"fmt"
	"strings"
)

// TrainerName is the login name of the trainer; no trainee may take it.
const TrainerName = "trainer"

// maxNameLen is the longest trainee name.
const maxNameLen = 32

// CheckName reports why name cannot be a trainee's name, or nil when it can:
// letters, digits, '-', '_' and '.', at most 32 of them, not only dots, and
// not the trainer's name in any case. The name, in lower case, becomes a
// folder under DIR/trainees, so nothing else gets through.
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("an empty name cannot log in: log in as NAME@host with letters, digits, '-', '_' or '.'")
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("the name %.32q… is longer than %d characters: pick a shorter one", name, maxNameLen)
	}
	dots := 0
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		case r == '.':
			dots++
		default:
			return fmt.Errorf("the name %q holds %q: use only letters, digits, '-', '_' and '.'", name, r)
		}
	}
	if dots == len(name) {
		return fmt.Errorf("the name %q is only dots: use letters or digits too", name)
	}
	if strings.EqualFold(name, TrainerName) {
		return fmt.Errorf("%q is the trainer's name and needs the trainer's key: trainees pick another name", name)
	}
	return nil
}
