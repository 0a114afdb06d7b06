package demoimage

import (
	"bytes"
	"io"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Build writes a demo image for model m as spec says.
func Build(w io.Writer, keys *Keys, m Model, spec Spec) error {
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
	date, created := Date(m, spec.Version)
	desc := Description(m, spec)
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
	rootfs, rootLen, err := rootFS(model, desc, carried, created, rootSize)
	if err != nil {
		return err
	}
	kernel := filler(64<<10, uint64(spec.Version)<<8|1)
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
