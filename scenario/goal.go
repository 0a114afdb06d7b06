package scenario

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
	"go.yaml.in/yaml/v3"
)

// Goal is a check on the box's state; every condition given must hold.
type Goal struct {
	Text        string            // the goal in the story's words; "" means Describe's
	Boots       *bool             // the box boots its image (or, false, it does not)
	Running     *ImageCheck       // what the box runs
	OperatorKey string            // "": not checked; "none"; or operator_one / operator_two
	Settings    map[string]string // settings that must have these values
	ActiveBank  *int              // the bank the box starts from
	ValidBanks  int               // at least this many valid banks (0: not checked)
	// Used are steps the trainee must have taken, in this order (used:).
	// Only a Session checks them: the box's state cannot tell.
	Used []Event

	operatorID string // the key id of OperatorKey
}

// ImageCheck is a check on the running image.
type ImageCheck struct {
	Kind       device.Kind // "": any kind
	Version    int         // exact version; 0: any
	MinVersion int         // 0: no lower bound
	MaxVersion int         // 0: no upper bound
	Signer     string      // demo key that made the global block; "": any
	// RootFSSigner is the demo key that made the RootFS block (for a Custom
	// image, its custom key); "": any.
	RootFSSigner string

	signerID, rootfsID string
}

// Describe is the goal in plain words, built from its checks.
func (g Goal) Describe() string {
	var parts []string
	if g.Running != nil {
		parts = append(parts, "the box runs "+g.Running.describe())
	}
	if g.Boots != nil {
		if *g.Boots {
			parts = append(parts, "it boots")
		} else {
			parts = append(parts, "it does not boot")
		}
	}
	switch g.OperatorKey {
	case "":
	case "none":
		parts = append(parts, "no operator key is installed")
	default:
		parts = append(parts, "the operator key "+g.OperatorKey+" is installed")
	}
	for _, n := range sortedKeys(g.Settings) {
		parts = append(parts, fmt.Sprintf("%s is %q", n, g.Settings[n]))
	}
	if g.ActiveBank != nil {
		parts = append(parts, fmt.Sprintf("it starts from bank %d", *g.ActiveBank))
	}
	if g.ValidBanks > 0 {
		if g.ValidBanks == 2 {
			parts = append(parts, "both banks are valid")
		} else {
			parts = append(parts, "at least one bank is valid")
		}
	}
	if len(g.Used) > 0 {
		steps := make([]string, len(g.Used))
		for i, e := range g.Used {
			steps[i] = e.describe()
		}
		parts = append(parts, "reached through "+strings.Join(steps, ", then "))
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, "; ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Show is the goal as the panel shows it: the story's words, else Describe.
func (g Goal) Show() string {
	if g.Text != "" {
		return g.Text
	}
	return g.Describe()
}

func (c *ImageCheck) describe() string {
	var b strings.Builder
	if c.Kind != "" {
		b.WriteString(kindWord(c.Kind) + " image")
	} else {
		b.WriteString("an image")
	}
	if c.Kind != "" {
		s := b.String()
		b.Reset()
		b.WriteString(article(s) + " " + s)
	}
	switch {
	case c.Version != 0:
		fmt.Fprintf(&b, " of version %d", c.Version)
	case c.MinVersion != 0 && c.MaxVersion != 0:
		fmt.Fprintf(&b, " of version %d to %d", c.MinVersion, c.MaxVersion)
	case c.MinVersion != 0:
		fmt.Fprintf(&b, " of version %d or newer", c.MinVersion)
	case c.MaxVersion != 0:
		fmt.Fprintf(&b, " of version %d or older", c.MaxVersion)
	}
	if c.Signer != "" {
		fmt.Fprintf(&b, " signed by %s", c.Signer)
	}
	if c.RootFSSigner != "" {
		fmt.Fprintf(&b, " whose RootFS is signed by %s", c.RootFSSigner)
	}
	return b.String()
}

func kindWord(k device.Kind) string {
	switch k {
	case device.KindFactory:
		return "Factory"
	case device.KindPublic:
		return "Public"
	case device.KindCustom:
		return "Custom"
	case device.KindOperator:
		return "Operator"
	}
	return "unknown"
}

func article(s string) string {
	if s != "" && strings.ContainsRune("AEIOUaeiou", rune(s[0])) {
		return "an"
	}
	return "a"
}

// Check reports whether the box meets the scenario's goal, and why not (or
// that it does) in one sentence.
func (sc *Scenario) Check(box *device.Box) (met bool, why string) {
	if box == nil {
		return false, "There is no box."
	}
	g := sc.Goal
	st := box.State()
	if g.Running != nil {
		img := box.Running()
		if img == nil {
			return false, fmt.Sprintf("The box runs no image: its active bank %d is not valid.", st.Active)
		}
		if ok, why := g.Running.check(img); !ok {
			return false, why
		}
	}
	if g.Boots != nil {
		r := box.Boot()
		if r.OK != *g.Boots {
			if r.OK {
				return false, "The box boots, and the goal is that it does not."
			}
			return false, "The box does not boot: " + lastStage(r) + "."
		}
	}
	if g.OperatorKey != "" {
		k := box.OperatorKey()
		switch {
		case g.OperatorKey == "none" && k != nil:
			return false, fmt.Sprintf("The operator key %s is installed; the goal is a box with none.", k.Name)
		case g.OperatorKey != "none" && k == nil:
			return false, fmt.Sprintf("No operator key is installed; the goal is %s.", g.OperatorKey)
		case g.OperatorKey != "none" && k.ID != g.operatorID:
			return false, fmt.Sprintf("The operator key %s is installed; the goal is %s.", k.Name, g.OperatorKey)
		}
	}
	names := make([]string, 0, len(g.Settings))
	for n := range g.Settings {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if v := st.Settings[n]; v != g.Settings[n] {
			return false, fmt.Sprintf("%s is %q; the goal is %q.", n, v, g.Settings[n])
		}
	}
	if g.ActiveBank != nil && st.Active != *g.ActiveBank {
		return false, fmt.Sprintf("The box starts from bank %d; the goal is bank %d.", st.Active, *g.ActiveBank)
	}
	if g.ValidBanks > 0 {
		n := 0
		for _, b := range st.Banks {
			if b.Valid {
				n++
			}
		}
		if n < g.ValidBanks {
			return false, fmt.Sprintf("%d of the 2 banks are valid; the goal is %d.", n, g.ValidBanks)
		}
	}
	return true, "Goal met: " + lowerFirst(g.Describe())
}

func (c *ImageCheck) check(img *device.ImageInfo) (bool, string) {
	runs := fmt.Sprintf("The box runs %s %s image of version %d (%s)", article(kindWord(img.Kind)), kindWord(img.Kind), img.Version, img.Description)
	want := "; the goal is " + c.describe() + "."
	if c.Kind != "" && img.Kind != c.Kind {
		return false, runs + want
	}
	if c.Version != 0 && img.Version != c.Version ||
		c.MinVersion != 0 && img.Version < c.MinVersion ||
		c.MaxVersion != 0 && img.Version > c.MaxVersion {
		return false, runs + want
	}
	if c.Signer != "" && (img.Signer == nil || img.Signer.ID != c.signerID) {
		by := "no known key"
		if img.Signer != nil {
			by = img.Signer.Name
		}
		return false, runs + ", signed by " + by + want
	}
	if c.RootFSSigner != "" && (img.RootFSBy == nil || img.RootFSBy.ID != c.rootfsID) {
		by := "no known key"
		if img.RootFSBy != nil {
			by = img.RootFSBy.Name
		}
		return false, runs + ", RootFS signed by " + by + want
	}
	return true, ""
}

func lastStage(r device.BootReport) string {
	if len(r.Stages) == 0 {
		return "it stays dark"
	}
	s := r.Stages[len(r.Stages)-1]
	return fmt.Sprintf("%s (%s)", s.Text, s.Panel)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// goal reads goal:, the checks that end the exercise.
func (c *checker) goal(d *goalDoc) (Goal, error) {
	var g Goal
	var err error
	if n := len(d.order); n == 0 || (n == 1 && (d.has("text") || d.has("used"))) || (n == 2 && d.has("text") && d.has("used")) {
		return g, errAt(d.node, "goal", "give at least one check (%s)", orList([]string{"boots", "running", "operator_key", "settings", "active_bank", "valid_banks"}))
	}
	if d.Text.given() {
		if g.Text, err = d.Text.trimmed("goal.text"); err != nil {
			return g, err
		}
	}
	if d.Boots.given() {
		b, err := d.Boots.boolean("goal.boots")
		if err != nil {
			return g, err
		}
		g.Boots = &b
	}
	if d.has("running") {
		if g.Running, err = c.running(&d.Running); err != nil {
			return g, err
		}
	}
	if v := d.OperatorKey; v.given() {
		s, err := v.oneLine("goal.operator_key")
		if err != nil {
			return g, err
		}
		if s != "none" {
			if s, err = operatorKey(v, "goal.operator_key"); err != nil {
				return g, errAt(v.n, "goal.operator_key", "unknown key %q (use %s or none)", clip(v.n.Value), strings.Join(demoimage.OperatorKeyNames(), ", "))
			}
		}
		g.OperatorKey = s
		if g.operatorID, err = c.keyID(s); err != nil {
			return g, err
		}
	}
	if d.has("settings") {
		p := &d.Settings
		g.Settings = map[string]string{}
		for _, name := range p.order {
			val := p.val[name]
			if err := plain(val, "goal.settings."+name); err != nil {
				return g, err
			}
			if val.Kind != yaml.ScalarNode {
				return g, errAt(val, "goal.settings."+name, "must be a single value")
			}
			g.Settings[name] = strings.TrimSpace(val.Value)
		}
		if len(g.Settings) == 0 {
			return g, errAt(p.node, "goal.settings", "must not be empty")
		}
	}
	if d.ActiveBank.given() {
		a, err := d.ActiveBank.integer("goal.active_bank", 0, 1)
		if err != nil {
			return g, err
		}
		g.ActiveBank = &a
	}
	if d.ValidBanks.given() {
		if g.ValidBanks, err = d.ValidBanks.integer("goal.valid_banks", 1, 2); err != nil {
			return g, err
		}
	}
	if d.has("used") {
		if n := d.Used.n; n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			return g, errAt(n, "goal.used", "must be a list of steps, e.g. [emergency] or [set Ver_Forced=Yes, set Ver_Forced=No]")
		}
		for _, item := range d.Used.items {
			line, err := item.oneLine("goal.used")
			if err != nil {
				return g, err
			}
			e, err := parseEvent(line)
			if err != nil {
				return g, errAt(item.n, "goal.used", "%v", err)
			}
			g.Used = append(g.Used, e)
		}
	}
	return g, nil
}

// keyID is the key id of a demo key, "" when there is none of that name.
// It reads the public half only: loading the secret keys is slow.
func (c *checker) keyID(name string) (string, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	data, err := fs.ReadFile(assets.Keys(), name+".pub.asc")
	if err != nil {
		return "", nil
	}
	k, err := imagefmt.LoadKey(data)
	if err != nil {
		return "", fmt.Errorf("demo key %s: %v", name, err)
	}
	if c.ids == nil {
		c.ids = map[string]string{}
	}
	c.ids[name] = k.IDString()
	return c.ids[name], nil
}

// running reads goal.running:, the checks on the running image.
func (c *checker) running(d *runningDoc) (*ImageCheck, error) {
	if len(d.order) == 0 {
		return nil, errAt(d.node, "goal.running", "give at least one check (kind, version, min_version, max_version, signer or rootfs_signer)")
	}
	r := &ImageCheck{}
	if d.Kind.given() {
		k, err := d.Kind.oneOf("goal.running.kind", "kind", string(device.KindFactory), string(device.KindPublic), string(device.KindCustom), string(device.KindOperator))
		if err != nil {
			return nil, err
		}
		r.Kind = device.Kind(k)
	}
	var err error
	for _, x := range []struct {
		name string
		leaf leaf
		dst  *int
	}{{"version", d.Version, &r.Version}, {"min_version", d.MinVersion, &r.MinVersion}, {"max_version", d.MaxVersion, &r.MaxVersion}} {
		if x.leaf.given() {
			if *x.dst, err = x.leaf.integer("goal.running."+x.name, 1, maxVerNum); err != nil {
				return nil, err
			}
		}
	}
	if r.MinVersion != 0 && r.MaxVersion != 0 && r.MinVersion > r.MaxVersion {
		return nil, errAt(d.MaxVersion.n, "goal.running.max_version", "is lower than min_version")
	}
	for _, x := range []struct {
		name    string
		leaf    leaf
		dst, id *string
	}{{"signer", d.Signer, &r.Signer, &r.signerID}, {"rootfs_signer", d.RootFSSigner, &r.RootFSSigner, &r.rootfsID}} {
		if !x.leaf.given() {
			continue
		}
		s, err := x.leaf.oneLine("goal.running." + x.name)
		if err != nil {
			return nil, err
		}
		if !contains(demoimage.KeyNames(), s) {
			return nil, errAt(x.leaf.n, "goal.running."+x.name, "unknown key %q (use %s)", clip(s), orList(demoimage.KeyNames()))
		}
		id, err := c.keyID(s)
		if err != nil {
			return nil, err
		}
		*x.dst, *x.id = s, id
	}
	return r, nil
}
