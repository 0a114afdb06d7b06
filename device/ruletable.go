package device

import "fmt"

// Rule names what decided an update: one of the signature rules R1–R7 of
// RULES.md, or the check that decided before or after them. Its value is
// what the JSON says ("R1"…"R7", "header", "model", "version", "install",
// "portal").
type Rule string

// The rules and checks; RuleTable describes each.
const (
	RuleR1      Rule = "R1"      // boot stage, no operator key
	RuleR2      Rule = "R2"      // boot stage, operator key installed
	RuleR3      Rule = "R3"      // portal of a Factory image
	RuleR4      Rule = "R4"      // portal of a Public image
	RuleR5      Rule = "R5"      // portal of a Custom image
	RuleR6      Rule = "R6"      // portal of an Operator image
	RuleR7      Rule = "R7"      // installing an operator key
	RuleHeader  Rule = "header"  // check 1: the file and its header
	RuleModel   Rule = "model"   // check 2: the device model
	RuleVersion Rule = "version" // check 4: the image version
	RuleInstall Rule = "install" // check 5: writing the inactive bank
	RulePortal  Rule = "portal"  // the portal path on a box with no valid image
)

// RuleInfo is one row of the rule table.
type RuleInfo struct {
	ID Rule
	// Path is the update path the rule applies to; "" for a check that
	// applies on both.
	Path Path
	// Summary is the one-line rule line of the screens; "" when they show
	// the id itself.
	Summary string
	// Refusal is set when a result decided by the rule is a refusal by the
	// rules (the command line's exit code 3); a result decided otherwise
	// and not installed is an error (exit code 1).
	Refusal bool
	// Why is the sentence that says why the box trusts what it trusts
	// under the rule, when it names no key or tool; "" when it is built
	// from the box (trust).
	Why string
	// trust is what a signature rule trusts on a box and an image as in:
	// the keys for every block, a key for the RootFS block alone, the kinds
	// of image it lets in, and why, in one sentence; nil for a check.
	trust func(in DecisionInput) rulePlan
}

// RuleTable is every rule and check, in the order of RULES.md: for each, the
// path, the screens' rule line, whether it refuses, and for the signature
// rules what they trust and why (their trust function, which Decide calls).
// Each call returns a new slice.
func RuleTable() []RuleInfo {
	return []RuleInfo{
		{ID: RuleR1, Path: PathBoot, Refusal: true,
			Summary: "rule R1 — boot stage, no operator key: MANUFACTURER and STB_PUBLIC are trusted",
			trust: func(in DecisionInput) rulePlan {
				pl := rulePlan{trusted: []KeyRef{in.Manufacturer, in.Public}, allowed: []Kind{KindFactory, KindPublic, KindCustom},
					why: fmt.Sprintf("At the boot stage (%s) a box without an operator key trusts MANUFACTURER and STB_PUBLIC, and the custom key a Custom image carries for its own RootFS (R1).", toolName(in.Model))}
				if choiceCustomKeyFromImageAtBoot {
					pl.custom = in.ImageCustomKey
				}
				return pl
			}},
		{ID: RuleR2, Path: PathBoot, Refusal: true,
			Summary: "rule R2 — boot stage, operator key installed: only that key is trusted",
			trust: func(in DecisionInput) rulePlan {
				return rulePlan{trusted: []KeyRef{*in.Operator}, allowed: []Kind{KindOperator},
					why: fmt.Sprintf("This box is locked to the operator key %s: at the boot stage (%s) it trusts only that key (R2).", keyName(*in.Operator), toolName(in.Model))}
			}},
		{ID: RuleR3, Path: PathPortal, Refusal: true,
			Summary: "rule R3 — portal of a Factory image: only Factory images",
			Why:     "The box runs a Factory image, whose portal accepts only Factory images, signed by MANUFACTURER (R3).",
			trust: func(in DecisionInput) rulePlan {
				return rulePlan{trusted: []KeyRef{in.Manufacturer}, allowed: []Kind{KindFactory}, why: RuleR3.why()}
			}},
		{ID: RuleR4, Path: PathPortal, Refusal: true,
			Summary: "rule R4 — portal of a Public image: Factory and Public images",
			Why:     "The box runs a Public image, whose portal accepts Factory and Public images, signed by MANUFACTURER or STB_PUBLIC (R4).",
			trust: func(in DecisionInput) rulePlan {
				return rulePlan{trusted: []KeyRef{in.Manufacturer, in.Public}, allowed: []Kind{KindFactory, KindPublic}, why: RuleR4.why()}
			}},
		{ID: RuleR5, Path: PathPortal, Refusal: true,
			Summary: "rule R5 — portal of a Custom image: only Custom images of the same key",
			trust: func(in DecisionInput) rulePlan {
				var k KeyRef
				if in.Running.RootFSBy != nil {
					k = *in.Running.RootFSBy
				}
				return rulePlan{trusted: []KeyRef{in.Public}, rootfs: &k, allowed: []Kind{KindCustom},
					why: fmt.Sprintf("The box runs a Custom image with the custom key %s: its portal accepts only Custom images of the same operator, their RootFS signed by that key (R5).", keyName(k))}
			}},
		{ID: RuleR6, Path: PathPortal, Refusal: true,
			Summary: "rule R6 — portal of an Operator image: only images of that operator key",
			trust: func(in DecisionInput) rulePlan {
				if in.Operator != nil && choiceOperatorLocksPortal {
					return rulePlan{trusted: []KeyRef{*in.Operator}, allowed: []Kind{KindOperator},
						why: fmt.Sprintf("This box is locked to the operator key %s: its portal accepts only images signed by that key (R6).", keyName(*in.Operator))}
				}
				var o KeyRef
				if in.Running.Signer != nil {
					o = *in.Running.Signer
				}
				return rulePlan{trusted: []KeyRef{o}, allowed: []Kind{KindOperator},
					why: fmt.Sprintf("The box runs an Operator image: its portal accepts only images signed by %s (R6).", keyName(o))}
			}},
		{ID: RuleR7, Path: PathBoot, Refusal: true,
			Summary: "rule R7 — an operator key must be certified by MANUFACTURER"},
		{ID: RuleHeader,
			Summary: "check 1 — the file and its header"},
		{ID: RuleModel, Refusal: true,
			Summary: "check 2 — the device model"},
		{ID: RuleVersion, Refusal: true,
			Summary: "check 4 — the image version"},
		{ID: RuleInstall,
			Summary: "check 5 — writing the inactive bank"},
		{ID: RulePortal, Path: PathPortal,
			Why: "The portal runs inside the image, and this box has no valid image to run."},
	}
}

// Info is the rule's row of RuleTable; ok is false for a name the table
// does not hold (and for "").
func (r Rule) Info() (info RuleInfo, ok bool) {
	for _, i := range RuleTable() {
		if i.ID == r {
			return i, true
		}
	}
	return RuleInfo{}, false
}

// Refusal reports whether a result the rule decided is a refusal by the
// rules rather than an error; false for a name the table does not hold.
func (r Rule) Refusal() bool {
	i, _ := r.Info()
	return i.Refusal
}

// why is the rule's static why sentence from RuleTable.
func (r Rule) why() string {
	i, _ := r.Info()
	return i.Why
}
