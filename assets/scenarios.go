package assets

import (
	"embed"
	"io/fs"
)

//go:embed scenarios/*.yaml
var scenarios embed.FS

// Scenarios is the folder of training scenarios, one NAME.yaml each.
func Scenarios() fs.FS {
	sub, _ := fs.Sub(scenarios, "scenarios")
	return sub
}
