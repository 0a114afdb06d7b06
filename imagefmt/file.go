package imagefmt

import (
	"bufio"
	"crypto"
	"errors"
	"io"
	"io/fs"
	"os"
)

// File is an image file opened for streaming; Close releases it.
type File struct {
	*Reader
	Size int64 // the file's length in bytes
	f    *os.File
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// openImageFile opens path for reading and tells a missing path or a folder
// (File not found, 25) from a file that cannot be read (Read error, 27).
func openImageFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, wrap(ErrFileNotFound, "there is no file %s", path)
		}
		return nil, 0, wrap(ErrReadError, "cannot open %s: %v", path, unwrapPath(err))
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, wrap(ErrReadError, "cannot read %s: %v", path, unwrapPath(err))
	}
	if info.IsDir() {
		f.Close()
		return nil, 0, wrap(ErrFileNotFound, "%s is a folder, not an image file", path)
	}
	if !info.Mode().IsRegular() {
		// A pipe or a device: stream it without a known length.
		return f, -1, nil
	}
	return f, info.Size(), nil
}

// Open opens the image file at path for a caller that streams it itself; the
// errors are those of OpenFile (File not found, Read error). size is -1 for
// a pipe or a device.
func Open(path string) (f *os.File, size int64, err error) {
	return openImageFile(path)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// OpenFile opens the image at path and reads its header; the declared layout
// is checked against the file's length. The sections are hashed with algs
// (default: DefaultHash of the model); pass crypto.SHA1 and crypto.SHA256 to
// be able to check blocks of either generation.
func OpenFile(path string, algs ...crypto.Hash) (*File, error) {
	f, size, err := openImageFile(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, size, algs...)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{Reader: r, Size: size, f: f}, nil
}

// VerifyFile streams the image at path once and checks each block against
// keys. A section is hashed with the one hash its block names when one of
// keys made the block (the blocks are read first, see LearnHashes), else with
// every hash in algs (default: SHA-1 and SHA-256, so any block can be
// checked); a pipe is streamed with every hash. err is set only when the
// file cannot be read as an image (Invalid file header, Read error, File not
// found); a block that does not verify is reported in its Check.
func VerifyFile(path string, keys []*Key, algs ...crypto.Hash) (*Header, []Check, error) {
	f, checks, err := verifyFile(path, keys, algs...)
	if f == nil {
		return nil, nil, err
	}
	f.Close()
	return f.Header(), checks, err
}

// verifyFile is VerifyFile; it returns the File read (closed by the caller), nil when it cannot be opened.
func verifyFile(path string, keys []*Key, algs ...crypto.Hash) (*File, []Check, error) {
	if len(algs) == 0 {
		algs = []crypto.Hash{crypto.SHA1, crypto.SHA256}
	}
	f, err := OpenFile(path, algs...)
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.LearnHashes(f.f, keys); err != nil {
		return f, nil, err
	}
	if err := f.ReadAll(); err != nil {
		return f, nil, err
	}
	return f, f.Verify(keys), nil
}

// Inspect reads the header and every signature block of an image of the
// given size without reading the section data: it jumps to each block. The
// blocks carry no digests, so they can be shown but not checked.
func Inspect(r io.ReaderAt, size int64) (*Header, []*Signed, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, size), int(min(size, MaxHeaderSize)+1))
	hdr, err := ReadHeader(br)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLayout(hdr, size); err != nil {
		return hdr, nil, err
	}
	var out []*Signed
	read := func(name string, s Section, at int64) error {
		raw := make([]byte, BlockSize)
		if _, err := r.ReadAt(raw, at); err != nil {
			return wrap(ErrReadError, "cannot read the %s signature block: %v", name, err)
		}
		sg := &Signed{Name: name, Section: s, Raw: raw}
		sg.Block, sg.shape = ParseBlock(raw)
		out = append(out, sg)
		return nil
	}
	for _, s := range hdr.Sections {
		if err := read(s.Kind.String(), s, hdr.Size()+s.Offset+s.DataSize()); err != nil {
			return hdr, out, err
		}
	}
	if err := read(GlobalName, Section{}, size-BlockSize); err != nil {
		return hdr, out, err
	}
	return hdr, out, nil
}

// InspectFile is Inspect on the file at path; it also returns the file's length.
func InspectFile(path string) (*Header, []*Signed, int64, error) {
	f, size, err := openImageFile(path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	if size < 0 {
		return nil, nil, 0, wrap(ErrReadError, "%s is not a regular file", path)
	}
	hdr, blocks, err := Inspect(f, size)
	return hdr, blocks, size, err
}

// ShapeError is why the block's bytes are not a well-formed block, or nil.
func (s *Signed) ShapeError() error { return s.shape }
