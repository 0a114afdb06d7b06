package device

import (
	"fmt"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// BlockFacts is what the pipeline found out about one signature block; the
// rules judge it. It holds no key material, so that Decide stays pure.
type BlockFacts struct {
	Name   string  // "Kernel", "RootFS", …, "Global"
	Signer *KeyRef // the known key that made the block; nil when none did
	Hash   string  // the hash the block names ("SHA-1", "SHA-256"), when Signer is known
	Match  bool    // the data matches the block (it was not changed after signing)
	Detail string  // what the format reader said, when the block does not match
}

// DecisionInput is everything the rules look at. Build it from an image that
// was read to its end (Complete), or from its header alone to run checks 1
// and 2 before anything is written.
type DecisionInput struct {
	Model Model
	Path  Path

	// Check 1: the header. HeaderStatus is 0 when the header was read; else
	// 22, 25, 27, 28 or 29 with HeaderDetail saying why.
	HeaderStatus Status
	HeaderDetail string
	HeaderHint   string

	// The image, from its header.
	ImageModel   string
	ImageVersion int
	ImageDate    string
	ImageDesc    string

	// Complete is true when the whole image was read and Blocks are known.
	Complete bool
	Blocks   []BlockFacts
	// ImageCustomKey is the custom key carried inside the image's RootFS, if any.
	ImageCustomKey *KeyRef

	// The box.
	Manufacturer KeyRef
	Public       KeyRef
	Operator     *KeyRef    // the installed operator key, nil when none
	Running      *ImageInfo // the image in the active bank, nil when none is valid
	VerForced    bool       // Ver_Forced = Yes
	Force        bool       // forced for this run
	Confirmed    bool       // the person agreed to install an older image (portal)
}

// Decision is the verdict of the rules on one update.
type Decision struct {
	Status  Status
	Text    string
	Rule    Rule // "R1"…"R7", or "header", "model", "version", "portal"
	Accept  bool // the image may be installed (Status 16)
	Pending bool // checks 1–2 pass; read the rest of the image and decide again
	Kind    Kind // the incoming image's kind, told from its signers
	Blocks  []BlockReport
	Trusted []KeyRef // the keys this box trusts on this path
	Explain string
	// Hint is what would install the image, in the command line's words
	// (flags); HintMenu the same in the screens' words (menu items). Next
	// and NextMenu are the same steps, for a program to follow.
	Hint     string
	HintMenu string
	Next     *NextStep
	NextMenu *NextStep
	// Confirm is a question to put to the person before installing an older
	// image on the portal path; when set, ask and decide again with Confirmed.
	Confirm string
	// Mistake names the mistake the image was made with, when one decided
	// (MistakeNoCustomKey, …); "" otherwise.
	Mistake string
}

// rulePlan is what a signature rule trusts and accepts.
type rulePlan struct {
	id      Rule
	trusted []KeyRef // keys trusted for every block
	rootfs  *KeyRef  // a key trusted only for the RootFS block (Custom images)
	allowed []Kind
	custom  *KeyRef // the image's own custom key may make the RootFS block (R1)
	why     string  // why these keys, one sentence
}

// Decide applies RULES.md, checks 1–5 and rules R1–R6, to one update. It is
// pure: the same input gives the same decision, and nothing is read or written.
// A refusal says what would install the image on this box (Next), decided by
// the same rules.
func Decide(in DecisionInput) Decision {
	d := decide(in)
	if !d.Accept && !d.Pending {
		d.advise(in)
	}
	return d
}

// decide is Decide without the next steps.
func decide(in DecisionInput) Decision {
	plan, bad := planFor(in)
	d := Decision{Trusted: plan.trustedList()}
	if bad != nil {
		return *bad
	}
	// 1. Header.
	if in.HeaderStatus != 0 {
		d.set(in.HeaderStatus, RuleHeader)
		d.Explain = fmt.Sprintf("The box could not read the image: %s.", strings.TrimSuffix(in.HeaderDetail, "."))
		d.Hint = in.HeaderHint
		if d.Hint == "" {
			d.Hint = headerHint(in.HeaderStatus)
		}
		return d
	}
	// 2. Model.
	if !in.Model.TakesImagesFor(in.ImageModel) {
		d.set(StatusWrongModel, RuleModel)
		d.Explain = fmt.Sprintf("The image is built for %s (its header says STB Model:%s); this box is a %s and takes only images built for %s.",
			in.ImageModel, in.ImageModel, in.Model.Name, in.Model.Base)
		return d
	}
	if !in.Complete {
		d.Pending = true
		d.Rule = plan.id
		return d
	}
	// 3. Signatures.
	d.Kind = kindOf(in)
	d.Rule = plan.id
	// The first broken block (wrong hash, changed data) decides; then a
	// mistake the image was made with, named; then the first untrusted block.
	var first, broken string
	m := plan.mistake(in)
	for _, b := range in.Blocks {
		r := BlockReport{Name: b.Name, Signer: b.Signer, Hash: b.Hash, OK: true}
		why, fundamental := plan.blockProblem(in, b)
		if b.Name == m.block && !fundamental {
			why = m.why
		}
		if why != "" {
			r.OK, r.Detail = false, why
			if first == "" {
				first = why
			}
			if fundamental && broken == "" {
				broken = why
			}
		}
		d.Blocks = append(d.Blocks, r)
	}
	named := false
	switch {
	case len(in.Blocks) == 0:
		first = "the image carries no signature block"
	case broken != "":
		first = broken
	case m.why != "":
		first, named = m.why, true
	}
	if first == "" && !contains(plan.allowed, d.Kind) {
		first = fmt.Sprintf("it is %s, and %s", kindPhrase(d.Kind), allowedPhrase(plan.allowed))
	}
	if first != "" {
		d.set(StatusWrongSignature, plan.id)
		d.Explain = fmt.Sprintf("%s The image was refused because %s.", plan.why, first)
		if named {
			d.Mistake, d.Hint = m.id, m.hint
		}
		return d
	}
	// 4. Version.
	if v := versionCheck(in, &d); v {
		return d
	}
	// 5. Install: the pipeline writes; the rules allow it.
	d.set(StatusFinishedOK, plan.id)
	d.Accept = true
	d.Explain = fmt.Sprintf("%s The image is %s, version %d (%s).", plan.why, kindPhrase(d.Kind), in.ImageVersion, in.ImageDesc)
	return d
}

func (d *Decision) set(s Status, rule Rule) {
	d.Status, d.Text, d.Rule = s, s.Text(), rule
}

// planFor picks the signature rule for the path and what the box runs.
func planFor(in DecisionInput) (rulePlan, *Decision) {
	id := ruleFor(in)
	if id == RulePortal {
		d := Decision{Rule: RulePortal}
		d.set(StatusInternal, RulePortal)
		d.Explain = RulePortal.why()
		return rulePlan{id: RulePortal}, &d
	}
	info, _ := id.Info()
	pl := info.trust(in)
	pl.id = id
	return pl, nil
}

// ruleFor picks the signature rule that decides in: R1 or R2 at the boot
// stage, at the portal R6 on a box locked to an operator key, else the rule
// of the running image's kind (R3–R6), RulePortal with no image to run.
func ruleFor(in DecisionInput) Rule {
	switch {
	case in.Path == PathBoot && in.Operator != nil:
		return RuleR2
	case in.Path == PathBoot:
		return RuleR1
	case in.Running == nil:
		return RulePortal
	case in.Operator != nil && choiceOperatorLocksPortal:
		return RuleR6
	}
	switch in.Running.Kind {
	case KindFactory:
		return RuleR3
	case KindCustom:
		return RuleR5
	case KindOperator:
		return RuleR6
	}
	return RuleR4
}

func (pl rulePlan) trustedList() []KeyRef {
	out := append([]KeyRef(nil), pl.trusted...)
	if pl.rootfs != nil {
		out = append(out, *pl.rootfs)
	}
	return out
}

// blockProblem says why a block is not acceptable under the plan, or "";
// fundamental is set when the block itself is broken for this box (a hash
// the model does not read, data changed after signing), whoever made it.
func (pl rulePlan) blockProblem(in DecisionInput, b BlockFacts) (why string, fundamental bool) {
	if b.Signer == nil {
		return fmt.Sprintf("no key this box knows made the %s block", b.Name), false
	}
	if choiceAcceptOnlyGenerationHash && b.Hash != in.Model.Generation() {
		return fmt.Sprintf("the %s block is made with %s, and %s accepts only %s blocks", b.Name, b.Hash, in.Model.Name, in.Model.Generation()), true
	}
	if !b.Match {
		return fmt.Sprintf("the %s block was made by %s, but the data no longer matches it (the file was changed after signing)", b.Name, keyName(*b.Signer)), true
	}
	if pl.trusts(b) {
		return "", false
	}
	return fmt.Sprintf("the %s block was made by %s, which this box does not trust on this path", b.Name, keyName(*b.Signer)), false
}

// trusts reports whether the plan trusts the key that made block b.
func (pl rulePlan) trusts(b BlockFacts) bool {
	if b.Signer == nil {
		return false
	}
	for _, t := range pl.trusted {
		if t.Is(*b.Signer) {
			return true
		}
	}
	if b.Name == "RootFS" {
		if pl.rootfs != nil && pl.rootfs.Is(*b.Signer) {
			return true
		}
		if pl.custom != nil && pl.custom.Is(*b.Signer) {
			return true
		}
	}
	return false
}

// kindOf tells the image's kind from who made its global and RootFS blocks (RULES.md table).
func kindOf(in DecisionInput) Kind {
	var global, rootfs *KeyRef
	hasRootFS := false
	for _, b := range in.Blocks {
		switch b.Name {
		case "Global":
			global = b.Signer
		case "RootFS":
			rootfs, hasRootFS = b.Signer, true
		}
	}
	if global == nil || (hasRootFS && rootfs == nil) {
		return KindUnknown
	}
	same := !hasRootFS || rootfs.Is(*global)
	switch {
	case global.Is(in.Manufacturer) && same:
		return KindFactory
	case global.Is(in.Public) && same:
		return KindPublic
	case global.Is(in.Public) && rootfs.Role == RoleCustom:
		return KindCustom
	case global.Role == RoleOperator && same:
		return KindOperator
	}
	return KindUnknown
}

// versionCheck applies check 4; it reports whether it decided.
func versionCheck(in DecisionInput, d *Decision) bool {
	if in.Running == nil && choiceRecoveryAnyVersion {
		return false // nothing to compare with
	}
	if in.Running == nil {
		d.set(StatusFileCheckDone, RuleVersion)
		d.Explain = "The box runs no valid image, so there is no version to compare with."
		return true
	}
	cur, next := in.Running.Version, in.ImageVersion
	if in.Path == PathBoot {
		switch {
		case next > cur:
			return false
		case next == cur && (in.VerForced || in.Force):
			return false
		case next == cur:
			d.set(StatusFileCheckDone, RuleVersion)
			d.Explain = fmt.Sprintf("The image is version %d (%s), the version the box already runs. The %s installs an image of the same version only when Forced is Yes.",
				next, in.ImageDesc, toolName(in.Model))
			return true
		default:
			d.set(StatusFileCheckDone, RuleVersion)
			d.Explain = fmt.Sprintf("The image is version %d (%s), older than the version %d (%s) the box runs. The %s installs only newer versions (or the same one when Forced is Yes); it never goes back.",
				next, in.ImageDesc, cur, in.Running.Description, toolName(in.Model))
			return true
		}
	}
	older := next < cur || (next == cur && !dateAfter(in.ImageDate, in.Running.Date))
	if !older || in.Confirmed || in.Force || !choicePortalOlderAsks {
		return false
	}
	d.set(StatusFileCheckDone, RuleVersion)
	what := "older than"
	if next == cur {
		what = "not newer than"
	}
	d.Confirm = fmt.Sprintf("The image %s (version %d, %s) is %s the running %s (version %d, %s). Install it anyway?",
		in.ImageDesc, next, in.ImageDate, what, in.Running.Description, cur, in.Running.Date)
	d.Explain = fmt.Sprintf("The image %s (version %d) is %s the running %s (version %d); the portal installs it only when you confirm.",
		in.ImageDesc, next, what, in.Running.Description, cur)
	return true
}

// ParseImageDate reads a header Date ("Thu Feb 21 00:43:44 EET 2019") with
// imagefmt.ParseHeaderDate; a zone abbreviation it does not know counts as UTC.
func ParseImageDate(s string) (time.Time, bool) {
	d, err := imagefmt.ParseHeaderDate(s)
	return d.Time, err == nil
}

// dateAfter reports whether date a is after date b; unreadable dates compare as not after.
func dateAfter(a, b string) bool {
	ta, ok1 := ParseImageDate(a)
	tb, ok2 := ParseImageDate(b)
	return ok1 && ok2 && ta.After(tb)
}

func toolName(m Model) string {
	if m.Menu == MenuBootloader {
		return "Bootloader's USB Bootstrap"
	}
	return "System Recovery Utility's Update software"
}

// keyName is a key in a sentence: its name and id (a list shows its Label).
func keyName(k KeyRef) string {
	if k.ID == "" {
		return "an unknown key"
	}
	name := k.Name
	if name == "" {
		name = string(k.Role)
	}
	return fmt.Sprintf("%s (%s)", name, k.ID)
}

func kindPhrase(k Kind) string {
	switch k {
	case KindFactory:
		return "a Factory image"
	case KindPublic:
		return "a Public image"
	case KindCustom:
		return "a Custom image"
	case KindOperator:
		return "an Operator image"
	}
	return "an image of unknown kind"
}

func allowedPhrase(ks []Kind) string {
	var names []string
	for _, k := range ks {
		names = append(names, strings.TrimPrefix(strings.TrimPrefix(kindPhrase(k), "a "), "an "))
	}
	return "this path accepts only " + strings.Join(names, ", ")
}

func contains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func headerHint(s Status) string {
	switch s {
	case StatusUSBNotFound:
		return "plug in the USB drive (FAT32) and try again"
	case StatusFileNotFound:
		return "put the image at the path shown, named imageupdate, in a folder named after the model in lower case"
	case StatusIncorrectURL:
		return "check the URL: it must be an http:// address of an imageupdate file"
	case StatusReadError:
		return "the file is cut short or could not be read: copy or download it again"
	}
	return "the file is not a valid imageupdate: download it again from the release"
}
