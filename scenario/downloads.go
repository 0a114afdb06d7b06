package scenario

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// downloads reads the trainee's PC's Downloads folder: file name → image,
// key or text, as on the USB stick but with no folders.
func (p *parser) downloads(n *yaml.Node) ([]FileSpec, error) {
	f, err := p.mapping(n, "downloads")
	if err != nil {
		return nil, err
	}
	for _, name := range f.order {
		if _, ok := cleanRel(name); !ok || strings.Contains(name, "/") {
			return nil, p.errAt(f.key[name], "downloads."+name, "Downloads holds files only: give a plain file name, no / or \"..\"")
		}
	}
	return p.files(n, "downloads", false)
}
