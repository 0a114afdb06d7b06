package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// usbSource is the imageupdate in a model's folder on a USB drive.
type usbSource struct {
	dir string
	m   Model
}

// USBSource is the imageupdate in the model's folder on a USB drive mounted at dir.
func USBSource(dir string, m Model) Source { return &usbSource{dir: dir, m: m} }

func (s *usbSource) String() string {
	return "USB " + s.m.USBFolder() + "/imageupdate"
}

// File is the exact path the recovery tool looks for.
func (s *usbSource) File() string { return filepath.Join(s.dir, s.m.USBFolder(), "imageupdate") }

// Open opens the image: 29 when the drive is missing, 25 (naming the exact
// path, and a wrongly named folder or file when there is one) when the image is.
func (s *usbSource) Open(ctx context.Context) (Opened, error) {
	if err := ctx.Err(); err != nil {
		return Opened{}, err
	}
	fi, err := os.Stat(s.dir)
	if err != nil || !fi.IsDir() {
		return Opened{}, &StatusError{Status: StatusUSBNotFound, Detail: "no USB drive is plugged in",
			Explain: "Plug in a USB drive (FAT32) and try again."}
	}
	folder := filepath.Join(s.dir, s.m.USBFolder())
	file := s.File()
	onStick := StickPath(s.m.USBFolder() + "/imageupdate")
	if _, err := os.Stat(file); err != nil {
		se := &StatusError{Status: StatusFileNotFound, Detail: fmt.Sprintf("%s was not found", onStick), Err: pathCause(err)}
		if ffi, ferr := os.Stat(folder); ferr != nil || !ffi.IsDir() {
			se.Explain = fmt.Sprintf("The %s looks for a folder named %s (the model in lower case) at the top of the drive.", toolName(s.m), s.m.USBFolder())
			if near := nearNames(s.dir, s.m.USBFolder(), true); len(near) > 0 {
				se.Explain += fmt.Sprintf(" The drive has %s: rename it to %s.", quoteList(near), s.m.USBFolder())
			}
		} else {
			se.Explain = fmt.Sprintf("The folder %s must hold a file named imageupdate.", StickPath(s.m.USBFolder()))
			if near := nearNames(folder, "imageupdate", false); len(near) > 0 {
				se.Explain += fmt.Sprintf(" It has %s: rename it to imageupdate.", quoteList(near))
			}
		}
		return Opened{}, se
	}
	// Opened without waiting (a pipe swapped in meanwhile would otherwise
	// block here for ever), then looked at again: only a regular file is read.
	f, info, err := openRegular(file)
	if err != nil {
		var nf *notAFileError
		if errors.As(err, &nf) {
			se := &StatusError{Status: StatusFileNotFound, Detail: (&notAFileError{path: onStick, mode: nf.mode}).Error()}
			if !nf.mode.IsDir() {
				se.Explain = "The box reads an image only from a plain file on the drive: copy the image there as a file named imageupdate."
			}
			return Opened{}, se
		}
		return Opened{}, &StatusError{Status: StatusReadError, Detail: fmt.Sprintf("cannot open %s: %v", onStick, pathCause(err)), Err: pathCause(err)}
	}
	return Opened{Body: readErrorCloser{f}, Size: info.Size()}, nil
}

// readErrorCloser reports read failures of the drive as 27 "Read error".
type readErrorCloser struct{ f *os.File }

func (r readErrorCloser) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if err != nil && err != io.EOF {
		return n, &StatusError{Status: StatusReadError, Detail: err.Error(), Err: err}
	}
	return n, err
}

func (r readErrorCloser) Close() error { return r.f.Close() }

// nearNames lists the entries of dir that look like want but are not it
// ("MAG254", "mag-254", "imageupdate.bin").
func nearNames(dir, want string, dirs bool) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	norm := func(s string) string {
		s = strings.ToLower(s)
		var b strings.Builder
		for _, c := range s {
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() != dirs || e.Name() == want {
			continue
		}
		n := norm(e.Name())
		w := norm(want)
		if n == w || strings.HasPrefix(n, w) || (!dirs && strings.Contains(n, w)) {
			out = append(out, e.Name())
		}
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// USBBootstrap lists the Bootstrap files (Bootstrap, Bootstrap_254) in the
// model's folder on the drive at dir. The Bootloader shows them; the
// simulator does not need them.
func USBBootstrap(dir string, m Model) []string {
	entries, err := os.ReadDir(filepath.Join(dir, m.USBFolder()))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (e.Name() == "Bootstrap" || strings.HasPrefix(e.Name(), "Bootstrap_")) {
			out = append(out, e.Name())
		}
	}
	return out
}

// IsNotFound reports whether err is a missing drive, folder or file.
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.Status == StatusFileNotFound || se.Status == StatusUSBNotFound)
}
