package imagefmt

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"
)

// TarFolder is a folder to be written as a RootFS tar without a temporary
// file: NewTarFolder walks it once with one stat per entry, which gives the
// tar's exact size before a byte is written (what the image header
// declares) and each entry's header; WriteTo then streams the tar, opening
// and reading each file once. The bytes are those of archive/tar writing
// the same entries (WriteRootFS on the folder).
type TarFolder struct {
	root    string
	entries []tarEntry
	size    int64
}

// tarEntry is one entry of the tar: its header blocks, and the file that
// holds its data (empty for a folder or for data held in the entry).
type tarEntry struct {
	head []byte // the header blocks as archive/tar encodes them
	size int64  // data bytes
	path string
	data []byte // the custom key's bytes
}

// tarBlock is the tar record size: headers and data are padded to it.
const tarBlock = 512

// NewTarFolder reads the tree under root: regular files and folders, in
// lexical order (devices, sockets and links are left out), each with the
// fixed time mtime and owner root. With customKey, the folder's own
// etc/custom_key.pub is replaced by an entry holding customKey, written last.
func NewTarFolder(root string, customKey []byte, mtime time.Time) (*TarFolder, error) {
	tf := &TarFolder{root: root}
	var enc headEncoder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		if t := d.Type(); !t.IsRegular() && !t.IsDir() {
			return nil // devices, sockets and links are not part of a simulated RootFS
		}
		rel, _ := filepath.Rel(root, p)
		name := filepath.ToSlash(rel)
		if customKey != nil && name == CustomKeyPath {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h := fileHeader(name, info, mtime)
		if h == nil {
			return nil // it changed into something else since the folder was listed
		}
		e := tarEntry{size: h.Size}
		if h.Typeflag == tar.TypeReg {
			e.path = p
		}
		return tf.add(e, h, &enc)
	})
	if err != nil {
		return nil, err
	}
	if customKey != nil {
		h := &tar.Header{Name: CustomKeyPath, Mode: 0o644, Size: int64(len(customKey)), ModTime: mtime,
			Typeflag: tar.TypeReg, Uname: "root", Gname: "root"}
		if err := tf.add(tarEntry{size: h.Size, data: customKey}, h, &enc); err != nil {
			return nil, err
		}
	}
	tf.size += 2 * tarBlock // the end-of-archive marker
	return tf, nil
}

// fileHeader is the tar header of a regular file or a folder, owned by
// root, as tar.FileInfoHeader makes it; nil for anything else.
func fileHeader(name string, info fs.FileInfo, mtime time.Time) *tar.Header {
	fm := info.Mode()
	h := &tar.Header{Name: name, ModTime: mtime, Mode: int64(fm.Perm()), Uname: "root", Gname: "root"}
	switch {
	case fm.IsRegular():
		h.Typeflag, h.Size = tar.TypeReg, info.Size()
	case fm.IsDir():
		h.Typeflag, h.Name = tar.TypeDir, name+"/"
	default:
		return nil
	}
	if fm&fs.ModeSetuid != 0 {
		h.Mode |= 0o4000
	}
	if fm&fs.ModeSetgid != 0 {
		h.Mode |= 0o2000
	}
	if fm&fs.ModeSticky != 0 {
		h.Mode |= 0o1000
	}
	return h
}

// add appends e with the header blocks of h, as archive/tar encodes them
// (a long name takes a PAX record), and counts its bytes with its padded
// data.
func (tf *TarFolder) add(e tarEntry, h *tar.Header, enc *headEncoder) error {
	head, err := enc.encode(h)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	e.head = head
	tf.size += int64(len(e.head)) + padded(e.size)
	tf.entries = append(tf.entries, e)
	return nil
}

// padded is n rounded up to whole tar records.
func padded(n int64) int64 { return (n + tarBlock - 1) / tarBlock * tarBlock }

// Size is the exact length of the tar WriteTo writes.
func (tf *TarFolder) Size() int64 { return tf.size }

// WriteTo writes the tar into w in writes of 256 KiB: the headers, the
// files read straight into the same buffer, and the padding. A file whose
// size changed since the walk stops it with an error: the size announced in
// the header would be wrong.
func (tf *TarFolder) WriteTo(w io.Writer) (int64, error) {
	s := &tarStream{w: w, buf: make([]byte, readBufferSize)}
	for _, e := range tf.entries {
		s.put(e.head)
		switch {
		case e.data != nil:
			s.put(e.data)
		case e.path != "":
			if err := s.file(e); err != nil {
				return s.n, err
			}
		}
		s.zeros(padded(e.size) - e.size)
	}
	s.zeros(2 * tarBlock)
	s.flush()
	return s.n, s.err
}

// tarStream gathers the tar in buf and writes it to w when buf is full.
type tarStream struct {
	w    io.Writer
	buf  []byte
	fill int   // bytes in buf not yet written
	n    int64 // bytes written to w
	err  error // the first write error; nothing is written after it
}

func (s *tarStream) flush() {
	if s.fill == 0 || s.err != nil {
		return
	}
	n, err := s.w.Write(s.buf[:s.fill])
	s.n += int64(n)
	s.fill, s.err = 0, err
}

// put adds p.
func (s *tarStream) put(p []byte) {
	for len(p) > 0 && s.err == nil {
		if s.fill == len(s.buf) {
			s.flush()
		}
		c := copy(s.buf[s.fill:], p)
		s.fill += c
		p = p[c:]
	}
}

// zeros adds n zero bytes.
func (s *tarStream) zeros(n int64) {
	for n > 0 && s.err == nil {
		if s.fill == len(s.buf) {
			s.flush()
		}
		c := int(min(n, int64(len(s.buf)-s.fill)))
		clear(s.buf[s.fill : s.fill+c])
		s.fill += c
		n -= int64(c)
	}
}

// file adds the data of e's file, read into the buffer. Each read asks for
// one byte more than is left, so that a file that grew shows without a
// read of its own.
func (s *tarStream) file(e tarEntry) error {
	f, err := openRead(e.path)
	if err != nil {
		return err
	}
	defer f.Close()
	left := e.size
	for s.err == nil {
		if s.fill == len(s.buf) {
			s.flush()
			continue
		}
		want := len(s.buf) - s.fill
		if left < int64(want) {
			want = int(left) + 1
		}
		n, err := f.Read(s.buf[s.fill : s.fill+want])
		if int64(n) > left {
			return fmt.Errorf("%s changed while the image was built (larger than the %d bytes it had when the folder was read); build again", e.path, e.size)
		}
		s.fill += n
		left -= int64(n)
		switch {
		case left == 0 && n < want:
			return nil // the read went past the end: the file has the size of the walk
		case err == io.EOF:
			return fmt.Errorf("%s changed while the image was built (%d bytes, %d when the folder was read); build again", e.path, e.size-left, e.size)
		case err != nil:
			return err
		case n == 0:
			return io.ErrNoProgress
		}
	}
	return s.err
}

var _ io.WriterTo = (*TarFolder)(nil)
