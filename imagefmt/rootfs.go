package imagefmt

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"
)

// CustomKeyPath is where a Custom image's RootFS carries the custom public key.
const CustomKeyPath = "etc/custom_key.pub"

// maxCustomKey bounds the custom key entry read from a RootFS.
const maxCustomKey = 64 << 10

// openTar returns a tar reader over r, unwrapping gzip; ok is false when r is neither.
func openTar(r io.Reader) (*tar.Reader, bool) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, false
		}
		return tar.NewReader(zr), true
	}
	if len(head) < 512 || string(head[257:262]) != "ustar" {
		return nil, false
	}
	return tar.NewReader(br), true
}

// FindCustomKey scans RootFS data (a tar, optionally gzip-compressed) for the
// custom key. It returns nil, nil when the RootFS has none or is not a tar.
func FindCustomKey(r io.Reader) ([]byte, error) {
	tr, ok := openTar(r)
	if !ok {
		return nil, nil
	}
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, nil // end of archive or not a (valid) tar: no custom key
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) == CustomKeyPath && h.Typeflag == tar.TypeReg {
			data, err := io.ReadAll(io.LimitReader(tr, maxCustomKey+1))
			if err != nil {
				return nil, nil
			}
			if len(data) > maxCustomKey {
				return nil, fmt.Errorf("%s in the RootFS is larger than %d KiB", CustomKeyPath, maxCustomKey>>10)
			}
			return data, nil
		}
	}
}

// KeyScanner is an io.Writer that RootFS data can be teed into while it
// streams; Close returns the custom key found in it, if any.
type KeyScanner struct {
	pw   *io.PipeWriter
	done chan struct{}
	key  []byte
	err  error
}

// NewKeyScanner starts a scanner.
func NewKeyScanner() *KeyScanner {
	pr, pw := io.Pipe()
	s := &KeyScanner{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.key, s.err = FindCustomKey(pr)
		io.Copy(io.Discard, pr) // keep the writer flowing once the key is found
		pr.Close()
	}()
	return s
}

// Write feeds RootFS bytes to the scanner.
func (s *KeyScanner) Write(p []byte) (int, error) { return s.pw.Write(p) }

// Close ends the stream and returns the custom key (nil when there is none).
func (s *KeyScanner) Close() ([]byte, error) {
	s.pw.Close()
	<-s.done
	return s.key, s.err
}

// WriteRootFS writes a RootFS tar from src (a folder, a .tar or a .tar.gz),
// adding customKey at CustomKeyPath when it is given. A .tar.gz source stays
// gzip-compressed. Entries get the fixed time mtime so that builds repeat exactly.
func WriteRootFS(w io.Writer, src string, customKey []byte, mtime time.Time) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("rootfs %s: %w", src, errors.Unwrap(err))
	}
	if info.IsDir() {
		tf, err := NewTarFolder(src, customKey, mtime)
		if err != nil {
			return err
		}
		_, err = tf.WriteTo(w)
		return err
	}
	if customKey == nil {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(2)
	var in io.Reader = br
	out := w
	var zw *gzip.Writer
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("rootfs %s: %v", src, err)
		}
		in = zr
		zw = gzip.NewWriter(w)
		out = zw
	}
	tr := tar.NewReader(in)
	tw := tar.NewWriter(out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("rootfs %s is not a tar archive: %v", src, err)
		}
		if path.Clean(strings.TrimPrefix(h.Name, "./")) == CustomKeyPath {
			if _, err := io.Copy(io.Discard, tr); err != nil {
				return err
			}
			continue // replaced below
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
	if err := finish(tw, customKey, mtime); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}

func finish(tw *tar.Writer, customKey []byte, mtime time.Time) error {
	if customKey != nil {
		h := &tar.Header{Name: CustomKeyPath, Mode: 0o644, Size: int64(len(customKey)), ModTime: mtime,
			Typeflag: tar.TypeReg, Uname: "root", Gname: "root"}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := io.Copy(tw, bytes.NewReader(customKey)); err != nil {
			return err
		}
	}
	return tw.Close()
}
