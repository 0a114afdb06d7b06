package device

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ruleConstants reads every constant of type Rule declared in the package's
// non-test files, so that a new constant without a table row fails here.
func ruleConstants(t *testing.T) map[string]Rule {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Rule{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "Rule" {
					continue
				}
				for i, n := range v.Names {
					var lit *ast.BasicLit
					if i < len(v.Values) {
						lit, _ = v.Values[i].(*ast.BasicLit)
					}
					if lit == nil || lit.Kind != token.STRING {
						t.Fatalf("constant %s: want a string literal", n.Name)
					}
					val, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[n.Name] = Rule(val)
				}
			}
		}
	}
	return out
}

func TestRuleTableHoldsEveryRule(t *testing.T) {
	consts := ruleConstants(t)
	if len(consts) < 12 {
		t.Fatalf("found %d Rule constants, want at least the 12 of RULES.md: %v", len(consts), consts)
	}
	rows := map[Rule]int{}
	for _, r := range RuleTable() {
		rows[r.ID]++
	}
	for name, r := range consts {
		if rows[r] != 1 {
			t.Errorf("%s (%q) has %d rows in RuleTable, want 1", name, r, rows[r])
		}
	}
	if len(rows) != len(consts) {
		t.Errorf("RuleTable has %d rules, the package declares %d constants", len(rows), len(consts))
	}
	if _, ok := Rule("").Info(); ok {
		t.Error(`"" has a row in RuleTable`)
	}
	if _, ok := Rule("R8").Info(); ok || Rule("R8").Refusal() {
		t.Error(`"R8" has a row in RuleTable`)
	}
}

func TestRuleTableRows(t *testing.T) {
	for _, c := range []struct {
		rule    Rule
		path    Path
		refusal bool
		summary string
	}{
		{RuleR1, PathBoot, true, "rule R1 — "},
		{RuleR2, PathBoot, true, "rule R2 — "},
		{RuleR3, PathPortal, true, "rule R3 — "},
		{RuleR4, PathPortal, true, "rule R4 — "},
		{RuleR5, PathPortal, true, "rule R5 — "},
		{RuleR6, PathPortal, true, "rule R6 — "},
		{RuleR7, PathBoot, true, "rule R7 — "},
		{RuleHeader, "", false, "check 1 — "},
		{RuleModel, "", true, "check 2 — "},
		{RuleVersion, "", true, "check 4 — "},
		{RuleInstall, "", false, "check 5 — "},
		{RulePortal, PathPortal, false, ""},
	} {
		i, ok := c.rule.Info()
		if !ok || i.ID != c.rule || i.Path != c.path || i.Refusal != c.refusal || c.rule.Refusal() != c.refusal ||
			!strings.HasPrefix(i.Summary, c.summary) || (c.summary == "") != (i.Summary == "") {
			t.Errorf("%s: row %+v (found %v), want path %q refusal %v summary %q…", c.rule, i, ok, c.path, c.refusal, c.summary)
		}
	}
}

// TestRuleTableWhyDecides checks that the static why of the table is the
// one Decide explains with.
func TestRuleTableWhyDecides(t *testing.T) {
	m, p := KeyRef{Role: RoleManufacturer, ID: "M"}, KeyRef{Role: RolePublic, ID: "P"}
	for _, c := range []struct {
		running *ImageInfo
		rule    Rule
	}{
		{&ImageInfo{Kind: KindFactory}, RuleR3},
		{&ImageInfo{Kind: KindPublic}, RuleR4},
		{nil, RulePortal},
	} {
		pl, bad := planFor(DecisionInput{Path: PathPortal, Manufacturer: m, Public: p, Running: c.running})
		why := pl.why
		if bad != nil {
			why = bad.Explain
		}
		if pl.id != c.rule || why == "" || why != c.rule.why() {
			t.Errorf("running %+v: plan %s says %q, want %s with the table's %q", c.running, pl.id, why, c.rule, c.rule.why())
		}
	}
}

// TestRuleTableTrusts checks that the signature rules R1–R6, and only they,
// say in the table what they trust, and that the plan Decide follows is the
// table's: the keys, the kinds of image and the why of each rule's row.
func TestRuleTableTrusts(t *testing.T) {
	for _, i := range RuleTable() {
		signature := strings.HasPrefix(string(i.ID), "R") && i.ID != RuleR7
		if (i.trust != nil) != signature {
			t.Errorf("%s: has a trust function %v, want %v", i.ID, i.trust != nil, signature)
		}
	}
	m, p := KeyRef{Role: RoleManufacturer, ID: "M"}, KeyRef{Role: RolePublic, ID: "P"}
	op, ck := KeyRef{Role: RoleOperator, ID: "O"}, KeyRef{Role: RoleCustom, ID: "C"}
	for _, c := range []struct {
		in          DecisionInput
		rule        Rule
		trusted     []KeyRef
		allowed     []Kind
		whyContains string
	}{
		{DecisionInput{Path: PathBoot}, RuleR1, []KeyRef{m, p}, []Kind{KindFactory, KindPublic, KindCustom}, "(R1)"},
		{DecisionInput{Path: PathBoot, Operator: &op}, RuleR2, []KeyRef{op}, []Kind{KindOperator}, "locked to the operator key"},
		{DecisionInput{Path: PathPortal, Running: &ImageInfo{Kind: KindFactory}}, RuleR3, []KeyRef{m}, []Kind{KindFactory}, "(R3)"},
		{DecisionInput{Path: PathPortal, Running: &ImageInfo{Kind: KindPublic}}, RuleR4, []KeyRef{m, p}, []Kind{KindFactory, KindPublic}, "(R4)"},
		{DecisionInput{Path: PathPortal, Running: &ImageInfo{Kind: KindCustom, RootFSBy: &ck}}, RuleR5, []KeyRef{p}, []Kind{KindCustom}, "(R5)"},
		{DecisionInput{Path: PathPortal, Running: &ImageInfo{Kind: KindOperator, Signer: &op}}, RuleR6, []KeyRef{op}, []Kind{KindOperator}, "(R6)"},
	} {
		c.in.Manufacturer, c.in.Public = m, p
		pl, bad := planFor(c.in)
		if bad != nil || pl.id != c.rule {
			t.Errorf("%s: planFor chose %s (%v)", c.rule, pl.id, bad)
			continue
		}
		if fmt.Sprint(pl.trusted) != fmt.Sprint(c.trusted) || fmt.Sprint(pl.allowed) != fmt.Sprint(c.allowed) || !strings.Contains(pl.why, c.whyContains) {
			t.Errorf("%s: plan trusts %v for %v, why %q; want %v for %v, why with %q", c.rule, pl.trusted, pl.allowed, pl.why, c.trusted, c.allowed, c.whyContains)
		}
	}
}
