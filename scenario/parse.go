package scenario

// Reading a scenario file. The YAML is walked node by node (not decoded into
// structs) so that every mistake is reported once, with the file, the line
// and the field path: "wrong.yaml:12: box.operator_key: unknown key …".

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
	"go.yaml.in/yaml/v3"
)

// Limits that keep a scenario file a scenario.
const (
	maxHints  = 20
	maxSteps  = 100
	maxFiles  = 50
	maxText   = 4000
	maxVerNum = 9999
)

// FileError is a mistake in a scenario file: where it is and what is wrong.
type FileError struct {
	File  string // the file as given
	Line  int    // 1-based; 0 when the file as a whole is wrong
	Field string // the field's path, e.g. "box.operator_key" or "solution[2].from"
	Msg   string
}

// Error is "FILE:LINE: FIELD: message".
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// parser walks one file's nodes.
type parser struct {
	file string
	m    device.Model
	ids  map[string]string // demo key ids by name, read when first needed
}

func (p *parser) errAt(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &FileError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Parse reads a scenario from data; file names it in errors. It never panics.
func Parse(file string, data []byte) (sc *Scenario, err error) {
	defer func() {
		if r := recover(); r != nil {
			sc, err = nil, &FileError{File: file, Msg: fmt.Sprintf("the file cannot be read as YAML (%v)", r)}
		}
	}()
	if len(data) > MaxFileSize {
		return nil, &FileError{File: file, Msg: fmt.Sprintf("the file is larger than %d KiB, more than any scenario", MaxFileSize>>10)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{File: file, Msg: "the file is empty"}
		}
		return nil, yamlError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			return nil, yamlError(file, err)
		}
		return nil, &FileError{File: file, Line: line, Msg: "a scenario file holds one YAML document; remove the second \"---\" and what follows"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &FileError{File: file, Msg: "the file is empty"}
	}
	p := &parser{file: file}
	return p.scenario(doc.Content[0])
}

// yamlError turns the YAML library's error into a FileError with its line.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if strings.HasPrefix(msg, "line ") {
		rest := msg[len("line "):]
		if i := strings.Index(rest, ":"); i > 0 {
			if n, e := strconv.Atoi(rest[:i]); e == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &FileError{File: file, Line: line, Msg: "not valid YAML: " + msg}
}

// fields is a mapping node's pairs, checked against the names allowed.
type fields struct {
	node  *yaml.Node
	path  string
	order []string
	key   map[string]*yaml.Node
	val   map[string]*yaml.Node
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// mapping reads n as a mapping whose keys are among allowed.
func (p *parser) mapping(n *yaml.Node, field string, allowed ...string) (*fields, error) {
	if err := p.plain(n, field); err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n, field, "must be a mapping of names to values (name: value, one a line)")
	}
	f := &fields{node: n, path: field, key: map[string]*yaml.Node{}, val: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := p.plain(k, field); err != nil {
			return nil, err
		}
		if k.Kind != yaml.ScalarNode {
			return nil, p.errAt(k, field, "a name must be a plain word")
		}
		name := k.Value
		if allowed != nil && !contains(allowed, name) {
			return nil, p.errAt(k, join(field, name), "unknown field (use %s)", orList(allowed))
		}
		if _, dup := f.key[name]; dup {
			return nil, p.errAt(k, join(field, name), "given twice; keep one")
		}
		f.order = append(f.order, name)
		f.key[name] = k
		f.val[name] = v
	}
	return f, nil
}

// plain refuses aliases and explicit tags, which scenario files never need.
func (p *parser) plain(n *yaml.Node, field string) error {
	if n == nil {
		return p.errAt(nil, field, "missing")
	}
	if n.Kind == yaml.AliasNode {
		return p.errAt(n, field, "anchors and aliases (*name) are not supported in scenario files; write the value out")
	}
	return nil
}

func (f *fields) has(name string) bool { _, ok := f.val[name]; return ok }

// get returns the value node of name, nil when absent.
func (f *fields) get(name string) *yaml.Node { return f.val[name] }

func (p *parser) required(f *fields, name, what string) (*yaml.Node, error) {
	v := f.get(name)
	if v == nil {
		return nil, p.errAt(f.node, join(f.path, name), "missing: %s", what)
	}
	return v, nil
}

// str reads a scalar as text; empty text is refused.
func (p *parser) str(n *yaml.Node, field string) (string, error) {
	if err := p.plain(n, field); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode {
		if n.Kind == yaml.MappingNode {
			return "", p.errAt(n, field, "must be text, not a mapping (text that holds \": \" must be in quotes)")
		}
		return "", p.errAt(n, field, "must be text, not a list")
	}
	if n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		return "", p.errAt(n, field, "must not be empty")
	}
	if len(n.Value) > maxText {
		return "", p.errAt(n, field, "is longer than %d characters", maxText)
	}
	return n.Value, nil
}

// line reads one line of text.
func (p *parser) line(n *yaml.Node, field string) (string, error) {
	s, err := p.str(n, field)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\n\r") {
		return "", p.errAt(n, field, "must be one line")
	}
	return s, nil
}

func (p *parser) integer(n *yaml.Node, field string, lo, hi int) (int, error) {
	if err := p.plain(n, field); err != nil {
		return 0, err
	}
	if n.Kind != yaml.ScalarNode {
		return 0, p.errAt(n, field, "must be a whole number")
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Value))
	if err != nil || v < lo || v > hi {
		return 0, p.errAt(n, field, "must be a whole number from %d to %d, not %q", lo, hi, clip(n.Value))
	}
	return v, nil
}

func (p *parser) boolean(n *yaml.Node, field string) (bool, error) {
	if err := p.plain(n, field); err != nil {
		return false, err
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(strings.TrimSpace(n.Value)) {
		case "true", "yes", "on":
			return true, nil
		case "false", "no", "off":
			return false, nil
		}
	}
	return false, p.errAt(n, field, "must be true or false")
}

// fraction reads a number between 0 and 1 (exclusive), or a percentage "40%".
func (p *parser) fraction(n *yaml.Node, field string) (float64, error) {
	if err := p.plain(n, field); err != nil {
		return 0, err
	}
	bad := p.errAt(n, field, "must be a fraction of the image between 0 and 1, e.g. 0.4 (or 40%%)")
	if n.Kind != yaml.ScalarNode {
		return 0, bad
	}
	s := strings.TrimSpace(n.Value)
	div := 1.0
	if strings.HasSuffix(s, "%") {
		s, div = strings.TrimSpace(strings.TrimSuffix(s, "%")), 100
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) {
		return 0, bad
	}
	v /= div
	if !(v > 0 && v < 1) {
		return 0, bad
	}
	return v, nil
}

func (p *parser) seq(n *yaml.Node, field string, max int) ([]*yaml.Node, error) {
	if err := p.plain(n, field); err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n, field, "must be a list (one \"- \" item a line)")
	}
	if len(n.Content) == 0 {
		return nil, p.errAt(n, field, "must not be empty")
	}
	if len(n.Content) > max {
		return nil, p.errAt(n.Content[max], field, "has more than %d items", max)
	}
	return n.Content, nil
}

// oneOf reads a scalar that must be one of choices (compared case-insensitively).
func (p *parser) oneOf(n *yaml.Node, field, what string, choices ...string) (string, error) {
	s, err := p.line(n, field)
	if err != nil {
		return "", err
	}
	for _, c := range choices {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	return "", p.errAt(n, field, "unknown %s %q (use %s)", what, clip(s), orList(choices))
}

func (p *parser) scenario(root *yaml.Node) (*Scenario, error) {
	top, err := p.mapping(root, "", "name", "title", "model", "difficulty", "summary", "story", "box", "usb", "server", "goal", "hints", "solution")
	if err != nil {
		return nil, err
	}
	sc := &Scenario{File: p.file}
	if v := top.get("name"); v != nil {
		if sc.Name, err = p.line(v, "name"); err != nil {
			return nil, err
		}
		if !validName(sc.Name) {
			return nil, p.errAt(v, "name", "%q is not a scenario name: use lower-case letters, digits and dashes", clip(sc.Name))
		}
	} else {
		sc.Name = strings.TrimSuffix(strings.TrimSuffix(path.Base(strings.ReplaceAll(p.file, `\`, "/")), ".yaml"), ".yml")
	}
	v, err := p.required(top, "model", "give the box's model, e.g. MAG254")
	if err != nil {
		return nil, err
	}
	ms, err := p.line(v, "model")
	if err != nil {
		return nil, err
	}
	if p.m, err = device.LookupModel(ms); err != nil {
		return nil, p.errAt(v, "model", "unknown model %q (use %s)", clip(ms), modelNames())
	}
	sc.Model = p.m
	for _, f := range []struct {
		name, what string
		dst        *string
		oneLine    bool
	}{
		{"title", "a few words that name the exercise", &sc.Title, true},
		{"summary", "one line for the list of scenarios", &sc.Summary, true},
		{"story", "what the customer reports", &sc.Story, false},
	} {
		v, err := p.required(top, f.name, f.what)
		if err != nil {
			return nil, err
		}
		if f.oneLine {
			*f.dst, err = p.line(v, f.name)
		} else {
			*f.dst, err = p.str(v, f.name)
			*f.dst = strings.TrimSpace(*f.dst)
		}
		if err != nil {
			return nil, err
		}
	}
	if v, err = p.required(top, "difficulty", "easy, medium or hard"); err != nil {
		return nil, err
	}
	d, err := p.oneOf(v, "difficulty", "difficulty", string(Easy), string(Medium), string(Hard))
	if err != nil {
		return nil, err
	}
	sc.Difficulty = Difficulty(d)

	if v := top.get("box"); v != nil {
		if sc.Box, err = p.box(v); err != nil {
			return nil, err
		}
	}
	if v := top.get("usb"); v != nil {
		if sc.USB, err = p.files(v, "usb", false); err != nil {
			return nil, err
		}
	}
	if v := top.get("server"); v != nil {
		if sc.Server, err = p.files(v, "server", true); err != nil {
			return nil, err
		}
	}
	if v, err = p.required(top, "goal", "the check that tells when the exercise is done"); err != nil {
		return nil, err
	}
	if sc.Goal, err = p.goal(v); err != nil {
		return nil, err
	}
	if v, err = p.required(top, "hints", "a list of hints, revealed one at a time"); err != nil {
		return nil, err
	}
	items, err := p.seq(v, "hints", maxHints)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		h, err := p.str(it, fmt.Sprintf("hints[%d]", i))
		if err != nil {
			return nil, err
		}
		sc.Hints = append(sc.Hints, strings.TrimSpace(h))
	}
	if v, err = p.required(top, "solution", "the steps that reach the goal"); err != nil {
		return nil, err
	}
	if items, err = p.seq(v, "solution", maxSteps); err != nil {
		return nil, err
	}
	for i, it := range items {
		st, err := p.step(it, fmt.Sprintf("solution[%d]", i), sc)
		if err != nil {
			return nil, err
		}
		sc.Solution = append(sc.Solution, st)
	}
	return sc, nil
}

func (p *parser) box(n *yaml.Node) (BoxSpec, error) {
	var b BoxSpec
	f, err := p.mapping(n, "box", "bank0", "bank1", "active", "operator_key", "settings")
	if err != nil {
		return b, err
	}
	for i, name := range []string{"bank0", "bank1"} {
		if v := f.get(name); v != nil {
			if b.Banks[i], err = p.bank(v, "box."+name); err != nil {
				return b, err
			}
		}
	}
	if v := f.get("active"); v != nil {
		if b.Active, err = p.integer(v, "box.active", 0, 1); err != nil {
			return b, err
		}
	}
	if v := f.get("operator_key"); v != nil {
		if b.OperatorKey, err = p.operatorKey(v, "box.operator_key"); err != nil {
			return b, err
		}
	}
	if v := f.get("settings"); v != nil {
		if b.Settings, err = p.settings(v, "box.settings"); err != nil {
			return b, err
		}
	}
	for i, bk := range b.Banks {
		img := bk.Image
		if img == nil || bk.Damaged {
			continue
		}
		if err := p.bankImageOK(img, b.OperatorKey, f.get(fmt.Sprintf("bank%d", i)), fmt.Sprintf("box.bank%d", i)); err != nil {
			return b, err
		}
	}
	return b, nil
}

// bankImageOK refuses images the factory could not write into a bank.
func (p *parser) bankImageOK(img *ImageRef, opKey string, n *yaml.Node, field string) error {
	d, _ := device.LookupDemoImage(p.m, img.Name)
	spec := p.spec(img)
	if spec.Model != "" && !p.m.TakesImagesFor(spec.Model) {
		return p.errAt(n, field, "a %s bank cannot hold an image built for %s", p.m.Name, spec.Model)
	}
	if d.Spec.Tamper || d.Spec.Cut {
		return p.errAt(n, field, "a bank cannot hold the broken image %q; put it on the USB stick or the server", img.Name)
	}
	if spec.Hash != 0 && spec.Hash != p.m.Hash {
		return p.errAt(n, field, "a %s bank holds only %s images", p.m.Name, p.m.Generation())
	}
	switch spec.Signer {
	case "manufacturer", "stb_public":
	case "operator_one", "operator_two":
		if opKey != spec.Signer {
			return p.errAt(n, field, "the image %q is signed by %s: set box.operator_key: %s", img.Name, spec.Signer, spec.Signer)
		}
	default:
		return p.errAt(n, field, "the image %q is signed by a key no box knows; a bank cannot hold it", img.Name)
	}
	return nil
}

func (p *parser) bank(n *yaml.Node, field string) (BankSpec, error) {
	var b BankSpec
	if n.Kind == yaml.ScalarNode {
		img, err := p.image(n, field, false)
		b.Image = img
		return b, err
	}
	f, err := p.mapping(n, field, "image", "version", "model", "hash", "damaged")
	if err != nil {
		return b, err
	}
	if v := f.get("damaged"); v != nil {
		if b.Damaged, err = p.boolean(v, field+".damaged"); err != nil {
			return b, err
		}
	}
	if f.has("image") {
		if b.Image, err = p.imageFields(f, field, false); err != nil {
			return b, err
		}
		if b.Damaged {
			return b, p.errAt(f.key["damaged"], field+".damaged", "a damaged bank holds no image: drop image or damaged")
		}
	} else if !b.Damaged {
		return b, p.errAt(n, field+".image", "missing: name a demo image (%s), or say damaged: true", orList(imageNames(p.m)))
	}
	return b, nil
}

// image reads an image reference: a demo image's name, or a mapping with
// image and changes.
func (p *parser) image(n *yaml.Node, field string, server bool) (*ImageRef, error) {
	if n.Kind == yaml.ScalarNode {
		name, err := p.line(n, field)
		if err != nil {
			return nil, err
		}
		if _, err := device.LookupDemoImage(p.m, name); err != nil {
			return nil, p.errAt(n, field, "unknown image %q (use %s)", clip(name), orList(imageNames(p.m)))
		}
		return &ImageRef{Name: name}, nil
	}
	allowed := []string{"image", "version", "model", "hash"}
	if server {
		allowed = append(allowed, "type")
	}
	f, err := p.mapping(n, field, allowed...)
	if err != nil {
		return nil, err
	}
	return p.imageFields(f, field, server)
}

func (p *parser) imageFields(f *fields, field string, server bool) (*ImageRef, error) {
	v, err := p.required(f, "image", "the name of a demo image ("+orList(imageNames(p.m))+")")
	if err != nil {
		return nil, err
	}
	name, err := p.line(v, field+".image")
	if err != nil {
		return nil, err
	}
	if _, err := device.LookupDemoImage(p.m, name); err != nil {
		return nil, p.errAt(v, field+".image", "unknown image %q (use %s)", clip(name), orList(imageNames(p.m)))
	}
	img := &ImageRef{Name: name}
	if v := f.get("version"); v != nil {
		if img.Version, err = p.integer(v, field+".version", 1, maxVerNum); err != nil {
			return nil, err
		}
	}
	if v := f.get("model"); v != nil {
		s, err := p.line(v, field+".model")
		if err != nil {
			return nil, err
		}
		m, err := device.LookupModel(s)
		if err != nil {
			return nil, p.errAt(v, field+".model", "unknown model %q (use %s)", clip(s), modelNames())
		}
		img.Model = m.Base
	}
	if v := f.get("hash"); v != nil {
		h, err := p.oneOf(v, field+".hash", "hash", "sha1", "sha256", "SHA-1", "SHA-256")
		if err != nil {
			return nil, err
		}
		img.Hash = map[string]string{"sha1": "SHA-1", "SHA-1": "SHA-1", "sha256": "SHA-256", "SHA-256": "SHA-256"}[h]
	}
	if v := f.get("type"); v != nil && server {
		if img.Type, err = p.oneOf(v, field+".type", "release type", "release", "beta", "alpha"); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// spec is the demo spec an image reference builds.
func (p *parser) spec(img *ImageRef) device.DemoSpec { return imageSpec(p.m, img) }

func imageSpec(m device.Model, img *ImageRef) device.DemoSpec {
	d, _ := device.LookupDemoImage(m, img.Name)
	spec := d.Spec
	if img.Version != 0 {
		spec.Version = img.Version
	}
	if img.Model != "" {
		spec.Model = img.Model
		if strings.EqualFold(img.Model, m.Base) {
			spec.Model = ""
		}
	}
	switch img.Hash {
	case "SHA-1":
		spec.Hash = crypto.SHA1
	case "SHA-256":
		spec.Hash = crypto.SHA256
	}
	return spec
}

func (p *parser) operatorKey(n *yaml.Node, field string) (string, error) {
	s, err := p.line(n, field)
	if err != nil {
		return "", err
	}
	if s != "operator_one" && s != "operator_two" {
		return "", p.errAt(n, field, "unknown key %q (use operator_one or operator_two)", clip(s))
	}
	return s, nil
}

// writableSettings are the settings a scenario may set (fw_printenv names).
func writableSettings() []string {
	return []string{"Ver_Forced", "bootmode", "tvsystem", "graphicres", "componentout",
		"autoupdate_cond", "betaupdate_cond", "autoupdateURL", "update_url", "bootstrap_url", "do_factory_reset", "portal1", "portal2"}
}

func (p *parser) settings(n *yaml.Node, field string) (map[string]string, error) {
	f, err := p.mapping(n, field)
	if err != nil {
		return nil, err
	}
	if len(f.order) == 0 {
		return nil, p.errAt(n, field, "must not be empty")
	}
	out := map[string]string{}
	for _, name := range f.order {
		k, v := f.key[name], f.val[name]
		fld := join(field, name)
		if device.ReadOnlySetting(name) {
			return nil, p.errAt(k, fld, "is set by the box itself and cannot be given")
		}
		if !contains(writableSettings(), name) {
			return nil, p.errAt(k, fld, "unknown setting (use %s)", orList(writableSettings()))
		}
		if err := p.plain(v, fld); err != nil {
			return nil, err
		}
		if v.Kind != yaml.ScalarNode {
			return nil, p.errAt(v, fld, "must be a single value")
		}
		val := strings.TrimSpace(v.Value)
		if v.Tag == "!!null" {
			val = ""
		}
		if strings.ContainsAny(val, "\n\r") {
			return nil, p.errAt(v, fld, "must be one line")
		}
		if ch := device.SettingChoices(name); ch != nil && !contains(ch, val) {
			return nil, p.errAt(v, fld, "cannot be %q (use %s)", clip(val), orList(ch))
		}
		out[name] = val
	}
	return out, nil
}

// files reads the contents of the USB stick or the server: path → image, key or text.
func (p *parser) files(n *yaml.Node, field string, server bool) ([]FileSpec, error) {
	f, err := p.mapping(n, field)
	if err != nil {
		return nil, err
	}
	if len(f.order) > maxFiles {
		return nil, p.errAt(n, field, "has more than %d files", maxFiles)
	}
	var out []FileSpec
	seen := map[string]bool{}
	for _, name := range f.order {
		k, v := f.key[name], f.val[name]
		fld := field + "." + name
		clean, ok := cleanRel(name)
		if !ok {
			return nil, p.errAt(k, fld, "a path must stay inside the %s: plain names separated by /, no \"..\"", where(server))
		}
		if seen[strings.ToLower(clean)] {
			return nil, p.errAt(k, fld, "the same path is given twice")
		}
		seen[strings.ToLower(clean)] = true
		fs := FileSpec{Path: clean}
		if err := p.plain(v, fld); err != nil {
			return nil, err
		}
		if v.Kind == yaml.MappingNode && (hasKey(v, "key") || hasKey(v, "text")) {
			g, err := p.mapping(v, fld, "key", "text")
			if err != nil {
				return nil, err
			}
			if g.has("key") == g.has("text") {
				return nil, p.errAt(v, fld, "give either key or text")
			}
			if kv := g.get("key"); kv != nil {
				if fs.Key, err = p.operatorKey(kv, fld+".key"); err != nil {
					return nil, err
				}
			} else if fs.Text, err = p.str(g.get("text"), fld+".text"); err != nil {
				return nil, err
			}
		} else if fs.Image, err = p.image(v, fld, server); err != nil {
			return nil, err
		}
		out = append(out, fs)
	}
	return out, nil
}

func where(server bool) string {
	if server {
		return "server folder"
	}
	return "USB stick"
}

func hasKey(n *yaml.Node, name string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return true
		}
	}
	return false
}

// cleanRel accepts a relative slash path of plain names.
func cleanRel(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 || strings.HasPrefix(s, "/") || strings.ContainsAny(s, "\\\x00:*?\"<>|") {
		return "", false
	}
	for _, part := range strings.Split(s, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".") || strings.TrimSpace(part) != part {
			return "", false
		}
		for _, c := range part {
			if c < 0x20 || c == 0x7f {
				return "", false
			}
		}
	}
	return s, true
}

func (p *parser) goal(n *yaml.Node) (Goal, error) {
	var g Goal
	f, err := p.mapping(n, "goal", "text", "boots", "running", "operator_key", "settings", "active_bank", "valid_banks", "used")
	if err != nil {
		return g, err
	}
	if len(f.order) == 0 || (len(f.order) == 1 && (f.has("text") || f.has("used"))) || (len(f.order) == 2 && f.has("text") && f.has("used")) {
		return g, p.errAt(n, "goal", "give at least one check (%s)", orList([]string{"boots", "running", "operator_key", "settings", "active_bank", "valid_banks"}))
	}
	if v := f.get("text"); v != nil {
		if g.Text, err = p.str(v, "goal.text"); err != nil {
			return g, err
		}
		g.Text = strings.TrimSpace(g.Text)
	}
	if v := f.get("boots"); v != nil {
		b, err := p.boolean(v, "goal.boots")
		if err != nil {
			return g, err
		}
		g.Boots = &b
	}
	if v := f.get("running"); v != nil {
		r, err := p.running(v)
		if err != nil {
			return g, err
		}
		g.Running = r
	}
	if v := f.get("operator_key"); v != nil {
		s, err := p.line(v, "goal.operator_key")
		if err != nil {
			return g, err
		}
		if s != "none" {
			if s, err = p.operatorKey(v, "goal.operator_key"); err != nil {
				return g, p.errAt(v, "goal.operator_key", "unknown key %q (use operator_one, operator_two or none)", clip(v.Value))
			}
		}
		g.OperatorKey = s
		if g.operatorID, err = p.keyID(s); err != nil {
			return g, err
		}
	}
	if v := f.get("settings"); v != nil {
		f2, err := p.mapping(v, "goal.settings")
		if err != nil {
			return g, err
		}
		g.Settings = map[string]string{}
		for _, name := range f2.order {
			val := f2.val[name]
			if err := p.plain(val, "goal.settings."+name); err != nil {
				return g, err
			}
			if val.Kind != yaml.ScalarNode {
				return g, p.errAt(val, "goal.settings."+name, "must be a single value")
			}
			g.Settings[name] = strings.TrimSpace(val.Value)
		}
		if len(g.Settings) == 0 {
			return g, p.errAt(v, "goal.settings", "must not be empty")
		}
	}
	if v := f.get("active_bank"); v != nil {
		a, err := p.integer(v, "goal.active_bank", 0, 1)
		if err != nil {
			return g, err
		}
		g.ActiveBank = &a
	}
	if v := f.get("valid_banks"); v != nil {
		if g.ValidBanks, err = p.integer(v, "goal.valid_banks", 1, 2); err != nil {
			return g, err
		}
	}
	if v := f.get("used"); v != nil {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return g, p.errAt(v, "goal.used", "must be a list of steps, e.g. [emergency] or [set Ver_Forced=Yes, set Ver_Forced=No]")
		}
		for _, item := range v.Content {
			line, err := p.line(item, "goal.used")
			if err != nil {
				return g, err
			}
			e, err := parseEvent(line)
			if err != nil {
				return g, p.errAt(item, "goal.used", "%v", err)
			}
			g.Used = append(g.Used, e)
		}
	}
	return g, nil
}

// keyID is the key id of a demo key, "" when there is none of that name.
// It reads the public half only: loading the secret keys is slow.
func (p *parser) keyID(name string) (string, error) {
	if id, ok := p.ids[name]; ok {
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
	if p.ids == nil {
		p.ids = map[string]string{}
	}
	p.ids[name] = k.IDString()
	return p.ids[name], nil
}

func (p *parser) running(n *yaml.Node) (*ImageCheck, error) {
	f, err := p.mapping(n, "goal.running", "kind", "version", "min_version", "max_version", "signer", "rootfs_signer")
	if err != nil {
		return nil, err
	}
	if len(n.Content) == 0 {
		return nil, p.errAt(n, "goal.running", "give at least one check (kind, version, min_version, max_version, signer or rootfs_signer)")
	}
	r := &ImageCheck{}
	if v := f.get("kind"); v != nil {
		k, err := p.oneOf(v, "goal.running.kind", "kind", string(device.KindFactory), string(device.KindPublic), string(device.KindCustom), string(device.KindOperator))
		if err != nil {
			return nil, err
		}
		r.Kind = device.Kind(k)
	}
	for _, x := range []struct {
		name string
		dst  *int
	}{{"version", &r.Version}, {"min_version", &r.MinVersion}, {"max_version", &r.MaxVersion}} {
		if v := f.get(x.name); v != nil {
			if *x.dst, err = p.integer(v, "goal.running."+x.name, 1, maxVerNum); err != nil {
				return nil, err
			}
		}
	}
	if r.MinVersion != 0 && r.MaxVersion != 0 && r.MinVersion > r.MaxVersion {
		return nil, p.errAt(f.get("max_version"), "goal.running.max_version", "is lower than min_version")
	}
	for _, x := range []struct {
		name    string
		dst, id *string
	}{{"signer", &r.Signer, &r.signerID}, {"rootfs_signer", &r.RootFSSigner, &r.rootfsID}} {
		v := f.get(x.name)
		if v == nil {
			continue
		}
		s, err := p.line(v, "goal.running."+x.name)
		if err != nil {
			return nil, err
		}
		if !contains(demoKeyNames(), s) {
			return nil, p.errAt(v, "goal.running."+x.name, "unknown key %q (use %s)", clip(s), orList(demoKeyNames()))
		}
		id, err := p.keyID(s)
		if err != nil {
			return nil, err
		}
		*x.dst, *x.id = s, id
	}
	return r, nil
}

// demoKeyNames are the demo keys a goal may name as a signer.
func demoKeyNames() []string {
	return []string{"manufacturer", "stb_public", "custom_alpha", "custom_beta", "operator_one", "operator_two"}
}

// stepFields lists the fields an action takes; ok is false for an unknown action.
func stepFields(a Action) (fields []string, ok bool) {
	switch a {
	case ActionUpdate:
		return []string{"action", "from", "via", "file", "force", "confirm", "power_cut", "expect", "note"}, true
	case ActionEmergency:
		return []string{"action", "force", "power_cut", "expect", "note"}, true
	case ActionSet:
		return []string{"action", "settings", "note"}, true
	case ActionInstallKey:
		return []string{"action", "key", "expect", "note"}, true
	case ActionResetKey:
		return []string{"action", "expect", "note"}, true
	case ActionFactoryReset:
		return []string{"action", "note"}, true
	case ActionSelectBank:
		return []string{"action", "bank", "note"}, true
	case ActionAutoupdate:
		return []string{"action", "confirm", "expect", "note"}, true
	case ActionBoot:
		return []string{"action", "expect", "note"}, true
	case ActionRename:
		return []string{"action", "path", "to", "note"}, true
	}
	return nil, false
}

func actionNames() []string {
	return []string{string(ActionUpdate), string(ActionEmergency), string(ActionSet), string(ActionInstallKey), string(ActionResetKey),
		string(ActionFactoryReset), string(ActionSelectBank), string(ActionAutoupdate), string(ActionBoot), string(ActionRename)}
}

func (p *parser) step(n *yaml.Node, field string, sc *Scenario) (Step, error) {
	st := Step{Line: n.Line}
	f, err := p.mapping(n, field)
	if err != nil {
		return st, err
	}
	v, err := p.required(f, "action", "what the step does ("+orList(actionNames())+")")
	if err != nil {
		return st, err
	}
	a, err := p.line(v, field+".action")
	if err != nil {
		return st, err
	}
	allowed, ok := stepFields(Action(a))
	if !ok {
		return st, p.errAt(v, field+".action", "unknown action %q (use %s)", clip(a), orList(actionNames()))
	}
	st.Action = Action(a)
	for _, name := range f.order {
		if !contains(allowed, name) {
			return st, p.errAt(f.key[name], field+"."+name, "is not a field of %s (use %s)", a, orList(allowed))
		}
	}
	if v := f.get("note"); v != nil {
		if st.Note, err = p.str(v, field+".note"); err != nil {
			return st, err
		}
		st.Note = strings.TrimSpace(st.Note)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"force", &st.Force}, {"confirm", &st.Confirm}} {
		if v := f.get(b.name); v != nil {
			if *b.dst, err = p.boolean(v, field+"."+b.name); err != nil {
				return st, err
			}
		}
	}
	if v := f.get("power_cut"); v != nil {
		if st.PowerCut, err = p.fraction(v, field+".power_cut"); err != nil {
			return st, err
		}
	}
	switch st.Action {
	case ActionUpdate:
		v, err := p.required(f, "from", "usb or server")
		if err != nil {
			return st, err
		}
		if st.From, err = p.oneOf(v, field+".from", "source", "usb", "server"); err != nil {
			return st, err
		}
		st.Via = device.PathBoot
		if v := f.get("via"); v != nil {
			via, err := p.oneOf(v, field+".via", "path", "boot", "portal")
			if err != nil {
				return st, err
			}
			st.Via = device.Path(via)
		}
		if v := f.get("file"); v != nil {
			if st.From != "server" {
				return st, p.errAt(f.key["file"], field+".file", "only an update from the server names a file; the USB stick is always read at %s/imageupdate", p.m.USBFolder())
			}
			s, err := p.line(v, field+".file")
			if err != nil {
				return st, err
			}
			if st.File, ok = cleanRel(s); !ok {
				return st, p.errAt(v, field+".file", "a path must stay inside the server folder: plain names separated by /, no \"..\"")
			}
		} else if st.From == "server" {
			st.File = p.m.USBFolder() + "/imageupdate"
		}
	case ActionEmergency:
		if !p.m.Emergency {
			return st, p.errAt(v, field+".action", "the %s has no Emergency startup (MAG420 and MAG424 have one); use update from usb via boot", p.m.Name)
		}
		st.From, st.Via = "usb", device.PathBoot
	case ActionSet:
		v, err := p.required(f, "settings", "the settings to change (name: value)")
		if err != nil {
			return st, err
		}
		if st.Settings, err = p.settings(v, field+".settings"); err != nil {
			return st, err
		}
	case ActionInstallKey:
		v, err := p.required(f, "key", "operator_one or operator_two")
		if err != nil {
			return st, err
		}
		if st.Key, err = p.operatorKey(v, field+".key"); err != nil {
			return st, err
		}
	case ActionSelectBank:
		v, err := p.required(f, "bank", "0 or 1")
		if err != nil {
			return st, err
		}
		if st.Bank, err = p.integer(v, field+".bank", 0, 1); err != nil {
			return st, err
		}
	case ActionRename:
		for _, x := range []struct {
			name string
			dst  *string
		}{{"path", &st.File}, {"to", &st.To}} {
			v, err := p.required(f, x.name, "a path on the USB stick")
			if err != nil {
				return st, err
			}
			s, err := p.line(v, field+"."+x.name)
			if err != nil {
				return st, err
			}
			if *x.dst, ok = cleanRel(s); !ok {
				return st, p.errAt(v, field+"."+x.name, "a path must stay inside the USB stick: plain names separated by /, no \"..\"")
			}
		}
	}
	if v := f.get("expect"); v != nil {
		if err := p.expect(v, field+".expect", &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (p *parser) expect(v *yaml.Node, field string, st *Step) error {
	switch st.Action {
	case ActionBoot:
		panel, err := p.oneOf(v, field, "front-panel code", "GO__", "Er10", "Er20", "Er30")
		if err != nil {
			return err
		}
		st.Panel = panel
	case ActionAutoupdate:
		o, err := p.oneOf(v, field, "outcome", outcomeNames()...)
		if err != nil {
			return err
		}
		st.Outcome = device.AutoupdateOutcome(o)
	default:
		code, err := p.integer(v, field, 1, 30)
		if err != nil {
			return p.errAt(v, field, "must be a status code from 1 to 30 (16 Update finished OK, 17 Wrong signature, …)")
		}
		st.Status = device.Status(code)
	}
	return nil
}

func outcomeNames() []string {
	return []string{string(device.AutoupdateInstalled), string(device.AutoupdateUpToDate), string(device.AutoupdateDisabled),
		string(device.AutoupdateDeclined), string(device.AutoupdateFailed), string(device.AutoupdateRefused)}
}

func imageNames(m device.Model) []string {
	var out []string
	for _, d := range device.DemoImages(m) {
		out = append(out, d.Name)
	}
	return out
}

func modelNames() string {
	var out []string
	for _, m := range device.Catalogue() {
		out = append(out, m.Name)
	}
	return strings.Join(out, ", ")
}

// orList renders "a, b or c".
func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// clip keeps quoted input short in messages.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
