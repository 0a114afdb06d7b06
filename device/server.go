package device

// An update server: what a manufacturer's or operator's web server offers a
// box. It serves the imageupdate files found in a folder and in its model
// subfolders, and an update_list.txt made from their headers:
//
//	DIR/imageupdate                  → /imageupdate
//	DIR/mag254/imageupdate           → /mag254/imageupdate
//	DIR/mag254/imageupdate.type      "beta" (optional sidecar: release, beta or alpha)
//	generated                        → /update_list.txt         every image found
//	generated                        → /mag254/update_list.txt  the images in mag254/
//
// A file counts as an image when its text header reads. An entry's name is
// the Image Description (first 20 characters); its descr is the model,
// version and description, or, for a file not named imageupdate, the file's
// name, model and version. An entry's type is
// the sidecar's word, else beta or alpha when a dash-separated part of the
// Image Description is "beta" or "alpha" (digits may follow: "-beta2-"), else
// release. An update_list.txt written by hand in a
// folder is served as it is, in place of the generated one. Nothing outside
// the folder is ever served: files are opened through an os.Root, and only
// images and lists are served at all.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TypeSidecarSuffix names the optional file beside an image that holds its
// release type: "imageupdate.type" for "imageupdate".
const TypeSidecarSuffix = ".type"

// UpdateServer serves a folder of images and their update lists.
type UpdateServer struct {
	dir  string
	root *os.Root
	logf func(format string, args ...any)
}

// NewUpdateServer makes the handler of an update server for dir. logf, when
// not nil, receives one line per request.
func NewUpdateServer(dir string, logf func(format string, args ...any)) (*UpdateServer, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot serve %s: %w", dir, err)
	}
	return &UpdateServer{dir: dir, root: root, logf: logf}, nil
}

// Close releases the folder.
func (s *UpdateServer) Close() error { return s.root.Close() }

// ServedImage is an image the server offers.
type ServedImage struct {
	Path   string               // URL path, e.g. "/mag254/imageupdate"
	Folder string               // "" for the top folder, else the model subfolder
	Header *imagefmt.Header     // its text header
	Type   imagefmt.ReleaseType // from the sidecar or the description
	Size   int64
}

// Images lists the images in the folder and its subfolders, oldest first.
func (s *UpdateServer) Images() ([]ServedImage, error) {
	var out []ServedImage
	top, err := fs.ReadDir(s.root.FS(), ".")
	if err != nil {
		return nil, err
	}
	for _, e := range top {
		name := e.Name()
		if hidden(name) {
			continue
		}
		if e.IsDir() {
			sub, err := fs.ReadDir(s.root.FS(), name)
			if err != nil {
				continue
			}
			for _, f := range sub {
				if !f.IsDir() && !hidden(f.Name()) {
					if img, ok := s.image(name, f.Name()); ok {
						out = append(out, img)
					}
				}
			}
			continue
		}
		if img, ok := s.image("", name); ok {
			out = append(out, img)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, ei := imagefmt.ParseHeaderDate(out[i].Header.Date)
		tj, ej := imagefmt.ParseHeaderDate(out[j].Header.Date)
		switch {
		case ei != nil || ej != nil:
			return ei != nil && ej == nil
		case !ti.Time.Equal(tj.Time):
			return ti.Time.Before(tj.Time)
		}
		return out[i].Path < out[j].Path
	})
	return out, nil
}

// image reads the header of folder/name; ok is false when it is no image.
func (s *UpdateServer) image(folder, name string) (ServedImage, bool) {
	if name == UpdateListName || strings.HasSuffix(name, TypeSidecarSuffix) {
		return ServedImage{}, false
	}
	rel := path.Join(folder, name)
	f, err := s.root.Open(rel)
	if err != nil {
		return ServedImage{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return ServedImage{}, false
	}
	hdr, err := imagefmt.ReadHeader(bufio.NewReaderSize(io.LimitReader(f, imagefmt.MaxHeaderSize+1), imagefmt.MaxHeaderSize))
	if err != nil {
		return ServedImage{}, false
	}
	return ServedImage{Path: "/" + rel, Folder: folder, Header: hdr, Type: s.releaseType(rel, hdr), Size: fi.Size()}, true
}

func (s *UpdateServer) releaseType(rel string, hdr *imagefmt.Header) imagefmt.ReleaseType {
	if f, err := s.root.Open(rel + TypeSidecarSuffix); err == nil {
		data, _ := io.ReadAll(io.LimitReader(f, 64))
		f.Close()
		if t, ok := imagefmt.ParseReleaseType(string(data)); ok {
			return t
		}
	}
	return typeFromDescription(hdr.Description)
}

// typeFromDescription finds "alpha" or "beta" as a part of the description
// between dashes, alone or followed by digits ("0.2.20-beta1-254"); an
// operator tag such as "alphatv" is no such part.
func typeFromDescription(desc string) imagefmt.ReleaseType {
	t := imagefmt.TypeRelease
	for _, part := range strings.FieldsFunc(strings.ToLower(desc), func(r rune) bool { return r == '-' || r == '_' }) {
		for _, w := range []imagefmt.ReleaseType{imagefmt.TypeAlpha, imagefmt.TypeBeta} {
			if rest, ok := strings.CutPrefix(part, string(w)); ok && strings.Trim(rest, "0123456789.") == "" {
				if w == imagefmt.TypeAlpha || t == imagefmt.TypeRelease {
					t = w
				}
			}
		}
	}
	return t
}

// List makes the update list of folder ("" for all images) with URLs under base
// ("http://host:port"). Images whose header Date does not read are left out.
func (s *UpdateServer) List(folder, base string) (imagefmt.UpdateList, error) {
	imgs, err := s.Images()
	if err != nil {
		return nil, err
	}
	var l imagefmt.UpdateList
	for _, img := range imgs {
		if folder != "" && img.Folder != folder {
			continue
		}
		date, err := imagefmt.ListDateFromHeader(img.Header.Date)
		if err != nil {
			if s.logf != nil {
				s.logf("%s is left out of the update list: its header Date cannot be read (%v)", img.Path, err)
			}
			continue
		}
		desc := strings.Trim(img.Header.Description, `"`)
		descr := fmt.Sprintf("%s v%d %s", img.Header.Model, img.Header.Version, desc)
		if file := path.Base(img.Path); file != "imageupdate" {
			descr = fmt.Sprintf("%s: %s v%d", file, img.Header.Model, img.Header.Version)
		}
		l = append(l, imagefmt.UpdateEntry{
			Name:  clipRunes(desc, imagefmt.MaxEntryName),
			URL:   base + escapePath(img.Path),
			Type:  img.Type,
			Date:  date,
			Descr: clipRunes(descr, imagefmt.MaxEntryDescr),
		})
	}
	// Names and descriptions come from headers: keep only what a list may hold.
	for i := range l {
		if l[i].Validate(i+1) != nil {
			l[i].Name = clipRunes(printableOnly(l[i].Name), imagefmt.MaxEntryName)
			l[i].Descr = clipRunes(printableOnly(l[i].Descr), imagefmt.MaxEntryDescr)
			if strings.TrimSpace(l[i].Name) == "" {
				l[i].Name = fmt.Sprintf("image %d", i+1)
			}
		}
	}
	imagefmt.SortUpdateList(l)
	return l, nil
}

// ServeHTTP serves the images and the lists; every request is logged on one line.
func (s *UpdateServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	lw := &loggingWriter{ResponseWriter: w, status: http.StatusOK}
	s.serve(lw, r)
	if s.logf != nil {
		s.logf("%s %s %s %d %d bytes %s", r.RemoteAddr, r.Method, clipText(r.URL.Path, 120), lw.status, lw.bytes.Load(),
			time.Since(start).Round(time.Millisecond))
	}
}

func (s *UpdateServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := cleanRequestPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	folder, name := path.Split(rel)
	folder = strings.TrimSuffix(folder, "/")
	if rel == "" || name == UpdateListName {
		s.serveList(w, r, folder)
		return
	}
	if _, ok := s.image(folder, name); ok {
		f, err := s.root.Open(rel)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, name, modTime(f), f)
		return
	}
	http.NotFound(w, r)
}

func (s *UpdateServer) serveList(w http.ResponseWriter, r *http.Request, folder string) {
	if folder != "" {
		if fi, err := s.root.Stat(folder); err != nil || !fi.IsDir() {
			http.NotFound(w, r)
			return
		}
	}
	listPath := path.Join(folder, UpdateListName)
	if f, err := s.root.Open(listPath); err == nil {
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			http.ServeContent(w, r, UpdateListName, fi.ModTime(), f)
			return
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	list, err := s.List(folder, scheme+"://"+r.Host)
	if err != nil {
		http.Error(w, "cannot read the folder", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if err := imagefmt.WriteUpdateList(w, list); err != nil && s.logf != nil {
		s.logf("update list of %q: %v", folder, err)
	}
}

// cleanRequestPath accepts "", "name" and "folder/name" made of plain names.
func cleanRequestPath(p string) (string, bool) {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "", true
	}
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		return "", false
	}
	for i, part := range parts {
		if part == "" && i == len(parts)-1 && len(parts) == 2 {
			continue // "mag254/" means the folder's list
		}
		if part == "" || hidden(part) || strings.ContainsAny(part, "\\\x00") || !utf8.ValidString(part) {
			return "", false
		}
	}
	if len(parts) == 2 && parts[1] == "" {
		return parts[0] + "/" + UpdateListName, true
	}
	return p, true
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }

func modTime(f *os.File) time.Time {
	if fi, err := f.Stat(); err == nil {
		return fi.ModTime()
	}
	return time.Time{}
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = urlPathEscape(part)
	}
	return strings.Join(parts, "/")
}

func urlPathEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

func printableOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
}

// loggingWriter counts what is sent; it keeps the sendfile path of
// http.ServeContent by passing ReadFrom through.
type loggingWriter struct {
	http.ResponseWriter
	status int
	bytes  atomic.Int64
}

func (w *loggingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.bytes.Add(int64(n))
	return n, err
}

func (w *loggingWriter) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(r)
		w.bytes.Add(n)
		return n, err
	}
	n, err := io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
	w.bytes.Add(n)
	return n, err
}

func (w *loggingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// RunningServer is an update server listening on a loopback port.
type RunningServer struct {
	// URL is the server's base address, "http://127.0.0.1:PORT"; the list is URL + "/update_list.txt".
	URL     string
	srv     *http.Server
	handler *UpdateServer
	done    chan error
	once    sync.Once
	err     error
}

// StartUpdateServer serves dir on a free loopback port until Close; the
// screens use it for the demo update server.
func StartUpdateServer(dir string, logf func(format string, args ...any)) (*RunningServer, error) {
	return startUpdateServer(dir, "127.0.0.1:0", logf)
}

func startUpdateServer(dir, addr string, logf func(format string, args ...any)) (*RunningServer, error) {
	h, err := NewUpdateServer(dir, logf)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10,
		IdleTimeout: time.Minute, ErrorLog: nil}
	rs := &RunningServer{URL: "http://" + ln.Addr().String(), srv: srv, handler: h, done: make(chan error, 1)}
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		rs.done <- err
	}()
	return rs, nil
}

// Shutdown stops accepting requests and waits, until ctx ends, for the
// running ones to finish; then it closes what is left.
func (s *RunningServer) Shutdown(ctx context.Context) error {
	s.once.Do(func() {
		err := s.srv.Shutdown(ctx)
		if err != nil {
			s.srv.Close()
		}
		if serr := <-s.done; err == nil {
			err = serr
		}
		s.handler.Close()
		s.err = err
	})
	return s.err
}

// Close stops the server at once.
func (s *RunningServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// ServeUpdates serves dir on addr until ctx is done, then shuts down
// cleanly; ready, when not nil, is called with the base URL once listening.
func ServeUpdates(ctx context.Context, dir, addr string, logf func(format string, args ...any), ready func(url string)) error {
	rs, err := startUpdateServer(dir, addr, logf)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(rs.URL)
	}
	select {
	case <-ctx.Done():
	case err := <-rs.done:
		rs.done <- err // Shutdown reads it
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return rs.Shutdown(sctx)
}

// DemoServerVariants is the folder of a demo server that holds one file per
// demo image, named after it.
const DemoServerVariants = "variants"

// WriteDemoServer fills dir with the demo update server of model m: the
// model's folder (mag254/imageupdate) holds the next Factory image, which a
// new box's Autoupdate installs; variants/ holds every demo image of the
// model under its name (public, tampered, operator-one, …), for a manual
// update by URL. /mag254/update_list.txt lists the first, /variants/update_list.txt
// the others.
func WriteDemoServer(dir string, m Model) error {
	keys, err := LoadDemoKeys()
	if err != nil {
		return err
	}
	write := func(folder, file, name string) error {
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := BuildDemoImage(&buf, keys, m, name); err != nil {
			return err
		}
		return writeAtomic(folder, file, buf.Bytes())
	}
	if err := write(filepath.Join(dir, m.USBFolder()), "imageupdate", "factory-next"); err != nil {
		return err
	}
	for _, d := range DemoImages(m) {
		if err := write(filepath.Join(dir, DemoServerVariants), d.Name, d.Name); err != nil {
			return err
		}
	}
	return nil
}
