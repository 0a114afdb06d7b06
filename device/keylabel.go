package device

import (
	"strings"

	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// Label is the key as a list shows it: its name, its role when the name is
// not the role's, and its key id ("OPERATOR_ONE (operator) DF0A0DA5BE9509D7").
// The name comes from the key's user id and is escaped for a terminal. In a
// sentence the box names a key by name and id alone (keyName).
func (k KeyRef) Label() string {
	name := safetext.Escape(k.Name)
	if name == "" {
		name = string(k.Role)
	}
	if k.Role != "" && !strings.EqualFold(name, string(k.Role)) {
		name += " (" + string(k.Role) + ")"
	}
	if k.ID != "" {
		name += " " + k.ID
	}
	return name
}
