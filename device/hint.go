package device

import (
	"fmt"
	"strings"
)

// NextStep is what would get a refused image installed on this box, found by
// deciding the same image again with each thing a person can change: the
// path, Forced, the portal's confirmation, and an operator key installed
// first. When none of them makes the rules accept it, None says so.
type NextStep struct {
	// None: nothing on this box takes this image as it is.
	None bool `json:"none,omitempty"`
	// OperatorKey: install first the certified key of the operator whose
	// image it is. The box cannot tell an operator's image from one made by
	// a key no box knows, so the step holds only if it is an operator's
	// image; if it is not, nothing on this box takes it.
	OperatorKey bool `json:"operator_key,omitempty"`
	// Path is the path that takes the image.
	Path Path `json:"path,omitempty"`
	// Force: with Forced = Yes (Ver_Forced, or --force for one run).
	Force bool `json:"force,omitempty"`
	// Confirm: answer yes when the portal asks before an older image.
	Confirm bool `json:"confirm,omitempty"`
	// Menu is the menu item on the screens that runs the step, e.g.
	// "Upgrade Tools › USB Bootstrap"; "" for the command line's step.
	Menu string `json:"menu,omitempty"`
}

// surface is where a person follows a hint: the command line offers every
// step, the screens only what their menus have (the System Recovery Utility
// has no Forced).
type surface int

const (
	onCommandLine surface = iota
	onScreens
)

// advise fills the decision's next steps and hints, for the command line
// and for the screens, from the same search: d is a final refusal of in.
func (d *Decision) advise(in DecisionInput) {
	switch d.Rule {
	case RuleHeader:
		return // the source is the problem: the header hints say how to fix it
	case RulePortal:
		d.Next = &NextStep{Path: PathBoot}
		d.NextMenu = &NextStep{Path: PathBoot, Menu: menuFor(in.Model, PathBoot)}
		d.Hint = "the portal runs inside the image, and this box has none: recover it at the boot stage with device update --via boot"
		d.HintMenu = "the portal needs a running image: recover the box at the boot stage, " + menuFor(in.Model, PathBoot)
		return
	}
	d.Next = nextStep(in, *d, onCommandLine)
	d.NextMenu = nextStep(in, *d, onScreens)
	was := *d // the hints read the named mistake's fix from it
	d.Hint = hintText(in, was, *d.Next, onCommandLine)
	d.HintMenu = hintText(in, was, *d.NextMenu, onScreens)
	if d.NextMenu.None && !d.Next.None && in.Running != nil {
		// only the command line's Forced takes it: the SRU has no Forced
		d.HintMenu = fmt.Sprintf("nothing on the screens will take this image: the %s has no Forced setting, and only Forced reinstalls the version the box runs (%d); use a newer image, or on the command line: %s",
			toolTitle(in.Model), in.Running.Version, commandFor(*d.Next))
	}
}

// toolTitle is the recovery tool of model m.
func toolTitle(m Model) string {
	if m.Menu == MenuBootloader {
		return "Bootloader"
	}
	return "System Recovery Utility"
}

// nextStep decides the image again with each change a person can make on
// the surface, fewest changes first, and returns the first the rules accept.
func nextStep(in DecisionInput, d Decision, on surface) *NextStep {
	if d.Rule == RuleModel || !in.Complete {
		return &NextStep{None: true}
	}
	inputs := []DecisionInput{in}
	keyed, ok := withImageOperatorKey(in)
	if ok {
		inputs = append(inputs, keyed)
	}
	for i, base := range inputs {
		for _, s := range candidates(in, on) {
			alt := base
			alt.Path, alt.Force, alt.Confirmed = s.Path, s.Force, s.Confirm
			if decide(alt).Accept {
				s.OperatorKey = i == 1
				if on == onScreens {
					s.Menu = menuFor(in.Model, s.Path)
				}
				return &s
			}
		}
	}
	return &NextStep{None: true}
}

// candidates are the steps to try, fewest changes first: the same path with
// Forced (boot) or the confirmation (portal), then the other path, plainly
// and with the same. The portal is tried only on a box that runs an image,
// and Forced on the screens only where a menu has it (the Bootloader).
func candidates(in DecisionInput, on surface) []NextStep {
	paths := []Path{in.Path, PathBoot}
	if in.Path == PathBoot {
		paths[1] = PathPortal
	}
	var out []NextStep
	for i, p := range paths {
		if p == PathPortal && in.Running == nil {
			continue
		}
		if i == 1 {
			out = append(out, NextStep{Path: p})
		}
		switch {
		case p == PathPortal:
			out = append(out, NextStep{Path: p, Confirm: true})
		case on == onCommandLine || in.Model.Menu == MenuBootloader:
			out = append(out, NextStep{Path: p, Force: true})
		}
	}
	// first the same path as it is: with the image's operator key installed
	// (tried last) that may be all it takes
	return append([]NextStep{{Path: in.Path}}, out...)
}

// withImageOperatorKey is the decision input as it would be once the key
// that made every block were installed as the operator key: possible only
// on a box with no operator key, for an image no key the box knows made.
func withImageOperatorKey(in DecisionInput) (DecisionInput, bool) {
	if in.Operator != nil || len(in.Blocks) == 0 {
		return in, false
	}
	for _, b := range in.Blocks {
		if b.Signer != nil {
			return in, false
		}
	}
	op := KeyRef{Role: RoleOperator, Name: "the image's operator key", ID: "IMAGE-OPERATOR"}
	alt := in
	alt.Operator = &op
	alt.Blocks = make([]BlockFacts, len(in.Blocks))
	for i, b := range in.Blocks {
		alt.Blocks[i] = BlockFacts{Name: b.Name, Signer: &op, Hash: in.Model.Generation(), Match: true}
	}
	return alt, true
}

// menuFor is the menu item that runs an update on path p on the screens.
func menuFor(m Model, p Path) string {
	switch {
	case p == PathPortal:
		return "Settings › Software update"
	case m.Menu == MenuBootloader:
		return "Upgrade Tools › USB Bootstrap"
	}
	return "Upgrade Tools › Update software"
}

// keyMenuFor is the menu item that installs an operator key, on the screens
// of the refused path.
func keyMenuFor(p Path) string {
	if p == PathPortal {
		return "Settings › Install Op.KEY"
	}
	return "Upgrade Tools › Install Op.KEY"
}

// commandFor is the command line that runs step s.
func commandFor(s NextStep) string {
	c := "device update --via " + string(s.Path)
	if s.Force {
		c += " --force"
	}
	if s.Confirm {
		c += " --confirm"
	}
	return c
}

// hintText is the one line a support engineer would say, in the words of
// the surface: flags on the command line, menu items on the screens.
func hintText(in DecisionInput, d Decision, s NextStep, on surface) string {
	if s.None {
		return "nothing on this box will take this image: " + noneReason(in, d, on)
	}
	how, lead := screenSteps(in, s), "install it through "
	if on == onCommandLine {
		how, lead = commandFor(s), "install it with "
		switch {
		case s.Force:
			how += " (the boot stage installs the same version again only when forced)"
		case s.Confirm:
			how += " (the portal installs an image not newer than the running one only when you confirm)"
		}
	} else if s.Path != in.Path || s.Force || s.Confirm {
		lead = map[Path]string{PathBoot: "install it at the boot stage: ", PathPortal: "install it through the portal: "}[s.Path]
	}
	if s.OperatorKey {
		key := "device install-key --home DIR OPERATOR.key"
		if on == onScreens {
			key = keyMenuFor(in.Path)
		}
		return fmt.Sprintf("if this is an operator's image, install that operator's certified key (%s; the box then takes only its images, for good), then %s; if not, nothing on this box will take it", key, how)
	}
	return lead + how
}

// screenSteps is step s as the screens run it: reach the other path's
// screens, set Forced, then the menu item (and the portal's question).
func screenSteps(in DecisionInput, s NextStep) string {
	var steps []string
	if s.Path != in.Path {
		steps = append(steps, map[Path]string{PathBoot: "power on holding MENU", PathPortal: "power on without MENU"}[s.Path])
	}
	if s.Force {
		steps = append(steps, "set Image Info › Forced to Yes (Exit & Save)")
	}
	last := s.Menu
	if s.Confirm {
		last += ", and answer OK when it asks whether to install it anyway"
	}
	if len(steps) == 0 {
		return last
	}
	return strings.Join(steps, ", ") + ", then " + last
}

// noneReason says why no step takes the image, and what would instead.
func noneReason(in DecisionInput, d Decision, on surface) string {
	if d.Rule == RuleModel {
		return fmt.Sprintf("it is built for %s; use an image built for %s", in.ImageModel, in.Model.Base)
	}
	for _, b := range in.Blocks {
		if b.Signer != nil && choiceAcceptOnlyGenerationHash && b.Hash != in.Model.Generation() {
			how := fmt.Sprintf("image build --hash %s", strings.ToLower(strings.ReplaceAll(in.Model.Generation(), "-", "")))
			if on == onScreens {
				how = "with " + in.Model.Generation() + " blocks"
			}
			return fmt.Sprintf("its blocks are made with %s, and a %s reads only %s blocks; rebuild it (%s), or use the release made for %s", b.Hash, in.Model.Name, in.Model.Generation(), how, in.Model.Base)
		}
	}
	for _, b := range in.Blocks {
		if b.Signer != nil && !b.Match {
			return "the file was changed after it was signed; get the original image again"
		}
	}
	if d.Mistake != "" {
		return d.Hint // the named mistake's fix
	}
	if op := in.Operator; op != nil && !signedBy(in.Blocks, *op) {
		return fmt.Sprintf("the box is locked to the operator key %s for good", keyName(*op))
	}
	if in.Running != nil && versionDecides(in) {
		return fmt.Sprintf("the boot stage takes only versions newer than %d, and the portal not this image; use a newer one", in.Running.Version)
	}
	if in.Operator == nil && len(in.Blocks) > 0 && !anySigner(in.Blocks) {
		return "no key this box knows made it; use an image signed by MANUFACTURER or STB_PUBLIC, or a Custom image"
	}
	return "no path on this box trusts the keys that made it; use an image signed by a key it trusts"
}

func signedBy(bs []BlockFacts, k KeyRef) bool {
	for _, b := range bs {
		if b.Name == "Global" && b.Signer != nil && b.Signer.Is(k) {
			return true
		}
	}
	return false
}

func anySigner(bs []BlockFacts) bool {
	for _, b := range bs {
		if b.Signer != nil {
			return true
		}
	}
	return false
}

// versionDecides reports whether the version check, not the signatures,
// refuses the image on some path.
func versionDecides(in DecisionInput) bool {
	for _, p := range []Path{PathBoot, PathPortal} {
		alt := in
		alt.Path = p
		if decide(alt).Rule == RuleVersion {
			return true
		}
	}
	return false
}
