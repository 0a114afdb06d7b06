package imagefmt

import (
	"bytes"
	"crypto"
	"io"
	"slices"
)

// LearnHashes reads the section blocks of the image from ra, the same image
// the Reader streams (from offset 0: its header must stand there, else
// nothing is learnt), before its sections are read, so that each section is
// hashed once: a section whose block one of keys opens is hashed only with
// the hash that block names (when it is one of the Reader's); a section whose
// block no key opens keeps every hash, as a stream does. It learns nothing
// when the image's length is unknown (a pipe, a download) or once the first
// section has started. It returns how many sections it narrowed.
//
// The global block needs no learning: what it signs is kept, so any hash can
// check it. A block that differs between the two reads (the file changed) is
// judged as streamed: its hash was not computed, so it does not verify.
func (r *Reader) LearnHashes(ra io.ReaderAt, keys []*Key) (int, error) {
	if r.size < 0 || r.idx >= 0 || len(r.algs) < 2 || len(keys) == 0 {
		return 0, nil
	}
	head := make([]byte, r.hdr.Size())
	if _, err := ra.ReadAt(head, 0); err != nil || !bytes.Equal(head, r.hdr.Raw()) {
		return 0, nil // not the image streamed, or not from its start
	}
	only := make([]crypto.Hash, len(r.hdr.Sections))
	narrowed := 0
	raw := make([]byte, BlockSize)
	for i, s := range r.hdr.Sections {
		at := r.hdr.Size() + s.Offset + s.DataSize()
		if _, err := ra.ReadAt(raw, at); err != nil {
			return 0, wrap(ErrReadError, "cannot read the %s signature block: %v", s.Kind, err)
		}
		blk, err := ParseBlock(raw)
		if err != nil {
			continue // judged from the stream; its digest is never asked for
		}
		if alg, ok := blockHash(blk, keys); ok && slices.Contains(r.algs, alg) {
			only[i] = alg
			narrowed++
		}
	}
	if narrowed > 0 {
		r.only = only
	}
	return narrowed, nil
}

// blockHash is the hash named in blk by the first of keys that opens it.
func blockHash(blk Block, keys []*Key) (crypto.Hash, bool) {
	for _, k := range keys {
		if k == nil {
			continue
		}
		if alg, _, ok := blk.Recover(k.Public); ok {
			return alg, true
		}
	}
	return 0, false
}

// sectionAlgs are the hashes section i is read with.
func (r *Reader) sectionAlgs(i int) []crypto.Hash {
	if i < len(r.only) && r.only[i] != 0 {
		return r.only[i : i+1]
	}
	return r.algs
}
