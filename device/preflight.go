package device

import (
	"crypto"
	"fmt"
	"io"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// boxKinds are the kinds of box a preflight judges an image for, each named
// after the kind of image it runs; the operator box has its operator key
// installed.
var boxKinds = [...]Kind{KindFactory, KindPublic, KindCustom, KindOperator}

// Verdict is what one kind of box decides about an image on one path.
type Verdict struct {
	Box     Kind   `json:"box"` // the kind of image the box runs: factory, public, custom, operator
	Via     Path   `json:"via"` // boot or portal
	Status  Status `json:"status"`
	Text    string `json:"text"`
	Rule    Rule   `json:"rule"`
	Why     string `json:"why"`
	Hint    string `json:"hint,omitempty"`
	Mistake string `json:"mistake,omitempty"` // the named mistake that decided, if any
	Accept  bool   `json:"accepted"`
}

// PreflightOptions tune a preflight.
type PreflightOptions struct {
	// Model is the box model to judge for; "" means the image's STB Model.
	Model string
	// Keys are keys to know besides the demo keys: a key named MANUFACTURER
	// or STB_PUBLIC (e.g. the real STB_PUBLIC) replaces the demo key of that
	// role in every box; a certified key (stb_pub_sign.key form) is an
	// operator key; any other key is an operator key when it made the Global
	// block, else a custom key.
	Keys []*imagefmt.Key
}

// Preflight is what a box of every kind would do with an image, decided by
// the same rules as an update, before the image is shipped.
type Preflight struct {
	Model      string // the model judged for
	ModelKnown bool   // the model is in the catalogue
	ImageModel string // the image's STB Model
	Version    int
	Date       string
	Desc       string
	// Hash is the hash the blocks are made with ("SHA-1", "SHA-256", or
	// "mixed"); ModelHash the one the model reads.
	Hash, ModelHash string
	Kind            Kind // the image's kind, told from every key known
	Blocks          []BlockReport
	// CustomKey is the key the RootFS carries at etc/custom_key.pub, nil
	// when none; CustomKeyMadeRootFS says whether it made the RootFS block.
	CustomKey           *KeyRef
	CustomKeyMadeRootFS bool
	GlobalBy            *KeyRef // who made the Global block, nil when no known key did
	Env                 []string
	// Running is the version the judged boxes run: one below the image's,
	// so that the version check never decides.
	Running  int
	Verdicts []Verdict
}

// Takes reports whether the box of the image's own kind takes it on every
// path; an image of unknown kind is taken by no box it is made for.
func (p *Preflight) Takes() bool {
	n := 0
	for _, v := range p.Verdicts {
		if v.Box == p.Kind {
			if !v.Accept {
				return false
			}
			n++
		}
	}
	return n > 0
}

// maxEnvSize bounds the Env section a preflight keeps to show.
const maxEnvSize = 64 << 10

// RunPreflight reads the image from r (size bytes, -1 when unknown) once,
// finds who made each block among the demo keys, opts.Keys and the custom key
// the RootFS carries, and decides the image for a box of every kind on both
// paths with Decide. It fails only when the image cannot be read (the
// imagefmt errors: invalid header, read error).
func RunPreflight(r io.Reader, size int64, opts PreflightOptions) (*Preflight, error) {
	rd, err := imagefmt.NewReader(r, size, crypto.SHA1, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	hdr := rd.Header()
	p := &Preflight{ImageModel: hdr.Model, Version: hdr.Version, Date: hdr.Date, Desc: hdr.Description, Running: hdr.Version - 1}
	kr, demo, err := preflightKeys(opts.Keys)
	if err != nil {
		return nil, err
	}
	if ra, ok := r.(io.ReaderAt); ok {
		// A file: a section whose block a known key made is hashed once.
		if _, err := rd.LearnHashes(ra, kr.keys); err != nil {
			return nil, err
		}
	}
	customData, env, err := readForPreflight(rd)
	if err != nil {
		return nil, err
	}
	p.Env = env
	model := opts.Model
	if model == "" {
		model = hdr.Model
	}
	p.Model = model
	m, merr := LookupModel(model)
	p.ModelKnown = merr == nil
	if p.ModelKnown {
		p.Model, p.ModelHash = m.Name, m.Generation()
	}

	var carried *KeyRef
	if k := loadCustom(customData); k != nil {
		ref := kr.add(k, RoleCustom)
		carried = &ref
	}
	checks := rd.Verify(kr.keys)
	// A given key of no fixed role: an operator key when it made the Global block.
	for _, c := range checks {
		if c.Name == imagefmt.GlobalName && c.Key != nil {
			if r := kr.ref(c.Key); r != nil && r.Role == RoleCustom && kr.given(c.Key) {
				kr.setRole(c.Key, RoleOperator)
			}
		}
	}
	all := blockFacts(&kr.keyring, checks)
	full := DecisionInput{Manufacturer: kr.m, Public: kr.p, Blocks: all, ImageCustomKey: carried, Complete: true}
	p.Kind = kindOf(full)
	p.CustomKey = carried
	p.Hash = blockHash(all)
	for _, b := range all {
		p.Blocks = append(p.Blocks, BlockReport{Name: b.Name, Signer: b.Signer, Hash: b.Hash, OK: b.Signer != nil && b.Match, Detail: b.Detail})
		switch b.Name {
		case imagefmt.GlobalName:
			p.GlobalBy = b.Signer
		case "RootFS":
			p.CustomKeyMadeRootFS = carried != nil && b.Signer != nil && b.Signer.Is(*carried)
		}
	}
	if !p.ModelKnown {
		return p, nil
	}
	for _, box := range boxKinds {
		setup := kr.boxFor(box, all, carried, demo)
		for _, path := range []Path{PathBoot, PathPortal} {
			in := DecisionInput{Model: m, Path: path, ImageModel: hdr.Model, ImageVersion: hdr.Version,
				ImageDate: hdr.Date, ImageDesc: hdr.Description, Complete: true, ImageCustomKey: carried,
				Manufacturer: kr.m, Public: kr.p, Operator: setup.operator}
			in.Running = &ImageInfo{Model: m.Base, Version: p.Running, Kind: box, Signer: setup.global, RootFSBy: setup.rootfs,
				Description: fmt.Sprintf("a %s image, version %d", box, p.Running)}
			in.Blocks = restrict(all, setup.knows)
			d := Decide(in)
			p.Verdicts = append(p.Verdicts, Verdict{Box: box, Via: path, Status: d.Status, Text: d.Text, Rule: d.Rule,
				Why: d.Explain, Hint: d.Hint, Mistake: d.Mistake, Accept: d.Accept})
		}
	}
	return p, nil
}

// readForPreflight streams the image to its end, hashing every section and
// keeping the custom key the RootFS carries and the Env section's lines.
func readForPreflight(rd *imagefmt.Reader) (custom []byte, env []string, err error) {
	for {
		sec, err := rd.Next()
		if err == io.EOF {
			return custom, env, nil
		}
		if err != nil {
			return nil, nil, err
		}
		switch sec.Kind {
		case imagefmt.RootFS:
			sc := imagefmt.NewKeyScanner()
			_, err = rd.WriteTo(sc)
			key, kerr := sc.Close()
			if err != nil {
				return nil, nil, err
			}
			if kerr == nil {
				custom = key
			}
		case imagefmt.Env:
			var buf limitedBuffer
			buf.max = maxEnvSize
			if _, err := rd.WriteTo(&buf); err != nil {
				return nil, nil, err
			}
			env = envLines(buf.data)
		default:
			if _, err := rd.WriteTo(io.Discard); err != nil {
				return nil, nil, err
			}
		}
	}
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	data []byte
	max  int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - len(b.data); room > 0 {
		b.data = append(b.data, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// envLines are the NAME=VALUE lines of an Env section, control characters dropped.
func envLines(data []byte) []string {
	var out []string
	line := make([]byte, 0, 80)
	flush := func() {
		if len(line) > 0 {
			out = append(out, string(line))
			line = line[:0]
		}
	}
	for _, c := range data {
		switch {
		case c == '\n' || c == 0:
			flush()
		case c < 0x20 || c == 0x7f:
		default:
			line = append(line, c)
		}
	}
	flush()
	return out
}

// blockHash names the hash the blocks are made with.
func blockHash(bs []BlockFacts) string {
	h := ""
	for _, b := range bs {
		if b.Hash == "" {
			continue
		}
		if h != "" && h != b.Hash {
			return "mixed"
		}
		h = b.Hash
	}
	return h
}

// refKey is what tells keys apart: the fingerprint, or the key id of a
// reference recorded without one.
func refKey(r KeyRef) string {
	if r.Fingerprint != "" {
		return r.Fingerprint
	}
	return r.ID
}

// restrict is the blocks as a box that knows only the keys in knows sees them.
func restrict(all []BlockFacts, knows map[string]bool) []BlockFacts {
	out := make([]BlockFacts, len(all))
	for i, b := range all {
		out[i] = b
		if b.Signer != nil && !knows[refKey(*b.Signer)] {
			out[i] = BlockFacts{Name: b.Name, Detail: fmt.Sprintf("none of the trusted keys made the %s block", b.Name)}
		}
	}
	return out
}

// preflightRing is the keyring of a preflight: every key known, with which
// were given and which demo keys stand for the roles a box may hold.
type preflightRing struct {
	keyring
	givenKeys []*imagefmt.Key
}

func (kr *preflightRing) given(k *imagefmt.Key) bool {
	for _, g := range kr.givenKeys {
		if g == k || g.Same(k) {
			return true
		}
	}
	return false
}

func (kr *preflightRing) setRole(k *imagefmt.Key, role Role) {
	for i, x := range kr.keys {
		if x == k || x.Same(k) {
			kr.refs[i].Role = role
		}
	}
}

// preflightKeys loads the demo keys and adds the given ones with their roles.
func preflightKeys(given []*imagefmt.Key) (*preflightRing, map[string]KeyRef, error) {
	kr := &preflightRing{}
	demo := map[string]KeyRef{}
	byRole := map[Role]*imagefmt.Key{}
	for _, g := range given {
		switch g.Name {
		case string(RoleManufacturer):
			byRole[RoleManufacturer] = g
		case string(RolePublic):
			byRole[RolePublic] = g
		}
	}
	for _, n := range demoimage.KeyNames() {
		k, err := demoimage.LoadPublicKey(n)
		if err != nil {
			return nil, nil, err
		}
		role := roleOf(n)
		if r, ok := byRole[role]; ok && (role == RoleManufacturer || role == RolePublic) {
			k = r
		}
		demo[n] = kr.add(k, role)
	}
	kr.m, kr.p = demo["manufacturer"], demo["stb_public"]
	for _, g := range given {
		role := RoleCustom
		switch {
		case g.Name == string(RoleManufacturer) || g.Name == string(RolePublic):
			continue // already in place
		case g.Certification != nil:
			role = RoleOperator
		}
		kr.add(g, role)
		kr.givenKeys = append(kr.givenKeys, g)
	}
	return kr, demo, nil
}

// boxSetup is what a box of one kind holds: the keys it knows, its operator
// key, and who made the image it runs.
type boxSetup struct {
	knows          map[string]bool
	operator       *KeyRef
	global, rootfs *KeyRef
}

// boxFor is the box of kind k the image would meet: the custom box runs a
// Custom image of the custom key that made the image's RootFS (or that it
// carries; else the demo CUSTOM_ALPHA), the operator box holds the operator
// key that made the image's Global block (else the demo ONE IPTV key).
func (kr *preflightRing) boxFor(k Kind, all []BlockFacts, carried *KeyRef, demo map[string]KeyRef) boxSetup {
	s := boxSetup{knows: map[string]bool{refKey(kr.m): true, refKey(kr.p): true}}
	if carried != nil {
		s.knows[refKey(*carried)] = true
	}
	var global, rootfs *KeyRef
	for _, b := range all {
		switch b.Name {
		case imagefmt.GlobalName:
			global = b.Signer
		case "RootFS":
			rootfs = b.Signer
		}
	}
	switch k {
	case KindFactory:
		m := kr.m
		s.global, s.rootfs = &m, &m
	case KindPublic:
		p := kr.p
		s.global, s.rootfs = &p, &p
	case KindCustom:
		c := demo["custom_alpha"]
		switch {
		case rootfs != nil && rootfs.Role == RoleCustom:
			c = *rootfs
		case carried != nil:
			c = *carried
		}
		p := kr.p
		s.global, s.rootfs = &p, &c
		s.knows[refKey(c)] = true
	case KindOperator:
		o := demo["operator_one"]
		if global != nil && global.Role == RoleOperator {
			o = *global
		}
		s.operator, s.global, s.rootfs = &o, &o, &o
		s.knows[refKey(o)] = true
	}
	return s
}
