package device

// The USB stick as a PC sees it: its folders and files can be listed,
// renamed, deleted, made and copied in from a folder of the PC, and nothing
// ever reaches outside the stick's folder. Every path is checked (plain
// names, no "..", no names a FAT32 stick refuses), every step is taken
// through an os.Root, and a symbolic link on the way is refused, never
// followed. As on a PC, nothing is undone: the trainee does it again.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Limits of what the stick's listing shows.
const (
	stickMaxDepth   = 8
	stickMaxEntries = 500
	stickMaxName    = 255
)

// StickEntry is a folder or a file on the USB stick.
type StickEntry struct {
	Path string // from the top of the stick, separated by /: "mag349/imageupdate"
	Dir  bool
	Size int64 // bytes; 0 for a folder
}

// StickPath is how the screens name a path on the stick: USB:/mag349/imageupdate.
func StickPath(rel string) string { return "USB:/" + strings.TrimPrefix(rel, "/") }

// Stick is the USB stick mounted at a folder of the host.
type Stick struct{ dir string }

// NewStick is the stick mounted at dir ("" when none is plugged in).
func NewStick(dir string) Stick { return Stick{dir: dir} }

func (s Stick) root() (*os.Root, error) {
	if s.dir == "" {
		return nil, errors.New("no USB stick is plugged in: plug it in and try again")
	}
	r, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, errors.New("the USB stick cannot be read: plug it in again")
	}
	return r, nil
}

// List is every folder and file on the stick, a folder before what it holds,
// names in order. Symbolic links and other special files are left out.
func (s Stick) List() ([]StickEntry, error) {
	r, err := s.root()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []StickEntry
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		f, err := r.Open(dir)
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", StickPath(dir), pathCause(err))
		}
		es, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return fmt.Errorf("cannot read %s: %v", StickPath(dir), pathCause(err))
		}
		sort.Slice(es, func(i, j int) bool { return es[i].Name() < es[j].Name() })
		for _, e := range es {
			if len(out) >= stickMaxEntries {
				return nil
			}
			p := e.Name()
			if dir != "." {
				p = dir + "/" + e.Name()
			}
			switch {
			case e.IsDir():
				out = append(out, StickEntry{Path: p, Dir: true})
				if depth < stickMaxDepth {
					if err := walk(p, depth+1); err != nil {
						return err
					}
				}
			case e.Type().IsRegular():
				var size int64
				if fi, err := e.Info(); err == nil {
					size = fi.Size()
				}
				out = append(out, StickEntry{Path: p, Size: size})
			}
		}
		return nil
	}
	if err := walk(".", 1); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckStickPath checks a path on the stick: plain names separated by /,
// none of them "." or "..", no character a FAT32 stick refuses. It returns
// the path without a leading "USB:/" or "/".
func CheckStickPath(p string) (string, error) {
	p = strings.TrimPrefix(strings.TrimPrefix(p, "USB:"), "/")
	if p == "" {
		return "", errors.New("give a name")
	}
	for _, part := range strings.Split(p, "/") {
		if err := checkStickName(part); err != nil {
			return "", err
		}
	}
	return p, nil
}

func checkStickName(n string) error {
	switch {
	case n == "":
		return errors.New("a name cannot be empty (no // in a path)")
	case strings.Contains(n, "/"):
		return fmt.Errorf("%q is a path, not a name", n)
	case n == "." || n == "..":
		return fmt.Errorf("%q is not a name: a path stays on the stick", n)
	case len(n) > stickMaxName:
		return fmt.Errorf("a name is at most %d characters", stickMaxName)
	case strings.ContainsAny(n, `\:*?"<>|`):
		return fmt.Errorf("%q holds a character a FAT32 stick does not allow (\\ : * ? \" < > |)", n)
	case strings.TrimRight(n, " .") != n:
		return fmt.Errorf("%q ends with a space or a dot, which a FAT32 stick drops", n)
	}
	for _, c := range n {
		if c < 0x20 || c == 0x7f {
			return errors.New("a name cannot hold control characters")
		}
	}
	return nil
}

// noLinks checks that no part of p on the stick is a symbolic link and
// returns what p itself is (nil when it does not exist).
func noLinks(r *os.Root, p string) (fs.FileInfo, error) {
	parts := strings.Split(p, "/")
	for i := range parts {
		sub := strings.Join(parts[:i+1], "/")
		fi, err := r.Lstat(sub)
		if errors.Is(err, fs.ErrNotExist) {
			if i == len(parts)-1 {
				return nil, nil
			}
			return nil, fmt.Errorf("the folder %s is not on the stick: make it first", StickPath(sub))
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %v", StickPath(sub), pathCause(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%s is a link, which the stick's folders do not follow", StickPath(sub))
		}
		if i == len(parts)-1 {
			return fi, nil
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s is a file, not a folder", StickPath(sub))
		}
	}
	return nil, nil
}

// target checks to as a new path on the stick: its folder exists and
// nothing has its name yet. A name that differs only in case from the one
// it replaces (same) is allowed, as a PC allows it.
func target(r *os.Root, to, same string) error {
	fi, err := noLinks(r, to)
	if err != nil {
		return err
	}
	if fi != nil && to != same && !(strings.EqualFold(to, same) && sameFile(r, to, same)) {
		return fmt.Errorf("%s already exists: rename or delete it first", StickPath(to))
	}
	if dir := path.Dir(to); dir != "." {
		if fi, err := noLinks(r, dir); err != nil {
			return err
		} else if fi == nil {
			return fmt.Errorf("the folder %s is not on the stick: make it first", StickPath(dir))
		}
	}
	return nil
}

func sameFile(r *os.Root, a, b string) bool {
	fa, err1 := r.Lstat(a)
	fb, err2 := r.Lstat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// Rename gives a folder or file of the stick a new name or place on the stick.
func (s Stick) Rename(from, to string) error {
	from, err := CheckStickPath(from)
	if err != nil {
		return err
	}
	if to, err = CheckStickPath(to); err != nil {
		return err
	}
	r, err := s.root()
	if err != nil {
		return err
	}
	defer r.Close()
	fi, err := noLinks(r, from)
	if err != nil {
		return err
	}
	if fi == nil {
		return fmt.Errorf("%s is not on the stick", StickPath(from))
	}
	if from == to {
		return nil
	}
	if fi.IsDir() && strings.HasPrefix(to, from+"/") {
		return fmt.Errorf("%s cannot be moved into itself", StickPath(from))
	}
	if err := target(r, to, from); err != nil {
		return err
	}
	if err := r.Rename(from, to); err != nil {
		return fmt.Errorf("cannot rename %s: %v", StickPath(from), pathCause(err))
	}
	return nil
}

// at checks the stick path p and opens the stick for one operation on it;
// the caller closes the root.
func (s Stick) at(p string) (string, *os.Root, error) {
	p, err := CheckStickPath(p)
	if err != nil {
		return "", nil, err
	}
	r, err := s.root()
	if err != nil {
		return "", nil, err
	}
	return p, r, nil
}

// Delete removes a file, or a folder with all it holds, from the stick.
func (s Stick) Delete(p string) error {
	p, r, err := s.at(p)
	if err != nil {
		return err
	}
	defer r.Close()
	fi, err := noLinks(r, p)
	if err != nil {
		return err
	}
	if fi == nil {
		return fmt.Errorf("%s is not on the stick", StickPath(p))
	}
	if err := r.RemoveAll(p); err != nil {
		return fmt.Errorf("cannot delete %s: %v", StickPath(p), pathCause(err))
	}
	return nil
}

// Mkdir makes a new folder on the stick.
func (s Stick) Mkdir(p string) error {
	p, r, err := s.at(p)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := target(r, p, ""); err != nil {
		return err
	}
	if err := r.Mkdir(p, 0o755); err != nil {
		return fmt.Errorf("cannot make %s: %v", StickPath(p), pathCause(err))
	}
	return nil
}

// CopyIn copies the file name of the PC's folder from (the Downloads
// folder) to the path to on the stick. Neither side leaves its folder.
func (s Stick) CopyIn(from, name, to string) (err error) {
	if err := checkStickName(name); err != nil {
		return err
	}
	if to, err = CheckStickPath(to); err != nil {
		return err
	}
	src, err := os.OpenRoot(from)
	if err != nil {
		return errors.New("the Downloads folder cannot be read")
	}
	defer src.Close()
	if fi, err := src.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("Downloads has no file named %s", name)
	}
	r, err := s.root()
	if err != nil {
		return err
	}
	defer r.Close()
	if err := target(r, to, ""); err != nil {
		return err
	}
	in, err := src.Open(name)
	if err != nil {
		return fmt.Errorf("cannot read Downloads/%s: %v", name, pathCause(err))
	}
	defer in.Close()
	out, err := r.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", StickPath(to), pathCause(err))
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Remove(to)
		return fmt.Errorf("cannot write %s (the stick may be full): %v", StickPath(to), pathCause(err))
	}
	return nil
}

// Downloads lists the plain files of the PC's Downloads folder at dir.
func Downloads(dir string) []StickEntry {
	if dir == "" {
		return nil
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil
	}
	defer r.Close()
	f, err := r.Open(".")
	if err != nil {
		return nil
	}
	defer f.Close()
	es, err := f.ReadDir(-1)
	if err != nil {
		return nil
	}
	var out []StickEntry
	for _, e := range es {
		if !e.Type().IsRegular() {
			continue
		}
		var size int64
		if fi, err := e.Info(); err == nil {
			size = fi.Size()
		}
		out = append(out, StickEntry{Path: e.Name(), Size: size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
