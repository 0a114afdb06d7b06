package device

// What a training scenario needs to put a box into a given state that the
// public API reaches only through a long history: a bank written directly, as
// the factory or a service center would, and a bank damaged, as flash wear or
// an earlier power cut leaves it.

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// FlashBank writes the imageupdate at imagePath into bank n directly, as the
// factory does: no update rules and no version check, but the image must be
// built for this model and every block must verify with a key the box knows
// (MANUFACTURER, STB_PUBLIC, the installed operator key, or the custom key
// inside the image). The bank becomes valid; when n is the active bank the
// image settings (Image_Version, Image_Date, Image_Desc) follow it. The
// active bank is not changed.
func (b *Box) FlashBank(n int, imagePath string) error {
	if n != 0 && n != 1 {
		return fmt.Errorf("there is no bank %d: the box has banks 0 and 1", n)
	}
	unlock, err := b.lock()
	if err != nil {
		return err
	}
	defer unlock()
	f, err := os.Open(imagePath)
	if err != nil {
		return fmt.Errorf("image %s: %v", imagePath, errors.Unwrap(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("image %s: %v", imagePath, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("image %s is not a file", imagePath)
	}
	ctx := context.Background()
	cr := &countingReader{r: f, ctx: ctx}
	rd, err := imagefmt.NewReader(cr, fi.Size(), b.model.Hash)
	if err != nil {
		return fmt.Errorf("image %s: %v", imagePath, err)
	}
	hdr := rd.Header()
	if !b.model.TakesImagesFor(hdr.Model) {
		return fmt.Errorf("image %s is built for %s; a %s runs only images built for %s", imagePath, hdr.Model, b.model.Name, b.model.Base)
	}
	tmp, customData, err := b.writeBank(ctx, rd, cr, n, fi.Size(), func(Progress) {})
	if err != nil {
		return fmt.Errorf("image %s: %v", imagePath, err)
	}
	kr, err := b.keyring()
	if err != nil {
		os.Remove(tmp)
		return err
	}
	custom := loadCustom(customData)
	in := DecisionInput{Model: b.model, Manufacturer: kr.m, Public: kr.p, Operator: kr.op, Complete: true}
	if custom != nil {
		ref := kr.add(custom, RoleCustom)
		in.ImageCustomKey = &ref
	}
	checks := rd.Verify(kr.keys)
	for _, c := range checks {
		if !c.OK() {
			os.Remove(tmp)
			return fmt.Errorf("image %s does not verify with the keys this box knows (%v); give the box the key that signed it", imagePath, c.Err)
		}
	}
	in.Blocks = blockFacts(kr, checks)
	d := Decision{Kind: kindOf(in)}
	for _, bf := range in.Blocks {
		d.Blocks = append(d.Blocks, BlockReport{Name: bf.Name, Signer: bf.Signer, Hash: bf.Hash, OK: true})
	}
	info := describe(hdr, d, custom, rd.Consumed())
	info.Installed = now()
	if err := os.Rename(tmp, b.BankFile(n)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write bank %d: %v", n, err)
	}
	if err := syncDir(b.bankDir(n)); err != nil {
		return fmt.Errorf("cannot write bank %d: %v", n, err)
	}
	st := b.state().clone()
	st.Banks[n] = Bank{Valid: true, Image: info}
	if n == st.Active {
		setImageSettings(st, info)
	}
	return b.save(st)
}

// DamageBank marks bank n invalid, as flash damage or a power cut while it
// was being written leaves it: the bank describes no image any more. The
// active bank and the settings stay as they are, so damaging the active bank
// gives a box that stops at "Active partition not valid" (Er20).
func (b *Box) DamageBank(n int) error {
	if n != 0 && n != 1 {
		return fmt.Errorf("there is no bank %d: the box has banks 0 and 1", n)
	}
	unlock, err := b.lock()
	if err != nil {
		return err
	}
	defer unlock()
	st := b.state().clone()
	st.Banks[n] = Bank{}
	return b.save(st)
}
