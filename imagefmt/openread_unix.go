//go:build unix

package imagefmt

import (
	"io"
	"io/fs"
	"syscall"
)

// rawFile is a file opened for reading by its descriptor alone. A folder's
// files are opened, read once and closed: an os.File would ask the runtime's
// poller to watch each one (which it cannot do for a regular file) and the
// kernel whether it is non-blocking, two more system calls for each file.
type rawFile struct {
	fd   int
	path string
}

// openRead opens the regular file at path for reading.
func openRead(path string) (io.ReadCloser, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return &rawFile{fd: fd, path: path}, nil
	}
}

// Read reads into p; it returns io.EOF at the end of the file.
func (f *rawFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close closes the file.
func (f *rawFile) Close() error { return syscall.Close(f.fd) }
