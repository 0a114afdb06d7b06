package device

import (
	"context"
	"fmt"
)

// installStep is where an install stands (RULES.md check 5). The steps go
// in this order; any step before done may end in rolled back.
//
//	idle → reading → writing → verifying → switching → done
//	                    └──────────┴───────────┴──────→ rolled back
//
// What each step may change on disk, and so what a failure or a power cut
// there can leave:
//   - reading: nothing (the source is opened, the header read and checked).
//   - writing: first the state marks the target bank invalid, then the image
//     is streamed into a temporary file beside the bank's file.
//   - verifying: nothing (the blocks are checked, the rules decide).
//   - switching: the temporary file replaces the bank's file, then one state
//     write makes the bank valid and active.
//
// A bank is therefore never marked valid while its file holds anything but
// the image its record describes: the record goes before the file changes,
// and comes back only with the file that matches it.
type installStep int

const (
	stepIdle installStep = iota
	stepReading
	stepWriting
	stepVerifying
	stepSwitching
	stepDone
	stepRolledBack
)

func (s installStep) String() string {
	switch s {
	case stepIdle:
		return "idle"
	case stepReading:
		return "reading"
	case stepWriting:
		return "writing"
	case stepVerifying:
		return "verifying"
	case stepSwitching:
		return "switching"
	case stepDone:
		return "done"
	case stepRolledBack:
		return "rolled back"
	}
	return fmt.Sprintf("step %d", int(s))
}

// follows reports whether an install may go from s to next.
func (s installStep) follows(next installStep) bool {
	switch next {
	case stepRolledBack:
		return s >= stepReading && s <= stepSwitching
	case stepIdle:
		return false
	}
	return next == s+1
}

// faultHook is called before each disk or source operation of an install
// with the step and the operation's name; an error it returns is the
// operation's error. Tests set it to make an install fail, be cancelled or
// lose power at any point; it is nil otherwise.
type faultHook func(step installStep, op string) error

// installTx is one install on its way through the steps: what it has
// changed so far, so that a failure undoes exactly that and reports
// truthfully what the box holds afterwards.
type installTx struct {
	b      *Box
	h      *home
	ctx    context.Context
	step   installStep
	target int
	// marked: the state file records the target bank as invalid; prior is
	// the record it had, to restore while the bank's file is unchanged.
	marked bool
	prior  Bank
	// replaced: the bank's file now holds the new image; the prior record
	// describes a file that is gone and is never restored.
	replaced bool
	tmp      string // the temporary image file, inside the home
}

// enter moves the install to step next, after the hook has had its say.
func (tx *installTx) enter(next installStep) error {
	if !tx.step.follows(next) {
		return &StatusError{Status: StatusInternal, Detail: fmt.Sprintf("an install cannot go from %s to %s", tx.step, next)}
	}
	tx.step = next
	return tx.op("enter")
}

// op lets the test hook fail, cancel or cut power at an operation.
func (tx *installTx) op(name string) error {
	if tx.b.faults == nil {
		return nil
	}
	return tx.b.faults(tx.step, name)
}

// markInvalid records the target bank as invalid before its file changes.
func (tx *installTx) markInvalid() error {
	before := tx.b.state()
	bk := before.Banks[tx.target]
	if !bk.Valid && bk.Image == nil {
		return nil
	}
	if err := tx.op("mark invalid"); err != nil {
		return &StatusError{Status: StatusFileWrite, Detail: "cannot mark bank " + fmt.Sprint(tx.target) + " invalid: " + err.Error(), Err: err}
	}
	st := before.clone()
	st.Banks[tx.target] = Bank{}
	if err := tx.b.save(st); err != nil {
		return err
	}
	tx.marked, tx.prior = true, bk
	return nil
}

// replaceBank puts the written image in place of the bank's file.
func (tx *installTx) replaceBank() error {
	if err := tx.op("rename"); err != nil {
		return err
	}
	if err := tx.h.replace(tx.tmp, bankFileName(tx.target)); err != nil {
		return err
	}
	tx.tmp, tx.replaced = "", true
	if err := tx.op("sync folder"); err != nil {
		return err
	}
	return tx.h.syncDir(bankDirName(tx.target))
}

// commit makes the target bank valid and active in one state write.
func (tx *installTx) commit(st *stateFile) error {
	if err := tx.op("save state"); err != nil {
		return &StatusError{Status: StatusFileWrite, Detail: "cannot write the box state: " + err.Error(), Err: err}
	}
	return tx.b.save(st)
}

// rollBack undoes what the install changed, newest first: the temporary file
// goes, and the bank's old record comes back only while its file is the one
// that record describes. A cut at power (keep true) keeps the bank invalid,
// as an erased flash bank stays. It returns what the box holds now.
func (tx *installTx) rollBack(keep bool) string {
	if tx.step.follows(stepRolledBack) {
		tx.step = stepRolledBack
	}
	if tx.tmp != "" && tx.op("remove temporary file") == nil {
		tx.h.root.Remove(tx.tmp)
		tx.tmp = ""
	}
	if tx.marked && !tx.replaced && !keep && tx.op("restore state") == nil {
		st := tx.b.state().clone()
		st.Banks[tx.target] = tx.prior
		if tx.b.save(st) == nil {
			tx.marked = false
		}
	}
	return tx.b.afterFailure(tx.target, tx.marked, tx.replaced)
}

// afterFailure says, from the state as it now stands, which bank the box
// boots and whether the target bank lost its image (invalidated) or had its
// file written while it was invalid already (touched).
func (b *Box) afterFailure(target int, invalidated, touched bool) string {
	st := b.state()
	a := st.Active
	s := "Nothing was changed"
	switch {
	case invalidated:
		s = fmt.Sprintf("Bank %d is now invalid", target)
	case touched:
		s = fmt.Sprintf("Bank %d held no valid image and still holds none", target)
		invalidated = true
	}
	switch {
	case st.Banks[a].Valid && !invalidated:
		return s + ": the box still runs the image it ran."
	case st.Banks[a].Valid:
		return s + fmt.Sprintf("; the box still boots its image in bank %d.", a)
	case st.Banks[1-a].Valid:
		return s + fmt.Sprintf("; the active bank %d holds no valid image (power-on stops at Er20), and bank %d still holds its valid image: boot the backup bank, or update again.", a, 1-a)
	}
	return s + "; neither bank holds a valid image: update the box at the boot stage (" + toolName(b.model) + ")."
}

// targetBank is the bank an update writes: the inactive one, unless the
// active bank is damaged and the inactive one is the only valid bank; then
// the damaged one, so that the only valid bank is never written over.
func (b *Box) targetBank() int {
	st := b.state()
	a := st.Active
	if !b.bankUsable(a) && b.bankUsable(1-a) {
		return a
	}
	return 1 - a
}
