package device

// What a training scenario needs to put a box into a given state that the
// public API reaches only through a long history: a bank written directly, as
// the factory or a service center would, and a bank damaged, as flash wear or
// an earlier power cut leaves it.

import (
	"errors"
	"fmt"
)

// FlashBank writes the imageupdate at imagePath into bank n directly, as the
// factory does: no update rules and no version check, but the image must be
// built for this model and every block must verify with a key the box knows
// (MANUFACTURER, STB_PUBLIC, the installed operator key, or the custom key
// inside the image). The bank becomes valid; when n is the active bank the
// image settings (Image_Version, Image_Date, Image_Desc) follow it. The
// active bank is not changed.
func (b *Box) FlashBank(n int, imagePath string) error {
	if err := checkBank(n); err != nil {
		return err
	}
	return b.change(func(st *stateFile) error {
		f, fi, err := openRegular(imagePath)
		if err != nil {
			var nf *notAFileError
			if errors.As(err, &nf) {
				return fmt.Errorf("image %v", nf)
			}
			return fmt.Errorf("image %s: %v", imagePath, pathCause(err))
		}
		defer f.Close()
		info, _, err := b.flashBank(n, f, fi.Size())
		if err != nil {
			return fmt.Errorf("image %s: %v", imagePath, err)
		}
		st.Banks[n] = Bank{Valid: true, Image: info}
		if n == st.Active {
			setImageSettings(st, info)
		}
		return nil
	})
}

// DamageBank marks bank n invalid, as flash damage or a power cut while it
// was being written leaves it: the bank describes no image any more. The
// active bank and the settings stay as they are, so damaging the active bank
// gives a box that stops at "Active partition not valid" (Er20).
func (b *Box) DamageBank(n int) error {
	if err := checkBank(n); err != nil {
		return err
	}
	return b.change(func(st *stateFile) error {
		st.Banks[n] = Bank{}
		return nil
	})
}
