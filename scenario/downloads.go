package scenario

import "strings"

// downloads reads the trainee's PC's Downloads folder: file name → image,
// key or text, as on the USB stick but with no folders.
func (c *checker) downloads(d *filesDoc) ([]FileSpec, error) {
	for _, e := range d.entries {
		if _, ok := cleanRel(e.path); !ok || strings.Contains(e.path, "/") {
			return nil, errAt(e.pathNode, "downloads."+e.path, "Downloads holds files only: give a plain file name, no / or \"..\"")
		}
	}
	return c.files(d, "downloads", false)
}
