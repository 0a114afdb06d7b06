package demoimage

import (
	"archive/tar"
	"io"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// rootFS is a RootFS tar of about size bytes: a few small files and a
// filler file, with the custom key at etc/custom_key.pub when given. It is
// produced as a stream, so that large demo images are never held whole.
func rootFS(model, desc string, custom *imagefmt.Key, mtime time.Time, size int64) (io.Reader, int64, error) {
	type file struct {
		name string
		data []byte
	}
	files := []file{
		{"etc/hostname", []byte(strings.ToLower(model) + "\n")},
		{"etc/version", []byte(desc + "\n")},
		{"home/web/index.html", []byte("<!DOCTYPE html>\n<html><head><title>Embedded portal</title></head><body><h1>" + model + "</h1></body></html>\n")},
	}
	if custom != nil {
		pub, err := custom.ArmoredPublic()
		if err != nil {
			return nil, 0, err
		}
		files = append(files, file{imagefmt.CustomKeyPath, pub})
	}
	var fixed int64
	for _, f := range files {
		fixed += 512 + pad512(int64(len(f.data)))
	}
	fill := size - fixed - 512 - 1024
	if fill < 0 {
		fill = 0
	}
	total := fixed + 512 + pad512(fill) + 1024
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		hdr := func(name string, n int64) *tar.Header {
			return &tar.Header{Name: name, Mode: 0o644, Size: n, ModTime: mtime, Typeflag: tar.TypeReg, Uname: "root", Gname: "root", Format: tar.FormatUSTAR}
		}
		for _, f := range files {
			if err := tw.WriteHeader(hdr(f.name, int64(len(f.data)))); err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := tw.Write(f.data); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		if err := tw.WriteHeader(hdr("usr/share/fonts/demo.bin", fill)); err != nil {
			pw.CloseWithError(err)
			return
		}
		if _, err := io.Copy(tw, filler(fill, uint64(size))); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(tw.Close())
	}()
	return pr, total, nil
}

func pad512(n int64) int64 { return (n + 511) &^ 511 }
