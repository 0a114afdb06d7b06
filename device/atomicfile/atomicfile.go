// Package atomicfile replaces a file as a whole: the new content goes to a
// temporary file in the same folder, which is written, synced, closed and
// renamed over the old name, and then the folder itself is synced. A crash at
// any point leaves either the old file or the whole new one, plus at most a
// temporary file named "." + base + "." + random + ".tmp"; a failure leaves no
// temporary file behind.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Op names the step of a replacement that failed.
type Op int

// The steps of a replacement, in order.
const (
	Create     Op = iota // making the temporary file
	Write                // writing the content into it
	Sync                 // syncing it to the disk
	Close                // closing it
	Rename               // renaming it over the old name
	SyncFolder           // syncing the folder, so that the rename lasts
)

// Error is a failed replacement: the step, the file meant and the cause. The
// file at Path is untouched unless Op is SyncFolder, when the new content is
// in place but may not survive a power cut.
type Error struct {
	Op   Op
	Path string
	Err  error
}

func (e *Error) Error() string {
	cause := e.Err
	var pe *fs.PathError
	var le *os.LinkError
	if errors.As(cause, &pe) {
		cause = pe.Err
	} else if errors.As(cause, &le) {
		cause = le.Err
	}
	switch e.Op {
	case Create:
		return fmt.Sprintf("cannot make a file in the folder of %s (%v); check that the folder exists and can be written", e.Path, cause)
	case Rename:
		return fmt.Sprintf("cannot put %s in place (%v); check that it is not a folder", e.Path, cause)
	case SyncFolder:
		return fmt.Sprintf("wrote %s but cannot sync its folder (%v); check the disk", e.Path, cause)
	default:
		return fmt.Sprintf("cannot write %s (%v); check the disk and its free space", e.Path, cause)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// WriteFile replaces the file at path with data; a new file gets perm
// (less the umask).
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return replace(osFolder{}, path, perm, bytesWriter(data))
}

// WriteFunc replaces the file at path with what write writes. An error from
// write is returned as it is; a failure of any other step is an *Error.
func WriteFunc(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return replace(osFolder{}, path, perm, write)
}

// WriteFileIn replaces the file name inside root with data, never leaving
// root; a new file gets perm (less the umask).
func WriteFileIn(root *os.Root, name string, data []byte, perm fs.FileMode) error {
	return replace(rootFolder{root}, name, perm, bytesWriter(data))
}

func bytesWriter(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return &Error{Op: Write, Err: err}
		}
		return nil
	}
}

// file is what a replacement does to its temporary file.
type file interface {
	io.Writer
	Sync() error
	Close() error
}

// folder is where a replacement happens: the whole file tree or an os.Root.
type folder interface {
	create(name string, perm fs.FileMode) (file, error)
	rename(from, to string) error
	remove(name string) error
	syncDir(dir string) error
}

func replace(dir folder, path string, perm fs.FileMode, write func(io.Writer) error) error {
	fail := func(op Op, err error) error { return &Error{Op: op, Path: path, Err: err} }
	folderName, base := filepath.Split(path)
	var (
		f   file
		tmp string
		err error
	)
	var rnd [8]byte
	for range 10 {
		rand.Read(rnd[:])
		tmp = filepath.Join(folderName, "."+base+"."+hex.EncodeToString(rnd[:])+".tmp")
		if f, err = dir.create(tmp, perm); err == nil || !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return fail(Create, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			dir.remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		var ae *Error
		if errors.As(err, &ae) && ae.Path == "" {
			ae.Path = path
		}
		return err
	}
	if err := f.Sync(); err != nil {
		return fail(Sync, err)
	}
	if err := f.Close(); err != nil {
		dir.remove(tmp)
		done = true
		return fail(Close, err)
	}
	if err := dir.rename(tmp, path); err != nil {
		dir.remove(tmp)
		done = true
		return fail(Rename, err)
	}
	done = true
	if folderName == "" {
		folderName = "."
	}
	if err := dir.syncDir(folderName); err != nil {
		return fail(SyncFolder, err)
	}
	return nil
}

// osFolder is the whole file tree.
type osFolder struct{}

func (osFolder) create(name string, perm fs.FileMode) (file, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}
func (osFolder) rename(from, to string) error { return os.Rename(from, to) }
func (osFolder) remove(name string) error     { return os.Remove(name) }
func (osFolder) syncDir(dir string) error     { return syncOpened(os.Open(dir)) }

// rootFolder is the tree under an os.Root.
type rootFolder struct{ root *os.Root }

func (r rootFolder) create(name string, perm fs.FileMode) (file, error) {
	return r.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
}
func (r rootFolder) rename(from, to string) error { return r.root.Rename(from, to) }
func (r rootFolder) remove(name string) error     { return r.root.Remove(name) }
func (r rootFolder) syncDir(dir string) error     { return syncOpened(r.root.Open(dir)) }

func syncOpened(d *os.File, err error) error {
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
