package device

import (
	"errors"
	"fmt"
)

// lockName is the file that keeps two programs from changing one box at once.
const lockName = ".lock"

var errBusy = errors.New("busy")

// lock takes the box's lock and reloads the state from disk, so that a change
// starts from what another program may have written meanwhile. A change made
// by another goroutine of this program is waited for; one made by another
// program is refused at once.
func (b *Box) lock() (func(), error) {
	b.changing.Lock()
	unlock, err := b.lockHome()
	if err != nil {
		b.changing.Unlock()
		return nil, err
	}
	return func() { unlock(); b.changing.Unlock() }, nil
}

// lockHome takes the lock file of the box's home and reloads the state.
func (b *Box) lockHome() (func(), error) {
	h, err := openHome(b.home)
	if err != nil {
		return nil, err
	}
	unlock, err := lockFile(h)
	h.Close()
	if err != nil {
		if errors.Is(err, errBusy) {
			return nil, &StatusError{Status: StatusInternal, Detail: "another program is changing this box right now; wait for it to finish and try again"}
		}
		var le *HomeFileError
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, fmt.Errorf("cannot lock the box in %s: %v", b.home, pathCause(err))
	}
	if err := b.Reload(); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// change applies f to a copy of the state under the box's lock and saves the
// copy in one atomic write when f succeeds; when f fails nothing is stored.
func (b *Box) change(f func(st *stateFile) error) error {
	unlock, err := b.lock()
	if err != nil {
		return err
	}
	defer unlock()
	st := b.state().clone()
	if err := f(st); err != nil {
		return err
	}
	return b.save(st)
}

// checkBank refuses a bank number the box does not have.
func checkBank(n int) error {
	if n != 0 && n != 1 {
		return fmt.Errorf("there is no bank %d: the box has banks 0 and 1", n)
	}
	return nil
}
