package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// countingReader counts the bytes read from a source, stops at once when
// the context ends (a power cut), and never reads past limit (once the
// header has said how long the image is).
type countingReader struct {
	r     io.Reader
	ctx   context.Context
	n     int64
	limit int64 // 0: none yet
	tx    *installTx
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if c.tx != nil {
		if err := c.tx.op("read source"); err != nil {
			return 0, &StatusError{Status: StatusReadError, Detail: "reading the image failed: " + err.Error(), Err: err}
		}
	}
	if c.limit > 0 {
		if c.n >= c.limit {
			return 0, io.EOF
		}
		if int64(len(p)) > c.limit-c.n {
			p = p[:c.limit-c.n]
		}
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Update installs an image from src through the pipeline: stream into a
// bank, verify, decide, then switch (the steps of installStep). The bank
// written is the inactive one, or the damaged active one when the inactive
// bank is the only valid one: the only valid bank is never written over. A
// refusal or failure leaves the active bank and the settings as they were; a
// cancelled context is a power cut: the bank being written is left invalid,
// the old image still boots.
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
		return failResult(res, StatusInternal, RuleInstall, "no image source was given", "")
	}
	unlock, err := b.lock()
	if err != nil {
		return failResult(res, StatusOf(err), RuleInstall, err.Error(), "")
	}
	defer unlock()
	h, err := openHome(b.home)
	if err != nil {
		return failResult(res, StatusFileWrite, RuleInstall, err.Error(), "")
	}
	defer h.Close()
	target := b.targetBank()
	tx := &installTx{b: b, h: h, ctx: ctx, target: target}
	res.Bank = target
	res.Source = src.String()
	kr, err := b.keyring()
	if err != nil {
		return failResult(res, StatusInternal, RuleInstall, err.Error(), "")
	}
	in := b.decisionBase(kr, p)
	in.Force = opts.Force
	if p == PathPortal && in.Running == nil {
		return b.finish(res, Decide(in), 0)
	}
	progress(Progress{Stage: StatusInitialising, Total: -1})
	if err := tx.op("start"); err != nil {
		return failResult(res, StatusOf(err), RuleInstall, err.Error(), "")
	}
	if err := tx.enter(stepReading); err != nil {
		return failResult(res, StatusOf(err), RuleInstall, err.Error(), "")
	}
	op, err := src.Open(ctx)
	if err != nil {
		in.HeaderStatus, in.HeaderDetail, in.HeaderHint = statusDetail(err)
		return b.finish(res, Decide(in), 0)
	}
	defer op.Body.Close()
	cr := &countingReader{r: op.Body, ctx: ctx, tx: tx}
	progress(Progress{Stage: StatusInspectingFile, Total: op.Size})
	rd, err := imagefmt.NewReader(cr, op.LayoutSize(), b.model.Hash)
	if err != nil {
		in.HeaderStatus, in.HeaderDetail, in.HeaderHint = statusDetail(err)
		return b.finish(res, Decide(in), cr.n)
	}
	hdr := rd.Header()
	// Never read past the image the header describes (one byte more tells
	// an image with bytes after its end), whatever the source sends.
	cr.limit = hdr.Size() + hdr.DataSize() + 1
	in.ImageModel, in.ImageVersion, in.ImageDate, in.ImageDesc = hdr.Model, hdr.Version, hdr.Date, hdr.Description
	res.Image = &ImageInfo{Model: hdr.Model, Version: hdr.Version, Date: hdr.Date, Description: hdr.Description,
		Kind: KindUnknown, Size: hdr.Size() + hdr.DataSize()}
	if d := Decide(in); !d.Pending {
		return b.finish(res, d, cr.n)
	}
	if err := b.model.checkPartitions(hdr); err != nil {
		s, detail, hint := statusDetail(err)
		r := failResult(res, s, RuleInstall, detail, hint)
		r.Explain = upperFirst(detail)
		r.Read = cr.n
		return r
	}

	// Writing: the target bank is invalid from here until the switch.
	if err := tx.enter(stepWriting); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	if err := tx.markInvalid(); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	progress(Progress{Stage: StatusErasing, Total: op.Size})
	extra, err := b.writeBank(tx, rd, cr, op.Size, progress, opts.Pace)
	if err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}

	// Verifying, then the decision.
	if err := tx.enter(stepVerifying); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	progress(Progress{Stage: StatusInspecting, Done: cr.n, Total: op.Size})
	custom := loadCustom(extra.custom)
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
		tx.rollBack(false)
		return b.finish(res, d, cr.n)
	}
	if err := ctx.Err(); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}

	// Switching: the image file into place, then one state write. A power
	// cut between the two leaves the bank invalid (as marked), never valid
	// with the old image's record.
	if err := tx.enter(stepSwitching); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	if err := tx.replaceBank(); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	st := b.state().clone()
	info.Installed = now()
	st.Banks[target] = Bank{Valid: true, Image: info}
	st.Active = target
	if choiceBootmodeFollowsBank && st.Settings["bootmode"] != "DHCP" {
		st.Settings["bootmode"] = bankMode(target)
	}
	setImageSettings(st, info)
	env := applyEnv(st, extra.env, extra.envTooBig)
	if err := tx.commit(st); err != nil {
		return b.installFailed(tx, res, err, cr.n)
	}
	res.Env = env
	tx.enter(stepDone)
	progress(Progress{Stage: StatusFinishedOK, Done: cr.n, Total: cr.n})
	return b.finish(res, d, cr.n)
}

// installFailed rolls back an install that failed at its current step and
// says truthfully what the box holds now. A cancelled context is a power
// cut: the bank being written stays invalid.
func (b *Box) installFailed(tx *installTx, res Result, err error, read int64) Result {
	step := tx.step
	if tx.ctx.Err() != nil {
		after := tx.rollBack(true)
		res.Status, res.Text, res.Rule = StatusReadError, StatusReadError.Text(), RuleInstall
		res.PowerCut = true
		res.Read = read
		res.Explain = fmt.Sprintf("Power was cut while bank %d was being %s. %s", tx.target, stepVerb(step), after)
		res.Hint = "power the box on again; repeat the update when it runs"
		return res
	}
	after := tx.rollBack(false)
	st, detail, hint := statusDetail(err)
	if st == StatusInternal || st == StatusReadError && step != stepReading && step != stepWriting {
		st = StatusFileWrite
	}
	res = b.finishFail(res, st, detail, hint, read)
	res.Explain = upperFirst(strings.TrimSuffix(detail, ".")) + ". " + after
	return res
}

// stepVerb is what was happening to the bank at a step, for messages.
func stepVerb(s installStep) string {
	switch s {
	case stepVerifying:
		return "checked"
	case stepSwitching:
		return "switched to"
	}
	return "written"
}

// finish fills a Result from a decision.
func (b *Box) finish(res Result, d Decision, read int64) Result {
	res.Status, res.Text, res.Rule = d.Status, d.Text, d.Rule
	res.Installed = d.Accept
	res.Explain, res.Hint = d.Explain, d.Hint
	res.HintMenu, res.Next, res.NextMenu = d.HintMenu, d.Next, d.NextMenu
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
	res = failResult(res, s, RuleInstall, detail, hint)
	res.Read = read
	return res
}

func failResult(res Result, s Status, rule Rule, detail, hint string) Result {
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

// sectionExtras is what the install keeps of an image's sections besides
// writing them: the custom key inside the RootFS and the Env section's lines.
type sectionExtras struct {
	custom    []byte
	env       []byte
	envTooBig bool
}

// writeBank streams the image from rd into a temporary file in the target
// bank's folder (header, sections, blocks: the source's bytes as they are),
// teeing the RootFS into a key scanner and the Env section into a bounded
// buffer. It records the file in tx and returns what it kept of the sections.
func (b *Box) writeBank(tx *installTx, rd *imagefmt.Reader, cr *countingReader, total int64, progress func(Progress), pace Pace) (sectionExtras, error) {
	dir := bankDirName(tx.target)
	flashErr := func(err error) error {
		return &StatusError{Status: StatusFlashWrite, Detail: err.Error(), Err: err}
	}
	if err := tx.op("make folder"); err != nil {
		return sectionExtras{}, flashErr(err)
	}
	if err := tx.h.mkdir(dir); err != nil {
		return sectionExtras{}, flashErr(err)
	}
	tx.h.removeTemps(dir)
	if err := tx.op("create"); err != nil {
		return sectionExtras{}, flashErr(err)
	}
	f, tmp, err := tx.h.createTemp(dir, ".imageupdate.")
	if err != nil {
		return sectionExtras{}, flashErr(err)
	}
	tx.tmp = tmp
	w := newBankWriter(tx, f, cr, total, progress)
	w.pace = newPacer(pace, total)
	extra, err := copyImage(rd, w)
	if err == nil {
		err = w.Close()
	} else {
		w.Abort()
	}
	if err == nil {
		err = tx.op("sync")
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			err = flashErr(err)
		}
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = flashErr(cerr)
	}
	if err != nil {
		return sectionExtras{}, err
	}
	return extra, nil
}

// copyImage writes the whole image from rd to w, in file order.
func copyImage(rd *imagefmt.Reader, w *bankWriter) (sectionExtras, error) {
	var extra sectionExtras
	if _, err := w.Write(rd.Header().Raw()); err != nil {
		return extra, err
	}
	blocks := 0
	for {
		sec, err := rd.Next()
		for ; blocks < len(rd.Signed()); blocks++ {
			if _, werr := w.Write(rd.Signed()[blocks].Raw); werr != nil {
				return extra, werr
			}
		}
		if err == io.EOF {
			return extra, nil
		}
		if err != nil {
			return extra, err
		}
		w.stage = sectionStage(sec.Kind)
		w.report()
		switch sec.Kind {
		case imagefmt.RootFS:
			sc := imagefmt.NewKeyScanner()
			_, err = rd.WriteTo(io.MultiWriter(w, sc))
			key, kerr := sc.Close()
			if err != nil {
				return extra, err
			}
			if kerr == nil {
				extra.custom = key
			}
		case imagefmt.Env:
			env := &boundedBuffer{max: MaxEnvSection}
			if _, err := rd.WriteTo(io.MultiWriter(w, env)); err != nil {
				return extra, err
			}
			extra.env, extra.envTooBig = env.buf.Bytes(), env.over
		default:
			if _, err := rd.WriteTo(w); err != nil {
				return extra, err
			}
		}
	}
}

// boundedBuffer keeps the first max bytes written to it and notes the rest.
type boundedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

// factoryInstall writes the image the box leaves the factory with into bank 0;
// it also returns the image's Env section.
func (b *Box) factoryInstall(image string) (*ImageInfo, []byte, error) {
	var r io.Reader
	var size int64
	if image == "" {
		buf, err := factoryImage(b.model)
		if err != nil {
			return nil, nil, err
		}
		r, size = buf, int64(buf.Len())
	} else {
		f, fi, err := openRegular(image)
		if err != nil {
			var nf *notAFileError
			if errors.As(err, &nf) {
				return nil, nil, fmt.Errorf("image %v", nf)
			}
			return nil, nil, fmt.Errorf("image %s: %v", image, pathCause(err))
		}
		defer f.Close()
		r, size = f, fi.Size()
	}
	info, env, err := b.flashBank(0, r, size)
	if err != nil && image != "" {
		return nil, nil, fmt.Errorf("image %s: %v", image, err)
	}
	return info, env, err
}

// flashBank writes an image into bank n as the factory does: no update rules
// and no version check, but the image must be built for this model and every
// block must verify with a key the box knows. It returns what the bank then
// holds and its Env section (nil when it has none or a larger one than the
// box reads); the caller records them in the state.
func (b *Box) flashBank(n int, r io.Reader, size int64) (*ImageInfo, []byte, error) {
	ctx := context.Background()
	h, err := openHome(b.home)
	if err != nil {
		return nil, nil, err
	}
	defer h.Close()
	tx := &installTx{b: b, h: h, ctx: ctx, target: n, step: stepReading}
	defer func() {
		if tx.tmp != "" {
			h.root.Remove(tx.tmp)
		}
	}()
	cr := &countingReader{r: r, ctx: ctx}
	rd, err := imagefmt.NewReader(cr, size, b.model.Hash)
	if err != nil {
		return nil, nil, err
	}
	hdr := rd.Header()
	if !b.model.TakesImagesFor(hdr.Model) {
		return nil, nil, fmt.Errorf("the image is built for %s; a %s runs only images built for %s", hdr.Model, b.model.Name, b.model.Base)
	}
	if err := b.model.checkPartitions(hdr); err != nil {
		return nil, nil, errors.New(strings.TrimPrefix(err.Error(), StatusSectionTooBig.Text()+": "))
	}
	tx.step = stepWriting
	if err := tx.markInvalid(); err != nil {
		return nil, nil, err
	}
	extra, err := b.writeBank(tx, rd, cr, size, func(Progress) {}, Pace{})
	if err != nil {
		return nil, nil, err
	}
	kr, err := b.keyring()
	if err != nil {
		return nil, nil, err
	}
	custom := loadCustom(extra.custom)
	in := DecisionInput{Model: b.model, Manufacturer: kr.m, Public: kr.p, Operator: kr.op, Complete: true}
	if custom != nil {
		ref := kr.add(custom, RoleCustom)
		in.ImageCustomKey = &ref
	}
	checks := rd.Verify(kr.keys)
	for _, c := range checks {
		if !c.OK() {
			return nil, nil, fmt.Errorf("the image does not verify with the keys this box knows (%v); give the box the key that signed it", c.Err)
		}
	}
	in.Blocks = blockFacts(kr, checks)
	d := Decision{Kind: kindOf(in)}
	for _, f := range in.Blocks {
		d.Blocks = append(d.Blocks, BlockReport{Name: f.Name, Signer: f.Signer, Hash: f.Hash, OK: true})
	}
	info := describe(hdr, d, custom, rd.Consumed())
	info.Installed = now()
	if err := tx.replaceBank(); err != nil {
		return nil, nil, err
	}
	if extra.envTooBig {
		return info, nil, nil
	}
	return info, extra.env, nil
}
