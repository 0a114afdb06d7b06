package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// progressStep is how often (in bytes) a running write reports progress.
const progressStep = 1 << 20

// sectionStage is the status a section's write shows (SCREENS.md).
func sectionStage(k imagefmt.SectionKind) Status {
	switch k {
	case imagefmt.Kernel:
		return StatusUpdatingKernel
	case imagefmt.RootFS:
		return StatusUpdatingImage
	case imagefmt.Env:
		return StatusUpdatingEnv
	case imagefmt.Bootstrap:
		return StatusUpdatingBoot
	case imagefmt.Userfs:
		return StatusUpdatingUserfs
	case imagefmt.SecondBoot:
		return StatusUpdatingSecond
	case imagefmt.Logotype:
		return StatusUpdatingLogo
	}
	return StatusUpdatingImage
}

// countingReader counts the bytes read from a source and stops at once when
// the context ends (a power cut).
type countingReader struct {
	r   io.Reader
	ctx context.Context
	n   int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Update installs an image from src through the pipeline: stream into the
// inactive bank, verify, decide, then switch. A refusal or failure leaves the
// active bank and the settings exactly as they were; a cancelled context is a
// power cut: the inactive bank is left invalid, the old image still boots.
func (b *Box) Update(ctx context.Context, src Source, opts UpdateOptions) Result {
	p := opts.Path
	if p == "" {
		p = PathBoot
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	res := Result{Path: p, Bank: 1 - b.state().Active}
	if src == nil {
		return failResult(res, StatusInternal, "install", "no image source was given", "")
	}
	unlock, err := b.lock()
	if err != nil {
		return failResult(res, StatusOf(err), "install", err.Error(), "")
	}
	defer unlock()
	target := 1 - b.state().Active
	res.Bank = target
	res.Source = src.String()
	kr, err := b.keyring()
	if err != nil {
		return failResult(res, StatusInternal, "install", err.Error(), "")
	}
	in := b.decisionBase(kr, p)
	in.Force = opts.Force
	if p == PathPortal && in.Running == nil {
		return b.finish(res, Decide(in), 0)
	}
	progress(Progress{Stage: StatusInitialising, Total: -1})
	rc, size, err := src.Open(ctx)
	if err != nil {
		in.HeaderStatus, in.HeaderDetail, in.HeaderHint = statusDetail(err)
		return b.finish(res, Decide(in), 0)
	}
	defer rc.Close()
	cr := &countingReader{r: rc, ctx: ctx}
	progress(Progress{Stage: StatusInspectingFile, Total: size})
	rd, err := imagefmt.NewReader(cr, readerSize(src, size), b.model.Hash)
	if err != nil {
		in.HeaderStatus, in.HeaderDetail, in.HeaderHint = statusDetail(err)
		return b.finish(res, Decide(in), cr.n)
	}
	hdr := rd.Header()
	in.ImageModel, in.ImageVersion, in.ImageDate, in.ImageDesc = hdr.Model, hdr.Version, hdr.Date, hdr.Description
	res.Image = &ImageInfo{Model: hdr.Model, Version: hdr.Version, Date: hdr.Date, Description: hdr.Description,
		Kind: KindUnknown, Size: hdr.Size() + hdr.DataSize()}
	if d := Decide(in); !d.Pending {
		return b.finish(res, d, cr.n)
	}
	if target == b.state().Active { // by construction never; the rule holds all the same
		return failResult(res, StatusActiveBankUpdate, "install", "the box never writes the bank it runs from", "")
	}

	// Erase: the target bank is invalid from here until the switch.
	before := b.state()
	marked := false
	if before.Banks[target].Valid || before.Banks[target].Image != nil {
		st := before.clone()
		st.Banks[target] = Bank{}
		if err := b.save(st); err != nil {
			return failResult(res, StatusFlashWrite, "install", err.Error(), "")
		}
		marked = true
	}
	restore := func() {
		if marked {
			b.save(before) // the old bank file was never touched: it is valid again
		}
	}
	progress(Progress{Stage: StatusErasing, Total: size})
	tmp, customData, err := b.writeBank(ctx, rd, cr, target, size, progress, opts.Pace)
	if err != nil {
		if ctx.Err() != nil {
			res.Status, res.Text, res.Rule = StatusReadError, StatusReadError.Text(), "install"
			res.PowerCut = true
			res.Read = cr.n
			res.Explain = fmt.Sprintf("Power was cut while bank %d was being written: that bank is now invalid. The box still boots its image in bank %d.", target, b.state().Active)
			res.Hint = "power the box on again; repeat the update when it runs"
			return res
		}
		restore()
		st, detail, hint := statusDetail(err)
		if st == StatusInternal {
			st = StatusFileWrite
		}
		return b.finishFail(res, st, detail, hint, cr.n)
	}

	// Verify, then decide.
	progress(Progress{Stage: StatusInspecting, Done: cr.n, Total: size})
	custom := loadCustom(customData)
	if custom != nil {
		ref := kr.add(custom, RoleCustom)
		in.ImageCustomKey = &ref
	}
	in.Complete = true
	in.Blocks = blockFacts(kr, rd.Verify(kr.keys))
	d := Decide(in)
	if d.Confirm != "" && opts.Confirm != nil && opts.Confirm(d.Confirm) {
		in.Confirmed = true
		d = Decide(in)
	}
	info := describe(hdr, d, custom, rd.Consumed())
	res.Image = info
	if !d.Accept {
		os.Remove(tmp)
		restore()
		return b.finish(res, d, cr.n)
	}

	// Switch: the image file into place, then one state write.
	if err := os.Rename(tmp, b.BankFile(target)); err != nil {
		os.Remove(tmp)
		restore()
		return b.finishFail(res, StatusFileWrite, err.Error(), "", cr.n)
	}
	if err := syncDir(b.bankDir(target)); err != nil {
		restore()
		return b.finishFail(res, StatusFileWrite, err.Error(), "", cr.n)
	}
	st := b.state().clone()
	info.Installed = now()
	st.Banks[target] = Bank{Valid: true, Image: info}
	st.Active = target
	if choiceBootmodeFollowsBank && st.Settings["bootmode"] != "DHCP" {
		st.Settings["bootmode"] = bankMode(target)
	}
	setImageSettings(st, info)
	if err := b.save(st); err != nil {
		restore()
		return b.finishFail(res, StatusFileWrite, err.Error(), "", cr.n)
	}
	progress(Progress{Stage: StatusFinishedOK, Done: cr.n, Total: cr.n})
	return b.finish(res, d, cr.n)
}

// finish fills a Result from a decision.
func (b *Box) finish(res Result, d Decision, read int64) Result {
	res.Status, res.Text, res.Rule = d.Status, d.Text, d.Rule
	res.Installed = d.Accept
	res.Explain, res.Hint = d.Explain, d.Hint
	res.Blocks, res.Trusted = d.Blocks, d.Trusted
	res.Confirm = d.Confirm
	res.Read = read
	if res.Image != nil {
		img := *res.Image // the state may hold the same ImageInfo: never change it in place
		if d.Kind != "" {
			img.Kind = d.Kind
		}
		res.Image = &img
	}
	return res
}

func (b *Box) finishFail(res Result, s Status, detail, hint string, read int64) Result {
	res = failResult(res, s, "install", detail, hint)
	res.Read = read
	return res
}

func failResult(res Result, s Status, rule, detail, hint string) Result {
	res.Status, res.Text, res.Rule = s, s.Text(), rule
	res.Explain = upperFirst(strings.TrimSuffix(detail, ".")) + ". Nothing was changed: the box still runs the image it ran."
	res.Hint = hint
	return res
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statusDetail splits an error into its status, a detail sentence and a hint.
func statusDetail(err error) (Status, string, string) {
	var se *StatusError
	if errors.As(err, &se) {
		detail := se.Detail
		if detail == "" && se.Err != nil {
			detail = se.Err.Error()
		}
		if se.Explain != "" {
			detail = strings.TrimSuffix(detail, ".") + ". " + se.Explain
		}
		return se.Status, detail, ""
	}
	s := StatusOf(err)
	return s, strings.TrimPrefix(err.Error(), s.Text()+": "), ""
}

func loadCustom(data []byte) *imagefmt.Key {
	if data == nil {
		return nil
	}
	k, err := imagefmt.LoadKey(data)
	if err != nil {
		return nil
	}
	return k.PublicOnly()
}

// describe is what a bank records about an image it holds.
func describe(hdr *imagefmt.Header, d Decision, custom *imagefmt.Key, size int64) *ImageInfo {
	info := &ImageInfo{Model: hdr.Model, Version: hdr.Version, Date: hdr.Date, Description: hdr.Description,
		Kind: d.Kind, Size: size}
	for _, bl := range d.Blocks {
		switch bl.Name {
		case imagefmt.GlobalName:
			info.Signer = bl.Signer
		case "RootFS":
			info.RootFSBy = bl.Signer
		}
	}
	if d.Kind == KindCustom && custom != nil {
		if text, err := custom.ArmoredPublic(); err == nil {
			info.CustomKey = string(text)
		}
	}
	return info
}

// writeBank streams the image from rd into a temporary file in bank n's
// folder (header, sections, blocks: the source's bytes as they are), teeing
// the RootFS into a key scanner. It returns the file's path and the custom key
// found in the RootFS.
func (b *Box) writeBank(ctx context.Context, rd *imagefmt.Reader, cr *countingReader, n int, total int64, progress func(Progress), pace Pace) (string, []byte, error) {
	dir := b.bankDir(n)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, &StatusError{Status: StatusFlashWrite, Detail: err.Error(), Err: err}
	}
	removeTemps(dir)
	f, err := os.CreateTemp(dir, ".imageupdate.*.tmp")
	if err != nil {
		return "", nil, &StatusError{Status: StatusFlashWrite, Detail: err.Error(), Err: err}
	}
	tmp := f.Name()
	w := newBankWriter(ctx, f, cr, total, progress)
	w.pace = newPacer(pace, total)
	custom, err := copyImage(rd, w)
	if err == nil {
		err = w.Close()
	} else {
		w.Abort()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", nil, err
	}
	return tmp, custom, nil
}

// copyImage writes the whole image from rd to w, in file order.
func copyImage(rd *imagefmt.Reader, w *bankWriter) ([]byte, error) {
	if _, err := w.Write(rd.Header().Raw()); err != nil {
		return nil, err
	}
	var custom []byte
	blocks := 0
	for {
		sec, err := rd.Next()
		for ; blocks < len(rd.Signed()); blocks++ {
			if _, werr := w.Write(rd.Signed()[blocks].Raw); werr != nil {
				return nil, werr
			}
		}
		if err == io.EOF {
			return custom, nil
		}
		if err != nil {
			return nil, err
		}
		w.stage = sectionStage(sec.Kind)
		w.report()
		if sec.Kind != imagefmt.RootFS {
			if _, err := rd.WriteTo(w); err != nil {
				return nil, err
			}
			continue
		}
		sc := imagefmt.NewKeyScanner()
		_, err = rd.WriteTo(io.MultiWriter(w, sc))
		key, kerr := sc.Close()
		if err != nil {
			return nil, err
		}
		if kerr == nil {
			custom = key
		}
	}
}

// removeTemps deletes what an interrupted write left in a bank folder.
func removeTemps(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".imageupdate.") && strings.HasSuffix(e.Name(), ".tmp") {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// factoryInstall writes the image the box leaves the factory with into bank 0.
func (b *Box) factoryInstall(image string) (*ImageInfo, error) {
	var r io.Reader
	var size int64
	if image == "" {
		manuf, err := loadDemoKey("manufacturer", true)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := BuildDemoImage(&buf, &DemoKeys{Manufacturer: manuf}, b.model, "factory"); err != nil {
			return nil, err
		}
		r, size = &buf, int64(buf.Len())
	} else {
		f, err := os.Open(image)
		if err != nil {
			return nil, fmt.Errorf("image %s: %v", image, errors.Unwrap(err))
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		r, size = f, fi.Size()
	}
	info, err := b.flashBank(0, r, size)
	if err != nil && image != "" {
		return nil, fmt.Errorf("image %s: %v", image, err)
	}
	return info, err
}

// flashBank writes an image into bank n as the factory does: no update rules
// and no version check, but the image must be built for this model and every
// block must verify with a key the box knows. It returns what the bank then
// holds; the caller records it in the state.
func (b *Box) flashBank(n int, r io.Reader, size int64) (*ImageInfo, error) {
	ctx := context.Background()
	cr := &countingReader{r: r, ctx: ctx}
	rd, err := imagefmt.NewReader(cr, size, b.model.Hash)
	if err != nil {
		return nil, err
	}
	hdr := rd.Header()
	if !b.model.TakesImagesFor(hdr.Model) {
		return nil, fmt.Errorf("the image is built for %s; a %s runs only images built for %s", hdr.Model, b.model.Name, b.model.Base)
	}
	tmp, customData, err := b.writeBank(ctx, rd, cr, n, size, func(Progress) {}, Pace{})
	if err != nil {
		return nil, err
	}
	kr, err := b.keyring()
	if err != nil {
		os.Remove(tmp)
		return nil, err
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
			return nil, fmt.Errorf("the image does not verify with the keys this box knows (%v); give the box the key that signed it", c.Err)
		}
	}
	in.Blocks = blockFacts(kr, checks)
	d := Decision{Kind: kindOf(in)}
	for _, f := range in.Blocks {
		d.Blocks = append(d.Blocks, BlockReport{Name: f.Name, Signer: f.Signer, Hash: f.Hash, OK: true})
	}
	info := describe(hdr, d, custom, rd.Consumed())
	info.Installed = now()
	if err := os.Rename(tmp, b.BankFile(n)); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := syncDir(b.bankDir(n)); err != nil {
		return nil, err
	}
	return info, nil
}
