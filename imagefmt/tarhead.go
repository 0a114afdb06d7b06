package imagefmt

import (
	"archive/tar"
	"bytes"
	"strconv"
)

// headEncoder encodes the header blocks of a folder's tar entries, byte for
// byte as archive/tar does. Every entry of a folder has the same time and
// owner, so the header of a plain entry (an ASCII name of at most 100 bytes,
// a size and a mode that fit their octal fields) differs from the one
// archive/tar made for the first plain entry of its type only in its name,
// mode, size and checksum: those are set in a copy. A folder of thousands of
// files then costs one encoding by archive/tar per type instead of one per
// file; any other entry is encoded by archive/tar.
type headEncoder struct {
	buf   bytes.Buffer
	first map[byte][]byte // archive/tar's block of the first plain entry, by type flag
}

// USTAR header fields (offset, length) that differ between plain entries.
const (
	ustarName, ustarNameLen   = 0, 100
	ustarMode, ustarModeLen   = 100, 8
	ustarSize, ustarSizeLen   = 124, 12
	ustarChksum, ustarChkLen  = 148, 8
	ustarMagic, ustarMagicLen = 257, 8
)

// encode returns the header blocks of h.
func (e *headEncoder) encode(h *tar.Header) ([]byte, error) {
	plain := plainHeader(h)
	if t, ok := e.first[h.Typeflag]; ok && plain {
		blk := bytes.Clone(t)
		clear(blk[ustarName : ustarName+ustarNameLen])
		copy(blk[ustarName:], h.Name)
		octalField(blk[ustarMode:ustarMode+ustarModeLen], h.Mode)
		octalField(blk[ustarSize:ustarSize+ustarSizeLen], h.Size)
		setChecksum(blk)
		return blk, nil
	}
	e.buf.Reset()
	if err := tar.NewWriter(&e.buf).WriteHeader(h); err != nil {
		return nil, err
	}
	blk := bytes.Clone(e.buf.Bytes())
	if plain && len(blk) == tarBlock && string(blk[ustarMagic:ustarMagic+ustarMagicLen]) == "ustar\x0000" {
		if e.first == nil {
			e.first = map[byte][]byte{}
		}
		e.first[h.Typeflag] = blk
	}
	return blk, nil
}

// plainHeader reports whether archive/tar writes h as one USTAR block whose
// name, mode and size fields hold them as they are.
func plainHeader(h *tar.Header) bool {
	if len(h.Name) == 0 || len(h.Name) > ustarNameLen || h.Size < 0 || h.Size >= 1<<33 || h.Mode < 0 || h.Mode >= 1<<21 {
		return false
	}
	for i := 0; i < len(h.Name); i++ {
		if c := h.Name[i]; c == 0 || c >= 0x80 {
			return false
		}
	}
	return true
}

// octalField writes x as archive/tar does: octal digits with leading zeros,
// then a NUL.
func octalField(b []byte, x int64) {
	s := strconv.FormatInt(x, 8)
	n := len(b) - 1 - len(s)
	for i := range n {
		b[i] = '0'
	}
	copy(b[n:], s)
	b[len(b)-1] = 0
}

// setChecksum sets the checksum of a header block: the sum of its bytes with
// the checksum field as spaces, in six octal digits, a NUL and a space.
func setChecksum(blk []byte) {
	field := blk[ustarChksum : ustarChksum+ustarChkLen]
	for i := range field {
		field[i] = ' '
	}
	var sum int64
	for _, c := range blk[:tarBlock] {
		sum += int64(c)
	}
	octalField(field[:7], sum)
	field[7] = ' '
}
