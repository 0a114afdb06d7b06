package device

import (
	"fmt"
	"io/fs"
	"os"
)

// notAFileError is a path that names something other than a regular file:
// a folder, a named pipe, a socket, a device. The box reads images and keys
// only from regular files, so that nothing it opens can make it wait for
// ever or feed it without end.
type notAFileError struct {
	path string
	mode fs.FileMode
}

func (e *notAFileError) Error() string {
	if e.mode.IsDir() {
		return fmt.Sprintf("%s is a folder, not a file", e.path)
	}
	return fmt.Sprintf("%s is not a file but a %s", e.path, specialKind(e.mode))
}

// specialKind names a file that is not a regular file.
func specialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// openRegular opens the regular file at path for reading without waiting on
// a named pipe or a device: it looks first, opens without blocking, and looks
// again at what it opened (a file swapped in between is refused too).
// Anything but a regular file is a *notAFileError.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &notAFileError{path: path, mode: fi.Mode()}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && (!info.Mode().IsRegular() || !os.SameFile(fi, info)) {
		err = &notAFileError{path: path, mode: info.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}
