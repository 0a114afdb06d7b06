package demoimage

import (
	"crypto"
	"fmt"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Spec describes a demo image. Builds are reproducible: the same spec
// gives the same bytes (fixed dates, fixed contents, deterministic RSA).
type Spec struct {
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

// Description is the Image Description of the image spec describes for
// model m, in the manufacturer's style:
// 0.2.19-r1-pub-254 for the MAG250/254/270 family, 2.20.01-r1-pub-420 later.
func Description(m Model, spec Spec) string {
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

// Date is the header Date of a demo image of the given version, and the time
// its files carry: the factory date, moved 30 days per version.
func Date(m Model, version int) (string, time.Time) {
	d, err := imagefmt.ParseHeaderDate(m.FactoryDate)
	t := d.Time
	if err != nil {
		t = time.Date(2019, 2, 21, 0, 43, 44, 0, time.UTC)
	}
	t = t.AddDate(0, 0, 30*(version-m.FactoryVersion))
	return t.Format("Mon Jan _2 15:04:05 MST 2006"), time.Unix(t.Unix(), 0).UTC()
}
