package imagefmt

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// TarFolder is a folder to be written as a RootFS tar without a temporary
// file: NewTarFolder walks it once with stat, which gives the tar's exact
// size before a byte is written (what the image header declares); WriteTo
// then streams the tar. The bytes are those of WriteRootFS on the folder.
type TarFolder struct {
	root    string
	entries []tarEntry
	size    int64
}

// tarEntry is one entry of the tar: its header, and the file that holds its
// data (empty for a folder or for data held in the entry).
type tarEntry struct {
	hdr  *tar.Header
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
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		name := filepath.ToSlash(rel)
		if customKey != nil && name == CustomKeyPath {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			return nil // devices, sockets and links are not part of a simulated RootFS
		}
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname = name, mtime, 0, 0, "root", "root"
		e := tarEntry{hdr: h}
		if info.IsDir() {
			h.Name += "/"
		} else {
			e.path = p
		}
		return tf.add(e)
	})
	if err != nil {
		return nil, err
	}
	if customKey != nil {
		h := &tar.Header{Name: CustomKeyPath, Mode: 0o644, Size: int64(len(customKey)), ModTime: mtime,
			Typeflag: tar.TypeReg, Uname: "root", Gname: "root"}
		if err := tf.add(tarEntry{hdr: h, data: customKey}); err != nil {
			return nil, err
		}
	}
	tf.size += 2 * tarBlock // the end-of-archive marker
	return tf, nil
}

// add appends e and counts its bytes: its header blocks as archive/tar
// encodes them (a long name takes a PAX record), then its padded data.
func (tf *TarFolder) add(e tarEntry) error {
	var cw countWriter
	if err := tar.NewWriter(&cw).WriteHeader(e.hdr); err != nil {
		return fmt.Errorf("%s: %w", e.hdr.Name, err)
	}
	tf.size += cw.n + (e.hdr.Size+tarBlock-1)/tarBlock*tarBlock
	tf.entries = append(tf.entries, e)
	return nil
}

// Size is the exact length of the tar WriteTo writes.
func (tf *TarFolder) Size() int64 { return tf.size }

// WriteTo writes the tar into w. A file whose size changed since the walk
// stops it with an error: the size announced in the header would be wrong.
func (tf *TarFolder) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	tw := tar.NewWriter(cw)
	buf := make([]byte, readBufferSize)
	for _, e := range tf.entries {
		if err := tw.WriteHeader(e.hdr); err != nil {
			return cw.n, err
		}
		if err := tf.copyData(tw, e, buf); err != nil {
			return cw.n, err
		}
	}
	err := tw.Close()
	return cw.n, err
}

func (tf *TarFolder) copyData(tw *tar.Writer, e tarEntry, buf []byte) error {
	if e.data != nil {
		_, err := tw.Write(e.data)
		return err
	}
	if e.path == "" {
		return nil
	}
	f, err := os.Open(e.path)
	if err != nil {
		return err
	}
	defer f.Close()
	// The plain Writer and Reader make CopyBuffer use buf: large reads, one copy.
	n, err := io.CopyBuffer(struct{ io.Writer }{tw}, struct{ io.Reader }{io.LimitReader(f, e.hdr.Size)}, buf)
	if err != nil {
		return err
	}
	if n != e.hdr.Size {
		return fmt.Errorf("%s changed while the image was built (%d bytes, %d when the folder was read); build again", e.path, n, e.hdr.Size)
	}
	if more, _ := f.Read(buf[:1]); more > 0 {
		return fmt.Errorf("%s changed while the image was built (larger than the %d bytes it had when the folder was read); build again", e.path, e.hdr.Size)
	}
	return nil
}

// countWriter counts the bytes written through it; with no w it only counts.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.w == nil {
		c.n += int64(len(p))
		return len(p), nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var _ io.WriterTo = (*TarFolder)(nil)
