//go:build !unix

package imagefmt

import (
	"io"
	"os"
)

// openRead opens the file at path for reading.
func openRead(path string) (io.ReadCloser, error) { return os.Open(path) }
