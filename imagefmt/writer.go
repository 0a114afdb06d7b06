package imagefmt

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"time"
)

// SectionSource is one section to write: Size bytes of data read from Data,
// or written by From.
type SectionSource struct {
	Kind SectionKind
	Data io.Reader
	// From, when set, writes the data instead of Data being read (a
	// TarFolder streams a folder as tar this way); it must write Size bytes.
	From    io.WriterTo
	Size    int64  // data bytes, without the signature block
	Version string // Bootstrap/Userfs version line
	Signer  *Key   // signs this section's block; nil: the image's Key
}

// BuildSpec describes an image to write.
type BuildSpec struct {
	Model        string
	Date         string // header Date text, e.g. "Thu Feb 21 00:43:44 EET 2019"
	Version      int
	Description  string
	VerUpdateAPI string
	Hash         crypto.Hash // block hash; zero: DefaultHash(Model)
	Key          *Key        // signs the global block and every section without its own Signer
	Created      time.Time   // creation time written in every block
	Sections     []SectionSource
	Extra        []Field
}

// Build writes an image as the manufacturer's scripts lay it out, streaming
// each section through its hash; it returns the header it wrote.
func Build(w io.Writer, spec BuildSpec) (*Header, error) {
	if !spec.Key.CanSign() {
		return nil, errors.New("building an image needs a secret signing key")
	}
	alg := spec.Hash
	if alg == 0 {
		alg = DefaultHash(spec.Model)
	}
	hs := HeaderSpec{Model: spec.Model, Date: spec.Date, Version: spec.Version, Description: spec.Description,
		VerUpdateAPI: spec.VerUpdateAPI, Extra: spec.Extra}
	for i, s := range spec.Sections {
		if i > 0 && spec.Sections[i-1].Kind >= s.Kind {
			return nil, fmt.Errorf("sections must be given once each, in file order (%s after %s)", s.Kind, spec.Sections[i-1].Kind)
		}
		size := s.Size
		if s.Kind.SelfSigned() {
			size += BlockSize
		}
		hs.Sections = append(hs.Sections, Section{Kind: s.Kind, Size: size, Version: s.Version})
	}
	hdr, err := NewHeader(hs)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(hdr.Raw()); err != nil {
		return nil, err
	}
	global := alg.New()
	global.Write(hdr.Raw())
	buf := make([]byte, 256<<10)
	for _, s := range spec.Sections {
		h := alg.New()
		n, err := copySection(io.MultiWriter(w, h), s, buf)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", s.Kind, err)
		}
		if n != s.Size {
			return nil, fmt.Errorf("%s section: %d bytes, %d were announced", s.Kind, n, s.Size)
		}
		signer := s.Signer
		if signer == nil {
			signer = spec.Key
		}
		blk, err := Sign(signer, alg, h, spec.Created)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", s.Kind, err)
		}
		raw := blk.Bytes()
		if _, err := w.Write(raw); err != nil {
			return nil, err
		}
		global.Write(raw)
	}
	blk, err := Sign(spec.Key, alg, global, spec.Created)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(blk.Bytes()); err != nil {
		return nil, err
	}
	return hdr, nil
}

// copySection writes the data of s into w: From writes it (held to Size
// bytes), or Data is read.
func copySection(w io.Writer, s SectionSource, buf []byte) (int64, error) {
	if s.From == nil {
		return io.CopyBuffer(w, io.LimitReader(s.Data, s.Size), buf)
	}
	lw := &limitWriter{w: w, left: s.Size}
	_, err := s.From.WriteTo(lw)
	return s.Size - lw.left, err
}

// limitWriter passes at most left bytes to w and refuses more.
type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		n, err := l.w.Write(p[:l.left])
		l.left -= int64(n)
		if err == nil {
			err = errors.New("more bytes than were announced")
		}
		return n, err
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
