//go:build unix

package device

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on the box's lock file, failing at once
// when another process holds it. The kernel drops the lock when the process dies.
func lockFile(h *home) (func(), error) {
	f, err := openLock(h)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// openLock opens (or makes) the lock file inside the home; a link there is refused.
func openLock(h *home) (*os.File, error) {
	if err := h.check(lockName, false); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return h.root.OpenFile(lockName, os.O_CREATE|os.O_RDWR|openNonblock, 0o644)
}
