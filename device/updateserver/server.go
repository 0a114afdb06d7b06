// Package updateserver is an update server: what a manufacturer's or operator's web server offers a
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
//
// A box asks under the manufacturer's paths (/mag/254/update_list.txt,
// /mag/254/imageupdate; see URLs): they answer as /mag254/…
// does, and a list asked for there names its images there too. The URLs of
// a list start with the BaseURL option, else the address the client reached
// the server at, never the Host header the client sent.
package updateserver

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TypeSidecarSuffix names the optional file beside an image that holds its
// release type: "imageupdate.type" for "imageupdate".
const TypeSidecarSuffix = ".type"

// Server serves a folder of images and their update lists; it is the
// handler Start listens with, and can be mounted on any http.Server.
type Server struct {
	dir  string
	root *os.Root
	logf func(format string, args ...any)
	base string // BaseURL, without a trailing slash; "" for the address reached
	idle time.Duration
	rate int64 // bytes per second
}

// New makes the handler of an update server for dir; Close releases it.
func New(dir string, opts Options) (*Server, error) {
	base := strings.TrimSuffix(strings.TrimSpace(opts.BaseURL), "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("the base URL %q is not of the form http://host[:port][/path]", clipText(base, 80))
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot serve %s: %w", dir, err)
	}
	return &Server{dir: dir, root: root, logf: opts.Logf, base: base, idle: opts.idle(), rate: opts.minRate()}, nil
}

// Close releases the folder.
func (s *Server) Close() error { return s.root.Close() }

// Image is an image the server offers.
type Image struct {
	Path   string               // URL path, e.g. "/mag254/imageupdate"
	Folder string               // "" for the top folder, else the model subfolder
	Header *imagefmt.Header     // its text header
	Type   imagefmt.ReleaseType // from the sidecar or the description
	Size   int64
}

// Images lists the images in the folder and its subfolders, oldest first.
func (s *Server) Images() ([]Image, error) {
	var out []Image
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
func (s *Server) image(folder, name string) (Image, bool) {
	if name == device.UpdateListName || strings.HasSuffix(name, TypeSidecarSuffix) {
		return Image{}, false
	}
	rel := path.Join(folder, name)
	f, err := s.root.Open(rel)
	if err != nil {
		return Image{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return Image{}, false
	}
	hdr, err := imagefmt.ReadHeader(bufio.NewReaderSize(io.LimitReader(f, imagefmt.MaxHeaderSize+1), imagefmt.MaxHeaderSize))
	if err != nil {
		return Image{}, false
	}
	return Image{Path: "/" + rel, Folder: folder, Header: hdr, Type: s.releaseType(rel, hdr), Size: fi.Size()}, true
}

func (s *Server) releaseType(rel string, hdr *imagefmt.Header) imagefmt.ReleaseType {
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
func (s *Server) List(folder, base string) (imagefmt.UpdateList, error) {
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
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	lw := &loggingWriter{ResponseWriter: w, status: http.StatusOK}
	s.serve(lw, r)
	if s.logf != nil {
		s.logf("%s %s %s %d %d bytes %s%s", r.RemoteAddr, r.Method, safetext.Escape(clipText(r.URL.Path, 120)), lw.status, lw.bytes.Load(),
			time.Since(start).Round(time.Millisecond), boxHeaders(r.Header))
	}
}

// BoxHeaders are the request headers a box's portal sends with its update
// requests; the server logs them.
var BoxHeaders = [...]string{"X-CurrentVersion", "X-SerialNumber", "X-MacAddress", "X-ModelNameEx"}

// boxHeaders is the log's part for the box's headers present in h: " X-SerialNumber=…".
func boxHeaders(h http.Header) string {
	var b strings.Builder
	for _, name := range BoxHeaders {
		if v := h.Values(name); len(v) > 0 {
			fmt.Fprintf(&b, " %s=%s", name, safetext.Escape(clipText(strings.Join(v, ","), 80)))
		}
	}
	return b.String()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	rel, manufacturer, ok := cleanRequestPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	folder, name := path.Split(rel)
	folder = strings.TrimSuffix(folder, "/")
	if rel == "" || name == device.UpdateListName {
		s.serveList(w, r, folder, manufacturer)
		return
	}
	if img, ok := s.image(folder, name); ok {
		f, err := s.root.Open(rel)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		// A client must keep taking the image: idle for the idle timeout, or
		// slower on the whole than the minimum rate, and it is dropped.
		pw := &pacedWriter{ResponseWriter: w, rc: http.NewResponseController(w), idle: s.idle,
			chunk:    min(max(int64(float64(s.rate)*s.idle.Seconds()/4), 32<<10), maxChunk),
			deadline: time.Now().Add(s.idle + time.Duration(float64(img.Size)/float64(s.rate)*float64(time.Second)))}
		http.ServeContent(pw, r, name, modTime(f), f)
		return
	}
	http.NotFound(w, r)
}

// pacedWriter moves the connection's write deadline on as the client takes
// bytes, up to an overall deadline. It moves it at least every chunk bytes:
// a client that keeps to the minimum rate takes a chunk within a quarter of
// the idle timeout.
type pacedWriter struct {
	http.ResponseWriter
	rc       *http.ResponseController
	idle     time.Duration
	chunk    int64
	deadline time.Time
}

// next moves the write deadline on by the idle timeout, at most to the
// overall deadline.
func (w *pacedWriter) next() {
	d := time.Now().Add(w.idle)
	if d.After(w.deadline) {
		d = w.deadline
	}
	_ = w.rc.SetWriteDeadline(d) // a writer without deadlines keeps the server's WriteTimeout
}

func (w *pacedWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		w.next()
		part := p[:min(len(p), int(w.chunk))]
		m, err := w.ResponseWriter.Write(part)
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// maxChunk bounds the pieces an image is written in (256 KiB): few system
// calls, and a piece small enough to stay in the processor's cache between
// the file and the socket. Sending the file by sendfile instead, or in
// larger pieces, measured slower on the whole: the receiving side then does
// more work per byte.
const maxChunk = 256 << 10

// ReadFrom copies r, the image http.ServeContent hands over, a chunk at a
// time (io.Copy's own 32 KiB pieces would cost more calls).
func (w *pacedWriter) ReadFrom(r io.Reader) (int64, error) {
	buf := make([]byte, w.chunk)
	// Wrapped, neither side offers io.Copy a shortcut that leads back here.
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, buf)
}

func (w *pacedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, folder string, manufacturer bool) {
	if folder != "" {
		if fi, err := s.root.Stat(folder); err != nil || !fi.IsDir() {
			http.NotFound(w, r)
			return
		}
	}
	listPath := path.Join(folder, device.UpdateListName)
	if f, err := s.root.Open(listPath); err == nil {
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			http.ServeContent(w, r, device.UpdateListName, fi.ModTime(), f)
			return
		}
	}
	list, err := s.List(folder, s.baseFor(r))
	if err != nil {
		http.Error(w, "cannot read the folder", http.StatusInternalServerError)
		return
	}
	if manufacturer {
		// asked under the manufacturer's path: the entries say that path too
		for i := range list {
			list[i].URL = manufacturerURL(list[i].URL)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if err := imagefmt.WriteUpdateList(w, list); err != nil && s.logf != nil {
		s.logf("update list of %q: %v", folder, err)
	}
}

// baseFor is what the URLs of a list start with: the BaseURL option, else
// the address the client reached this server at, never the Host header the
// client sent.
func (s *Server) baseFor(r *http.Request) string {
	if s.base != "" {
		return s.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return scheme + "://" + a.String()
	}
	return scheme + "://localhost"
}

// manufacturerURL turns an entry's URL ".../mag254/imageupdate" into the
// manufacturer's form ".../mag/254/imageupdate", which this server answers too.
func manufacturerURL(u string) string {
	i := strings.LastIndex(u, "/")
	j := strings.LastIndex(u[:max(i, 0)], "/")
	if i < 0 || j < 0 {
		return u
	}
	folder := u[j+1 : i]
	for _, m := range device.Catalogue() {
		if m.USBFolder() == folder {
			return u[:j] + strings.TrimSuffix(manufacturerPath(m), "/") + u[i:]
		}
	}
	return u
}

// cleanRequestPath accepts "", "name" and "folder/name" made of plain names,
// and the manufacturer's form "mag/254/name" for "mag254/name"
// (manufacturer is then true).
func cleanRequestPath(p string) (rel string, manufacturer, ok bool) {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "", false, true
	}
	if alias, ok := serverFolderFor(p); ok {
		rel, _, ok := cleanRequestPath(alias)
		return rel, true, ok
	}
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		return "", false, false
	}
	for i, part := range parts {
		if part == "" && i == len(parts)-1 && len(parts) == 2 {
			continue // "mag254/" means the folder's list
		}
		if part == "" || hidden(part) || strings.ContainsAny(part, "\\\x00") || !utf8.ValidString(part) {
			return "", false, false
		}
	}
	if len(parts) == 2 && parts[1] == "" {
		return parts[0] + "/" + device.UpdateListName, false, true
	}
	return p, false, true
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
