package device

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/stbrecovery/stbrecovery/device/atomicfile"
)

// home is a box's folder opened as a root: every file of the box is reached
// through it, nothing outside it can be named, and no symbolic link inside
// it is followed (a link is refused, with its name, before any use).
type home struct {
	dir  string
	root *os.Root
}

// openHome opens the box's folder dir as a root.
func openHome(dir string) (*home, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: the folder %s does not exist; make a box there first", ErrNoBox, dir)
		}
		return nil, fmt.Errorf("cannot open the box folder %s: %v", dir, pathCause(err))
	}
	return &home{dir: dir, root: r}, nil
}

// Close releases the folder.
func (h *home) Close() error { return h.root.Close() }

// path is name (slash-separated, inside the folder) as a person would type it.
func (h *home) path(name string) string { return h.dir + string(os.PathSeparator) + name }

// HomeFileError is a file of a box that is not what the box keeps there: a
// symbolic link, a named pipe, a device, a folder in place of a file. The
// box never follows or reads it.
type HomeFileError struct {
	Path    string
	Problem string // "is a symbolic link", "is a named pipe or a device", …
}

// Error names the file, says what it is and what to do.
func (e *HomeFileError) Error() string {
	return fmt.Sprintf("%s %s; the box uses only plain files and folders inside its own folder: remove it, or make a new box in an empty folder", e.Path, e.Problem)
}

// check refuses name when it, or any folder on the way to it, is a symbolic
// link or not of the kind expected (a folder when dir is true, a regular file
// otherwise). A name that does not exist yet passes: os.ErrNotExist comes back
// wrapped for the caller to test.
func (h *home) check(name string, dir bool) error {
	parts := strings.Split(name, "/")
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		fi, err := h.root.Lstat(sub)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: %w", h.path(sub), fs.ErrNotExist)
			}
			return fmt.Errorf("cannot look at %s: %v", h.path(sub), pathCause(err))
		}
		last := i == len(parts)-1
		if err := kindProblem(h.path(sub), fi, dir || !last); err != nil {
			return err
		}
	}
	return nil
}

// kindProblem says what is wrong with a file that should be a folder (dir) or a regular file.
func kindProblem(p string, fi fs.FileInfo, dir bool) error {
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		return &HomeFileError{Path: p, Problem: "is a symbolic link"}
	case dir && !m.IsDir():
		return &HomeFileError{Path: p, Problem: "is not a folder"}
	case !dir && m.IsDir():
		return &HomeFileError{Path: p, Problem: "is a folder, not a file"}
	case !dir && !m.IsRegular():
		return &HomeFileError{Path: p, Problem: "is a " + specialKind(m) + ", not a plain file"}
	}
	return nil
}

// openRead opens the regular file name for reading, without blocking on a
// named pipe or a device, and checks again what it opened.
func (h *home) openRead(name string) (*os.File, fs.FileInfo, error) {
	if err := h.check(name, false); err != nil {
		return nil, nil, err
	}
	f, err := h.root.OpenFile(name, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open %s: %v", h.path(name), pathCause(err))
	}
	fi, err := f.Stat()
	if err == nil {
		err = kindProblem(h.path(name), fi, false)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// mkdir makes the folder name unless it is there; a link or a file in its place is refused.
func (h *home) mkdir(name string) error {
	err := h.check(name, true)
	if errors.Is(err, fs.ErrNotExist) {
		if err := h.root.Mkdir(name, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot make the folder %s: %v", h.path(name), pathCause(err))
		}
		return h.check(name, true)
	}
	return err
}

// createTemp makes a new, empty temporary file in the folder dir ("" for the
// home itself), named prefix + random + ".tmp", and returns it with its name.
func (h *home) createTemp(dir, prefix string) (*os.File, string, error) {
	if dir != "" {
		if err := h.check(dir, true); err != nil {
			return nil, "", err
		}
	}
	var rnd [8]byte
	for range 10 {
		rand.Read(rnd[:])
		name := path.Join(dir, prefix+hex.EncodeToString(rnd[:])+".tmp")
		f, err := h.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", fmt.Errorf("cannot make a file in %s: %v", h.path(dir), pathCause(err))
		}
	}
	return nil, "", fmt.Errorf("cannot make a new file in %s", h.path(dir))
}

// replace renames the file from over the file to (both inside the folder);
// a link or a folder at to is refused.
func (h *home) replace(from, to string) error {
	if err := h.check(to, false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := h.root.Rename(from, to); err != nil {
		return fmt.Errorf("cannot put %s in place: %v", h.path(to), pathCause(err))
	}
	return nil
}

// syncDir makes a folder's entries (a rename) durable.
func (h *home) syncDir(dir string) error {
	if dir == "" {
		dir = "."
	}
	d, err := h.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeAtomic replaces name with data through atomicfile: a crash at any
// point leaves either the old file or the new one, and a temporary file that
// the next start removes. A link or a folder on the way is refused.
func (h *home) writeAtomic(name string, data []byte) error {
	dir, _ := path.Split(name)
	if dir = strings.TrimSuffix(dir, "/"); dir != "" {
		if err := h.check(dir, true); err != nil {
			return err
		}
	}
	if err := h.check(name, false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	err := atomicfile.WriteFileIn(h.root, name, data, 0o644)
	var ae *atomicfile.Error
	if errors.As(err, &ae) {
		switch ae.Op {
		case atomicfile.Create:
			return fmt.Errorf("cannot make a file in %s: %v", h.path(dir), pathCause(ae.Err))
		case atomicfile.Rename:
			return fmt.Errorf("cannot put %s in place: %v", h.path(name), pathCause(ae.Err))
		}
		return ae.Err
	}
	return err
}

// removeTemps deletes the temporary files an interrupted write left in the
// folder dir ("" for the home): names that start with a dot and end in .tmp.
func (h *home) removeTemps(dir string) {
	if dir == "" {
		dir = "."
	} else if h.check(dir, true) != nil {
		return
	}
	d, err := h.root.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, n := range names {
		if strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp") {
			h.root.Remove(path.Join(dir, n))
		}
	}
}

// pathCause is the system's reason inside a *PathError, without the path it repeats.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
