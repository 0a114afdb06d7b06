package imagefmt

import (
	"bufio"
	"bytes"
	"crypto"
	"errors"
	"hash"
	"io"
	"strings"
	"sync"
)

// readBufferSize is the Reader's fixed buffer; memory does not grow with the image.
const readBufferSize = 256 << 10

// Signed is a signature block read from an image, with what it signs.
type Signed struct {
	Name    string  // "Kernel", "RootFS", … or "Global"
	Section Section // the section (zero for the global block)
	Block   Block
	Raw     []byte // the 263 bytes as they stand in the file
	shape   error  // the block's shape is wrong (bad bit count)
	digests map[crypto.Hash][]byte
	// signed holds the bytes of a small signed message (the global block's), so any hash can be checked.
	signed []byte
}

// Digest is the finished digest (data, then class and time) under alg, if it was computed.
func (s *Signed) Digest(alg crypto.Hash) ([]byte, bool) {
	if s.signed != nil {
		h := alg.New()
		h.Write(s.signed)
		return s.Block.Digest(h), true
	}
	d, ok := s.digests[alg]
	return d, ok
}

// GlobalName names the global signature block.
const GlobalName = "Global"

// Reader streams an imageupdate file: the header, then each section's data,
// hashing it as it passes; the blocks are collected for Verify.
type Reader struct {
	br   *bufio.Reader
	hdr  *Header
	algs []crypto.Hash
	// only, when set, holds for each section the one hash its block names
	// (learned by LearnHashes; zero: every hash of algs).
	only   []crypto.Hash
	size   int64 // the source's length, -1 when unknown
	idx    int   // current section, -1 before the first
	left   int64 // data bytes of the current section not yet read
	hashes []hash.Hash
	signed []*Signed
	global bytes.Buffer // what the global block signs
	n      int64        // bytes consumed after the header
	done   bool
	err    error
}

// DefaultHash is the block hash of a model's generation: SHA-1 for the
// MAG250/254/270 family, SHA-256 for MAG256 and later.
func DefaultHash(model string) crypto.Hash {
	m := strings.ToUpper(strings.TrimSpace(model))
	for _, old := range []string{"MAG250", "MAG254", "MAG270", "AURAHD", "MAG200", "MAG245"} {
		if strings.HasPrefix(m, old) {
			return crypto.SHA1
		}
	}
	return crypto.SHA256
}

// NewReader reads the header from r. size is the file's length, or -1 when
// unknown; when known, the declared layout is checked against it up front.
// The sections are hashed with algs (default: DefaultHash of the header's model).
func NewReader(r io.Reader, size int64, algs ...crypto.Hash) (*Reader, error) {
	bufSize := readBufferSize
	if size >= 0 && size < int64(bufSize) {
		bufSize = max(int(size), 16) // a small image needs no large buffer
	}
	br := bufio.NewReaderSize(r, bufSize)
	hdr, err := ReadHeader(br)
	if err != nil {
		return nil, err
	}
	if size >= 0 {
		if err := checkLayout(hdr, size); err != nil {
			return nil, err
		}
	}
	if len(algs) == 0 {
		algs = []crypto.Hash{DefaultHash(hdr.Model)}
	}
	rd := &Reader{br: br, hdr: hdr, algs: algs, size: size, idx: -1}
	rd.global.Write(hdr.Raw())
	return rd, nil
}

func checkLayout(h *Header, size int64) error {
	// RULES.md check 1: with the file's length known, a declared size that runs
	// past its end is an invalid header (a copy cut short looks exactly like
	// this); a stream that ends early is a read error, found while reading.
	for _, s := range h.Sections {
		if s.Size > size {
			return wrap(ErrInvalidHeader, "%s size %d runs past the end of the %d-byte file (cut short, or a wrong header): copy the image again", s.Kind, s.Size, size)
		}
	}
	want := h.Size() + h.DataSize()
	switch {
	case want > size:
		return wrap(ErrInvalidHeader, "the header declares %d bytes, the file has only %d (cut short, or a wrong header): copy the image again", want, size)
	case want < size:
		return wrap(ErrInvalidHeader, "the header accounts for %d bytes, but the file has %d", want, size)
	}
	return nil
}

// Header is the image's header.
func (r *Reader) Header() *Header { return r.hdr }

// Hashes are the hashes the sections are computed with.
func (r *Reader) Hashes() []crypto.Hash { return r.algs }

// Consumed is the number of bytes read from the source so far, header included.
func (r *Reader) Consumed() int64 { return r.hdr.Size() + r.n }

// Next finishes the current section (hashing what was not read) and moves to
// the next one. After the last section it reads the global block and returns io.EOF.
func (r *Reader) Next() (*Section, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	if r.idx >= 0 {
		if err := r.finishSection(); err != nil {
			return nil, r.fail(err)
		}
	}
	r.idx++
	if r.idx == len(r.hdr.Sections) {
		if err := r.readGlobal(); err != nil {
			return nil, r.fail(err)
		}
		r.done = true
		return nil, io.EOF
	}
	s := r.hdr.Sections[r.idx]
	r.left = s.DataSize()
	r.hashes = r.hashes[:0]
	for _, a := range r.sectionAlgs(r.idx) {
		r.hashes = append(r.hashes, a.New())
	}
	return &s, nil
}

// Read reads the current section's signed data (for Kernel and RootFS, without their block).
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.idx < 0 || r.done || r.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.br.Read(p)
	if n > 0 {
		hashAll(r.hashes, p[:n])
		r.left -= int64(n)
		r.n += int64(n)
	}
	if err != nil {
		if err == io.EOF {
			if r.left > 0 {
				return n, r.fail(wrap(ErrReadError, "the image is cut short: it ends inside the %s section", r.hdr.Sections[r.idx].Kind))
			}
			return n, nil
		}
		return n, r.fail(wrapCause(ErrReadError, err))
	}
	return n, nil
}

// WriteTo streams the rest of the current section's data into w.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for r.left > 0 && r.err == nil {
		if r.br.Buffered() == 0 {
			if _, err := r.br.Peek(1); err != nil {
				if err == io.EOF {
					return total, r.fail(wrap(ErrReadError, "the image is cut short: it ends inside the %s section", r.hdr.Sections[r.idx].Kind))
				}
				return total, r.fail(wrapCause(ErrReadError, err))
			}
		}
		n := min(int64(r.br.Buffered()), r.left)
		chunk, _ := r.br.Peek(int(n))
		m, err := w.Write(chunk)
		m = max(0, min(m, len(chunk)))
		hashAll(r.hashes, chunk[:m])
		r.br.Discard(m)
		r.left -= int64(m)
		r.n += int64(m)
		total += int64(m)
		if err != nil {
			return total, err
		}
	}
	return total, r.err
}

func (r *Reader) fail(err error) error {
	r.err = err
	return err
}

func (r *Reader) finishSection() error {
	if r.left > 0 {
		if _, err := r.WriteTo(io.Discard); err != nil {
			return err
		}
	}
	s := r.hdr.Sections[r.idx]
	raw := make([]byte, BlockSize)
	if _, err := io.ReadFull(r.br, raw); err != nil {
		return wrap(ErrReadError, "the image is cut short: it ends inside the %s signature block", s.Kind)
	}
	r.n += BlockSize
	sg := &Signed{Name: s.Kind.String(), Section: s, Raw: raw, digests: map[crypto.Hash][]byte{}}
	sg.Block, sg.shape = ParseBlock(raw)
	for i, a := range r.sectionAlgs(r.idx) {
		sg.digests[a] = sg.Block.Digest(r.hashes[i])
	}
	r.signed = append(r.signed, sg)
	r.global.Write(raw)
	return nil
}

func (r *Reader) readGlobal() error {
	raw := make([]byte, BlockSize)
	if _, err := io.ReadFull(r.br, raw); err != nil {
		return wrap(ErrReadError, "the image is cut short: it ends inside the global signature block")
	}
	r.n += BlockSize
	if _, err := r.br.Peek(1); err == nil {
		return wrap(ErrInvalidHeader, "bytes follow the global signature block; the header's sizes do not account for them")
	} else if !errors.Is(err, io.EOF) {
		return wrapCause(ErrReadError, err)
	}
	sg := &Signed{Name: GlobalName, Raw: raw, signed: r.global.Bytes()}
	sg.Block, sg.shape = ParseBlock(raw)
	r.signed = append(r.signed, sg)
	return nil
}

// Signed returns the blocks read so far, in file order; after Next has
// returned io.EOF the last one is the global block.
func (r *Reader) Signed() []*Signed { return r.signed }

// Done reports whether the whole image was read without error.
func (r *Reader) Done() bool { return r.done && r.err == nil }

// ReadAll streams the rest of the image, discarding section data, so that it can be verified.
func (r *Reader) ReadAll() error {
	for {
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// Verify checks every block of a fully read image against keys.
func (r *Reader) Verify(keys []*Key) []Check {
	out := make([]Check, 0, len(r.signed))
	for _, s := range r.signed {
		out = append(out, CheckSigned(s, keys))
	}
	return out
}

// parallelHashMin is the chunk size from which several hashes run side by side.
const parallelHashMin = 32 << 10

// hashAll writes p into every hash. With several hashes and a large p it runs
// them side by side, so that computing SHA-1 and SHA-256 together (to check
// a block of either generation) costs about as much as the slower one alone.
func hashAll(hs []hash.Hash, p []byte) {
	if len(hs) < 2 || len(p) < parallelHashMin {
		for _, h := range hs {
			h.Write(p)
		}
		return
	}
	var wg sync.WaitGroup
	for _, h := range hs[1:] {
		wg.Go(func() { h.Write(p) })
	}
	hs[0].Write(p)
	wg.Wait()
}
