package scenario

// Reading a scenario file: the YAML is decoded into the structs of
// document.go, whose leaves keep their lines, then one validation pass reads
// each part and reports the first mistake with the file, the line and the
// field path: "wrong.yaml:12: box.operator_key: unknown key …".

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"go.yaml.in/yaml/v3"
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
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
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
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 {
		return nil, &FileError{File: file, Msg: "the file is empty"}
	}
	var doc fileDoc
	if err := doc.UnmarshalYAML(root.Content[0]); err != nil {
		return nil, inFile(file, err)
	}
	c := &checker{file: file}
	if sc, err = c.scenario(&doc); err != nil {
		return nil, inFile(file, err)
	}
	return sc, nil
}

// inFile names the file in a FileError.
func inFile(file string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		c := *fe
		c.File = file
		return &c
	}
	return &FileError{File: file, Msg: err.Error()}
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

// checker is the validation pass over one decoded file.
type checker struct {
	file string
	m    device.Model
	ids  map[string]string // demo key ids by name, read when first needed
}

func (c *checker) scenario(d *fileDoc) (*Scenario, error) {
	sc := &Scenario{File: c.file}
	var err error
	if d.Name.given() {
		if sc.Name, err = d.Name.oneLine("name"); err != nil {
			return nil, err
		}
		if !validName(sc.Name) {
			return nil, errAt(d.Name.n, "name", "%q is not a scenario name: use lower-case letters, digits and dashes", clip(sc.Name))
		}
	} else {
		sc.Name = strings.TrimSuffix(strings.TrimSuffix(path.Base(strings.ReplaceAll(c.file, `\`, "/")), ".yaml"), ".yml")
	}
	if err := required(&d.keys, "", "model", "give the box's model, e.g. MAG254"); err != nil {
		return nil, err
	}
	ms, err := d.Model.oneLine("model")
	if err != nil {
		return nil, err
	}
	if c.m, err = device.LookupModel(ms); err != nil {
		return nil, errAt(d.Model.n, "model", "unknown model %q (use %s)", clip(ms), modelNames())
	}
	sc.Model = c.m
	for _, f := range []struct {
		name, what string
		leaf       leaf
		dst        *string
		oneLine    bool
	}{
		{"title", "a few words that name the exercise", d.Title, &sc.Title, true},
		{"summary", "one line for the list of scenarios", d.Summary, &sc.Summary, true},
		{"story", "what the customer reports", d.Story, &sc.Story, false},
	} {
		if err := required(&d.keys, "", f.name, f.what); err != nil {
			return nil, err
		}
		if f.oneLine {
			*f.dst, err = f.leaf.oneLine(f.name)
		} else {
			*f.dst, err = f.leaf.trimmed(f.name)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := required(&d.keys, "", "difficulty", "easy, medium or hard"); err != nil {
		return nil, err
	}
	diff, err := d.Difficulty.oneOf("difficulty", "difficulty", string(Easy), string(Medium), string(Hard))
	if err != nil {
		return nil, err
	}
	sc.Difficulty = Difficulty(diff)
	if d.has("box") {
		if sc.Box, err = c.box(&d.Box); err != nil {
			return nil, err
		}
	}
	if d.has("usb") {
		if sc.USB, err = c.files(&d.USB.filesDoc, "usb", false); err != nil {
			return nil, err
		}
	}
	if d.has("downloads") {
		if sc.Downloads, err = c.downloads(&d.Downloads.filesDoc); err != nil {
			return nil, err
		}
	}
	if d.has("server") {
		if sc.Server, err = c.files(&d.Server.filesDoc, "server", true); err != nil {
			return nil, err
		}
	}
	if err := required(&d.keys, "", "goal", "the check that tells when the exercise is done"); err != nil {
		return nil, err
	}
	if sc.Goal, err = c.goal(&d.Goal); err != nil {
		return nil, err
	}
	if err := required(&d.keys, "", "hints", "a list of hints, revealed one at a time"); err != nil {
		return nil, err
	}
	if err := d.Hints.check("hints", maxHints); err != nil {
		return nil, err
	}
	for i, h := range d.Hints.items {
		s, err := h.trimmed(fmt.Sprintf("hints[%d]", i))
		if err != nil {
			return nil, err
		}
		sc.Hints = append(sc.Hints, s)
	}
	if err := required(&d.keys, "", "solution", "the steps that reach the goal"); err != nil {
		return nil, err
	}
	if err := d.Solution.check("solution", maxSteps); err != nil {
		return nil, err
	}
	for i := range d.Solution.items {
		st, err := c.step(&d.Solution.items[i], fmt.Sprintf("solution[%d]", i))
		if err != nil {
			return nil, err
		}
		sc.Solution = append(sc.Solution, st)
	}
	return sc, nil
}

func (c *checker) box(d *boxDoc) (BoxSpec, error) {
	var b BoxSpec
	var err error
	for i, bank := range []*bankDoc{&d.Bank0, &d.Bank1} {
		name := fmt.Sprintf("bank%d", i)
		if d.has(name) {
			if b.Banks[i], err = c.bank(bank, "box."+name); err != nil {
				return b, err
			}
		}
	}
	if d.Active.given() {
		if b.Active, err = d.Active.integer("box.active", 0, 1); err != nil {
			return b, err
		}
	}
	if d.OperatorKey.given() {
		if b.OperatorKey, err = operatorKey(d.OperatorKey, "box.operator_key"); err != nil {
			return b, err
		}
	}
	if d.has("settings") {
		if b.Settings, err = settings(&d.Settings, "box.settings"); err != nil {
			return b, err
		}
	}
	if d.NetworkCable.given() {
		cable, err := d.NetworkCable.boolean("box.network_cable")
		if err != nil {
			return b, err
		}
		b.NoNetworkCable = !cable
	}
	for i, bk := range b.Banks {
		if bk.Image == nil || bk.Damaged {
			continue
		}
		name := fmt.Sprintf("bank%d", i)
		if err := c.bankImageOK(bk.Image, b.OperatorKey, d.val[name], "box."+name); err != nil {
			return b, err
		}
	}
	return b, nil
}

// bankImageOK refuses images the factory could not write into a bank.
func (c *checker) bankImageOK(img *ImageRef, opKey string, n *yaml.Node, field string) error {
	d, _ := demoimage.Lookup(c.m.DemoModel(), img.Name)
	spec := imageSpec(c.m, img)
	if spec.Model != "" && !c.m.TakesImagesFor(spec.Model) {
		return errAt(n, field, "a %s bank cannot hold an image built for %s", c.m.Name, spec.Model)
	}
	if d.Spec.Tamper || d.Spec.Cut {
		return errAt(n, field, "a bank cannot hold the broken image %q; put it on the USB stick or the server", img.Name)
	}
	if spec.Hash != 0 && spec.Hash != c.m.Hash {
		return errAt(n, field, "a %s bank holds only %s images", c.m.Name, c.m.Generation())
	}
	switch {
	case spec.Signer == "manufacturer" || spec.Signer == "stb_public":
	case contains(demoimage.OperatorKeyNames(), spec.Signer):
		if opKey != spec.Signer {
			return errAt(n, field, "the image %q is signed by %s: set box.operator_key: %s", img.Name, spec.Signer, spec.Signer)
		}
	default:
		return errAt(n, field, "the image %q is signed by a key no box knows; a bank cannot hold it", img.Name)
	}
	return nil
}

func (c *checker) bank(d *bankDoc, field string) (BankSpec, error) {
	var b BankSpec
	var err error
	if d.name != nil {
		b.Image, err = c.imageName(leaf{d.name}, field)
		return b, err
	}
	if d.Damaged.given() {
		if b.Damaged, err = d.Damaged.boolean(field + ".damaged"); err != nil {
			return b, err
		}
	}
	if d.has("image") {
		if b.Image, err = c.imageFields(&d.keys, imageLeaves{d.Image, d.Version, d.Model, d.Hash, leaf{}}, field); err != nil {
			return b, err
		}
		if b.Damaged {
			return b, errAt(d.key["damaged"], field+".damaged", "a damaged bank holds no image: drop image or damaged")
		}
	} else if !b.Damaged {
		return b, errAt(d.node, field+".image", "missing: name a demo image (%s), or say damaged: true", orList(imageNames(c.m)))
	}
	return b, nil
}

// imageName reads a demo image's name.
func (c *checker) imageName(l leaf, field string) (*ImageRef, error) {
	name, err := l.oneLine(field)
	if err != nil {
		return nil, err
	}
	if _, err := demoimage.Lookup(c.m.DemoModel(), name); err != nil {
		return nil, errAt(l.n, field, "unknown image %q (use %s)", clip(name), orList(imageNames(c.m)))
	}
	return &ImageRef{Name: name}, nil
}

// imageLeaves are the fields of an image given as a mapping.
type imageLeaves struct{ image, version, model, hash, typ leaf }

func (c *checker) imageFields(k *keys, f imageLeaves, field string) (*ImageRef, error) {
	if err := required(k, field, "image", "the name of a demo image ("+orList(imageNames(c.m))+")"); err != nil {
		return nil, err
	}
	img, err := c.imageName(f.image, field+".image")
	if err != nil {
		return nil, err
	}
	if f.version.given() {
		if img.Version, err = f.version.integer(field+".version", 1, maxVerNum); err != nil {
			return nil, err
		}
	}
	if f.model.given() {
		s, err := f.model.oneLine(field + ".model")
		if err != nil {
			return nil, err
		}
		m, err := device.LookupModel(s)
		if err != nil {
			return nil, errAt(f.model.n, field+".model", "unknown model %q (use %s)", clip(s), modelNames())
		}
		img.Model = m.Base
	}
	if f.hash.given() {
		h, err := f.hash.oneOf(field+".hash", "hash", "sha1", "sha256", "SHA-1", "SHA-256")
		if err != nil {
			return nil, err
		}
		img.Hash = map[string]string{"sha1": "SHA-1", "SHA-1": "SHA-1", "sha256": "SHA-256", "SHA-256": "SHA-256"}[h]
	}
	if f.typ.given() {
		if img.Type, err = f.typ.oneOf(field+".type", "release type", "release", "beta", "alpha"); err != nil {
			return nil, err
		}
	}
	return img, nil
}

func imageSpec(m device.Model, img *ImageRef) demoimage.Spec {
	d, _ := demoimage.Lookup(m.DemoModel(), img.Name)
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

// operatorKey reads the name of a certified demo operator key.
func operatorKey(l leaf, field string) (string, error) {
	s, err := l.oneLine(field)
	if err != nil {
		return "", err
	}
	if !contains(demoimage.OperatorKeyNames(), s) {
		return "", errAt(l.n, field, "unknown key %q (use %s)", clip(s), orList(demoimage.OperatorKeyNames()))
	}
	return s, nil
}

// settings reads settings a scenario saves on the box: NAME: value.
func settings(p *pairs, field string) (map[string]string, error) {
	if len(p.order) == 0 {
		return nil, errAt(p.node, field, "must not be empty")
	}
	out := map[string]string{}
	for _, name := range p.order {
		fld := join(field, name)
		if device.ReadOnlySetting(name) {
			return nil, errAt(p.key[name], fld, "is set by the box itself and cannot be given")
		}
		if !contains(scenarioSettings(), name) {
			return nil, errAt(p.key[name], fld, "unknown setting (use %s)", orList(scenarioSettings()))
		}
		v := leaf{p.val[name]}
		val, err := v.single(fld)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(val, "\n\r") {
			return nil, errAt(v.n, fld, "must be one line")
		}
		if ch := device.SettingChoices(name); ch != nil && !contains(ch, val) {
			return nil, errAt(v.n, fld, "cannot be %q (use %s)", clip(val), orList(ch))
		}
		out[name] = val
	}
	return out, nil
}

// files reads the contents of the USB stick or the server: path → image, key or text.
func (c *checker) files(d *filesDoc, field string, server bool) ([]FileSpec, error) {
	if len(d.order) > maxFiles {
		return nil, errAt(d.node, field, "has more than %d files", maxFiles)
	}
	var out []FileSpec
	seen := map[string]bool{}
	for _, e := range d.entries {
		fld := field + "." + e.path
		clean, ok := cleanRel(e.path)
		if !ok {
			return nil, errAt(e.pathNode, fld, "a path must stay inside the %s: plain names separated by /, no \"..\"", where(server))
		}
		if seen[strings.ToLower(clean)] {
			return nil, errAt(e.pathNode, fld, "the same path is given twice")
		}
		seen[strings.ToLower(clean)] = true
		fs := FileSpec{Path: clean}
		if err := plain(e.n, fld); err != nil {
			return nil, err
		}
		if e.err != nil {
			return nil, under(fld, e.err)
		}
		var err error
		switch {
		case e.keyText != nil:
			kt := e.keyText
			if kt.has("key") == kt.has("text") {
				return nil, errAt(e.n, fld, "give either key or text")
			}
			if kt.Key.given() {
				fs.Key, err = operatorKey(kt.Key, fld+".key")
			} else {
				fs.Text, err = kt.Text.text(fld + ".text")
			}
		case e.image.name != nil:
			fs.Image, err = c.imageName(leaf{e.image.name}, fld)
		default:
			im := &e.image
			fs.Image, err = c.imageFields(&im.keys, imageLeaves{im.Image, im.Version, im.Model, im.Hash, im.Type}, fld)
		}
		if err != nil {
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
