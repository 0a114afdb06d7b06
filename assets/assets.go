// Package assets embeds the demo material: the demo keys of every role and the
// training scenarios. It holds files, not logic.
package assets

import (
	"embed"
	"io/fs"
)

//go:generate go run ./gen keys

//go:embed keys
var keys embed.FS

// Keys is the folder of demo keys: NAME.sec.asc and NAME.pub.asc for
// manufacturer, stb_public, custom_alpha, custom_beta, operator_one and
// operator_two, and NAME.key (certified by the demo manufacturer key) for the operators.
func Keys() fs.FS {
	sub, _ := fs.Sub(keys, "keys")
	return sub
}
