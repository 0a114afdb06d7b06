package device

import (
	"archive/tar"
	"bytes"
	"crypto"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// DemoKeys are the demo keys of every role, with their secret parts, as the
// assets ship them. They are demo keys, not the manufacturer's.
type DemoKeys struct {
	Manufacturer, Public, CustomAlpha, CustomBeta, OperatorOne, OperatorTwo *imagefmt.Key
	// OperatorOneCert and OperatorTwoCert are the operator keys certified by
	// the demo MANUFACTURER key (the stb_pub_sign.key form).
	OperatorOneCert, OperatorTwoCert []byte
}

// demoKeyFiles maps the names used in demo specs to the asset files.
var demoKeyFiles = [...]string{"manufacturer", "stb_public", "custom_alpha", "custom_beta", "operator_one", "operator_two"}

// DemoKeyNames lists the demo keys by the names DemoKeys.Key takes.
func DemoKeyNames() []string { return append([]string(nil), demoKeyFiles[:]...) }

// DemoOperatorKeyNames lists the demo operator keys that come certified, by
// the names DemoKeys.Cert takes.
func DemoOperatorKeyNames() []string { return []string{"operator_one", "operator_two"} }

// loadDemoKey reads one demo key from the embedded assets, its secret part
// too when secret is set (reading a secret key is slower: RSA checks it).
func loadDemoKey(name string, secret bool) (*imagefmt.Key, error) {
	file := name + ".pub.asc"
	if secret {
		file = name + ".sec.asc"
	}
	data, err := fs.ReadFile(assets.Keys(), file)
	if err != nil {
		return nil, fmt.Errorf("demo key %s: %v", name, err)
	}
	k, err := imagefmt.LoadKey(data)
	if err != nil {
		return nil, fmt.Errorf("demo key %s: %v", name, err)
	}
	return k, nil
}

// LoadDemoKeys reads the demo keys from the embedded assets.
func LoadDemoKeys() (*DemoKeys, error) {
	fsys := assets.Keys()
	keys := make([]*imagefmt.Key, len(demoKeyFiles))
	for i, n := range demoKeyFiles {
		k, err := loadDemoKey(n, true)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	d := &DemoKeys{Manufacturer: keys[0], Public: keys[1], CustomAlpha: keys[2], CustomBeta: keys[3], OperatorOne: keys[4], OperatorTwo: keys[5]}
	var err error
	if d.OperatorOneCert, err = fs.ReadFile(fsys, "operator_one.key"); err != nil {
		return nil, fmt.Errorf("demo key operator_one.key: %v", err)
	}
	if d.OperatorTwoCert, err = fs.ReadFile(fsys, "operator_two.key"); err != nil {
		return nil, fmt.Errorf("demo key operator_two.key: %v", err)
	}
	return d, nil
}

// Key returns a demo key by its file name ("manufacturer", "stb_public",
// "custom_alpha", "custom_beta", "operator_one", "operator_two").
func (d *DemoKeys) Key(name string) (*imagefmt.Key, error) {
	switch name {
	case "manufacturer":
		return d.Manufacturer, nil
	case "stb_public":
		return d.Public, nil
	case "custom_alpha":
		return d.CustomAlpha, nil
	case "custom_beta":
		return d.CustomBeta, nil
	case "operator_one":
		return d.OperatorOne, nil
	case "operator_two":
		return d.OperatorTwo, nil
	}
	return nil, fmt.Errorf("no demo key %q", name)
}

// Cert returns the certified form of a demo operator key ("operator_one", "operator_two").
func (d *DemoKeys) Cert(name string) ([]byte, error) {
	switch name {
	case "operator_one":
		return d.OperatorOneCert, nil
	case "operator_two":
		return d.OperatorTwoCert, nil
	}
	return nil, fmt.Errorf("no certified demo operator key %q", name)
}

// DemoSpec describes a demo image. Builds are reproducible: the same spec
// gives the same bytes (fixed dates, fixed contents, deterministic RSA).
type DemoSpec struct {
	// Carry is the demo key the RootFS carries at etc/custom_key.pub when it
	// is not Custom: "none" for no key (a mistaken Custom image).
	Carry        string
	TamperGlobal bool // flip one byte of the Global block's signature

	Signer     string      // demo key that signs the global and section blocks ("stb_public")
	Custom     string      // demo custom key carried in the RootFS and signing it ("custom_alpha"), or ""
	Model      string      // STB Model in the header; "" is the box's base model
	Version    int         // Image Version
	Tag        string      // the description's image tag: "" for Factory, "pub", "alphatv", …
	Hash       crypto.Hash // block hash; 0 is the model's generation
	RootFSSize int64       // size of the RootFS tar; 0 is 256 KiB
	Tamper     bool        // flip one RootFS byte after signing
	Cut        bool        // leave the last 4 KiB off
	Env        string      // the Env section's NAME=VALUE lines; "" is the demo's usual Env
}

// DemoImage is one named demo image, with a line that says what it is for.
type DemoImage struct {
	Name        string
	Description string
	Spec        DemoSpec
}

// DemoImages lists the named demo images for model m, good ones first.
func DemoImages(m Model) []DemoImage {
	v := m.FactoryVersion
	other := "MAG322"
	if m.Base != "MAG254" {
		other = "MAG254"
	}
	if m.Base == "MAG322" {
		other = "MAG324"
	}
	wrongHash, hashNote := crypto.SHA256, "SHA-256 blocks (this model reads only SHA-1)"
	if m.Hash != crypto.SHA1 {
		wrongHash, hashNote = crypto.SHA1, "SHA-1 blocks (this model accepts only SHA-256)"
	}
	return []DemoImage{
		{"factory", "Factory image, the version the box leaves the factory with", DemoSpec{Signer: "manufacturer", Version: v}},
		{"factory-next", "Factory image, next version (portal update of a Factory box)", DemoSpec{Signer: "manufacturer", Version: v + 1}},
		{"public", "Public image, newer than the factory image", DemoSpec{Signer: "stb_public", Version: v + 1, Tag: "pub"}},
		{"public-next", "Public image, one more version up", DemoSpec{Signer: "stb_public", Version: v + 2, Tag: "pub"}},
		{"public-same", "Public image of the factory version (needs Forced = Yes)", DemoSpec{Signer: "stb_public", Version: v, Tag: "pub"}},
		{"public-older", "Public image older than the factory image (refused at the boot stage)", DemoSpec{Signer: "stb_public", Version: v - 1, Tag: "pub"}},
		{"custom-alpha", "Custom image of Alpha TV (custom key CUSTOM_ALPHA in its RootFS)", DemoSpec{Signer: "stb_public", Custom: "custom_alpha", Version: v + 1, Tag: "alphatv"}},
		{"custom-alpha-next", "Custom image of Alpha TV, next version (portal update of an Alpha TV box)", DemoSpec{Signer: "stb_public", Custom: "custom_alpha", Version: v + 2, Tag: "alphatv"}},
		{"custom-beta", "Custom image of Beta Net (custom key CUSTOM_BETA)", DemoSpec{Signer: "stb_public", Custom: "custom_beta", Version: v + 2, Tag: "betanet"}},
		{"operator-one", "Operator image of One IPTV (needs its operator key in the box)", DemoSpec{Signer: "operator_one", Version: v + 1, Tag: "oneiptv"}},
		{"operator-one-next", "Operator image of One IPTV, next version", DemoSpec{Signer: "operator_one", Version: v + 2, Tag: "oneiptv"}},
		{"operator-two", "Operator image of Two Telecom (needs its operator key in the box)", DemoSpec{Signer: "operator_two", Version: v + 1, Tag: "twotel"}},
		{"tampered", "Public image with one RootFS byte changed after signing", DemoSpec{Signer: "stb_public", Version: v + 1, Tag: "pub", Tamper: true}},
		{"wrong-model", "Public image built for " + other, DemoSpec{Signer: "stb_public", Model: other, Version: v + 1, Tag: "pub"}},
		{"cut-short", "Public image whose last 4 KiB are missing (a broken copy)", DemoSpec{Signer: "stb_public", Version: v + 1, Tag: "pub", Cut: true}},
		{"wrong-hash", "Public image with " + hashNote, DemoSpec{Signer: "stb_public", Version: v + 1, Tag: "pub", Hash: wrongHash}},
		{"unknown-signer", "Image signed by a key no box knows", DemoSpec{Signer: "custom_beta", Version: v + 1, Tag: "homebrew"}},
	}
}

// LookupDemoImage finds a named demo image of model m.
func LookupDemoImage(m Model, name string) (DemoImage, error) {
	var names []string
	for _, d := range DemoImages(m) {
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return DemoImage{}, fmt.Errorf("no demo image %q: use one of %s", name, strings.Join(names, ", "))
}

// BuildDemoImage writes the named demo image for model m.
func BuildDemoImage(w io.Writer, keys *DemoKeys, m Model, name string) error {
	d, err := LookupDemoImage(m, name)
	if err != nil {
		return err
	}
	return BuildDemo(w, keys, m, d.Spec)
}

// demoDescription is the Image Description in the manufacturer's style:
// 0.2.19-r1-pub-254 for the MAG250/254/270 family, 2.20.01-r1-pub-420 later.
func demoDescription(m Model, spec DemoSpec) string {
	if spec.Tag == "" && spec.Version == m.FactoryVersion && spec.Model == "" {
		return m.FactoryDesc
	}
	model := spec.Model
	if model == "" {
		model = m.Base
	}
	num := strings.TrimPrefix(strings.ToUpper(model), "MAG")
	tag := ""
	if spec.Tag != "" {
		tag = spec.Tag + "-"
	}
	if m.FactoryVersion < 220 {
		return fmt.Sprintf("0.2.%d-r1-%s%s", spec.Version-200, tag, num)
	}
	return fmt.Sprintf("%d.%02d.01-r1-%s%s", spec.Version/100, spec.Version%100, tag, num)
}

// demoDate is the header Date of a demo image: the factory date, moved 30 days per version.
func demoDate(m Model, version int) (string, time.Time) {
	t, ok := ParseImageDate(m.FactoryDate)
	if !ok {
		t = time.Date(2019, 2, 21, 0, 43, 44, 0, time.UTC)
	}
	t = t.AddDate(0, 0, 30*(version-m.FactoryVersion))
	return t.Format("Mon Jan _2 15:04:05 MST 2006"), time.Unix(t.Unix(), 0).UTC()
}

// BuildDemo writes a demo image for model m as spec says.
func BuildDemo(w io.Writer, keys *DemoKeys, m Model, spec DemoSpec) error {
	signer, err := keys.Key(spec.Signer)
	if err != nil {
		return err
	}
	var custom *imagefmt.Key
	if spec.Custom != "" {
		if custom, err = keys.Key(spec.Custom); err != nil {
			return err
		}
	}
	model := spec.Model
	if model == "" {
		model = m.Base
	}
	date, created := demoDate(m, spec.Version)
	desc := demoDescription(m, spec)
	hash := spec.Hash
	if hash == 0 {
		hash = m.Hash
	}
	rootSize := spec.RootFSSize
	if rootSize <= 0 {
		rootSize = 256 << 10
	}
	carried := custom
	switch spec.Carry {
	case "":
	case "none":
		carried = nil
	default:
		if carried, err = keys.Key(spec.Carry); err != nil {
			return err
		}
	}
	rootfs, rootLen, err := demoRootFS(model, desc, carried, created, rootSize)
	if err != nil {
		return err
	}
	kernel := demoFill(64<<10, uint64(spec.Version)<<8|1)
	env := []byte("language=en\nntpurl=pool.ntp.org\nportal1=\nportal2=\nbg_color=0x00006498\nfg_color=0x00FFFFFF\n")
	if spec.Env != "" {
		env = []byte(spec.Env)
	}
	secs := []imagefmt.SectionSource{
		{Kind: imagefmt.Kernel, Data: kernel, Size: 64 << 10},
		{Kind: imagefmt.RootFS, Data: rootfs, Size: rootLen, Signer: custom},
		{Kind: imagefmt.Env, Data: bytes.NewReader(env), Size: int64(len(env))},
	}
	spec2 := imagefmt.BuildSpec{Model: model, Date: date, Version: spec.Version, Description: desc, Hash: hash,
		Key: signer, Created: created, Sections: secs}
	if !spec.Tamper && !spec.Cut && !spec.TamperGlobal {
		_, err := imagefmt.Build(w, spec2)
		return err
	}
	var buf bytes.Buffer
	hdr, err := imagefmt.Build(&buf, spec2)
	if err != nil {
		return err
	}
	out := buf.Bytes()
	if spec.Tamper {
		off := hdr.Size() + (64<<10 + imagefmt.BlockSize) + 2048 + 700 // inside the RootFS data
		out[off] ^= 0x20
	}
	if spec.TamperGlobal {
		out[len(out)-100] ^= 0x20
	}
	if spec.Cut {
		out = out[:len(out)-4096]
	}
	_, err = w.Write(out)
	return err
}

// demoRootFS is a RootFS tar of about size bytes: a few small files and a
// filler file, with the custom key at etc/custom_key.pub when given. It is
// produced as a stream, so that large demo images are never held whole.
func demoRootFS(model, desc string, custom *imagefmt.Key, mtime time.Time, size int64) (io.Reader, int64, error) {
	type file struct {
		name string
		data []byte
	}
	files := []file{
		{"etc/hostname", []byte(strings.ToLower(model) + "\n")},
		{"etc/version", []byte(desc + "\n")},
		{"home/web/index.html", []byte("<!DOCTYPE html>\n<html><head><title>Embedded portal</title></head><body><h1>" + model + "</h1></body></html>\n")},
	}
	if custom != nil {
		pub, err := custom.ArmoredPublic()
		if err != nil {
			return nil, 0, err
		}
		files = append(files, file{imagefmt.CustomKeyPath, pub})
	}
	var fixed int64
	for _, f := range files {
		fixed += 512 + pad512(int64(len(f.data)))
	}
	fill := size - fixed - 512 - 1024
	if fill < 0 {
		fill = 0
	}
	total := fixed + 512 + pad512(fill) + 1024
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		hdr := func(name string, n int64) *tar.Header {
			return &tar.Header{Name: name, Mode: 0o644, Size: n, ModTime: mtime, Typeflag: tar.TypeReg, Uname: "root", Gname: "root", Format: tar.FormatUSTAR}
		}
		for _, f := range files {
			if err := tw.WriteHeader(hdr(f.name, int64(len(f.data)))); err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := tw.Write(f.data); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		if err := tw.WriteHeader(hdr("usr/share/fonts/demo.bin", fill)); err != nil {
			pw.CloseWithError(err)
			return
		}
		if _, err := io.Copy(tw, demoFill(fill, uint64(size))); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(tw.Close())
	}()
	return pr, total, nil
}

func pad512(n int64) int64 { return (n + 511) &^ 511 }

// fillReader yields n deterministic pseudo-random bytes (xorshift64*).
type fillReader struct {
	left  int64
	state uint64
}

func demoFill(n int64, seed uint64) io.Reader {
	return &fillReader{left: n, state: seed*0x9E3779B97F4A7C15 + 1}
}

func (f *fillReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n := len(p) &^ 7
	if n == 0 {
		var tmp [8]byte
		binary.LittleEndian.PutUint64(tmp[:], f.next())
		n = copy(p, tmp[:])
	} else {
		for i := 0; i < n; i += 8 {
			binary.LittleEndian.PutUint64(p[i:], f.next())
		}
	}
	f.left -= int64(n)
	return n, nil
}

func (f *fillReader) next() uint64 {
	x := f.state
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	f.state = x
	return x * 2685821657736338717
}
