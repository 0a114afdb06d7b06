package imagefmt

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize bounds the text header; a longer one is refused as invalid.
const MaxHeaderSize = 64 << 10

// BlockSize is the size of a signature block (FORMAT.md §3).
const BlockSize = 263

// maxSectionSize bounds any declared section size (1 TiB), whatever the file length.
const maxSectionSize = 1 << 40

// StartLine ends the text header.
const StartLine = "Start data..."

// SectionKind names a data section of an imageupdate file.
type SectionKind int

// Section kinds, in the order they appear in a file.
const (
	Kernel SectionKind = iota
	RootFS
	Env
	Bootstrap
	Userfs
	SecondBoot
	Logotype
)

// sectionField is the header field (with its real spacing) that declares each section.
var sectionField = [...]string{
	Kernel:     "Kernel size",
	RootFS:     "Image  size",
	Env:        "Env size",
	Bootstrap:  "Bootstrap size",
	Userfs:     "Userfs size",
	SecondBoot: "SecondBoot size",
	Logotype:   "Logotype  size",
}

var sectionName = [...]string{"Kernel", "RootFS", "Env", "Bootstrap", "Userfs", "SecondBoot", "Logotype"}

// versionField names the optional version line that precedes a section's size line.
var versionField = map[SectionKind]string{Bootstrap: "Bootstrap Version", Userfs: "Userfs Version"}

// String is the section's name: "Kernel", "RootFS", …
func (k SectionKind) String() string {
	if k >= 0 && int(k) < len(sectionName) {
		return sectionName[k]
	}
	return fmt.Sprintf("Section(%d)", int(k))
}

// SelfSigned reports whether the section's last 263 bytes are its own block
// (Kernel and RootFS); other sections are followed by a separate block.
func (k SectionKind) SelfSigned() bool { return k == Kernel || k == RootFS }

// ParseSectionKind returns the kind named by s (case-insensitive; "image" means RootFS).
func ParseSectionKind(s string) (SectionKind, bool) {
	for i, n := range sectionName {
		if strings.EqualFold(n, s) {
			return SectionKind(i), true
		}
	}
	if strings.EqualFold(s, "image") {
		return RootFS, true
	}
	return 0, false
}

// Section is one section declared by the header.
type Section struct {
	Kind    SectionKind
	Size    int64  // the declared size: for Kernel/RootFS it includes the block
	Offset  int64  // where the data starts, counted from the first byte after the header
	Version string // Bootstrap/Userfs version line, if any
}

// DataSize is the number of payload bytes the section's signature covers.
func (s Section) DataSize() int64 {
	if s.Kind.SelfSigned() {
		return s.Size - BlockSize
	}
	return s.Size
}

// Span is the number of file bytes the section occupies, block included.
func (s Section) Span() int64 {
	if s.Kind.SelfSigned() {
		return s.Size
	}
	return s.Size + BlockSize
}

// Field is one header line, kept as it stands.
type Field struct {
	Name, Value string
}

// Header is the text header of an imageupdate file (FORMAT.md §1).
type Header struct {
	Model        string // STB Model
	Date         string // Date, as text
	Version      int    // Image Version
	Description  string // Image Description, quotes included
	VerUpdateAPI string // VerUpdateAPI, empty when absent
	Sections     []Section
	Fields       []Field // every line before "Start data...", in order, unknown ones included
	raw          []byte
}

// Raw returns the header bytes exactly as read or written, "Start data...\n" included.
func (h *Header) Raw() []byte { return h.raw }

// Size is the header's length in bytes.
func (h *Header) Size() int64 { return int64(len(h.raw)) }

// DataSize is the number of bytes that follow the header: sections and the global block.
func (h *Header) DataSize() int64 {
	n := int64(BlockSize)
	for _, s := range h.Sections {
		n += s.Span()
	}
	return n
}

// Section returns the declared section of kind k.
func (h *Header) Section(k SectionKind) (Section, bool) {
	for _, s := range h.Sections {
		if s.Kind == k {
			return s, true
		}
	}
	return Section{}, false
}

// Unknown returns the header lines this package does not interpret.
func (h *Header) Unknown() []Field {
	var out []Field
	for _, f := range h.Fields {
		if !knownField(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

func knownField(name string) bool {
	switch name {
	case "STB Model", "Date", "Image Version", "Image Description", "VerUpdateAPI":
		return true
	}
	for _, v := range versionField {
		if name == v {
			return true
		}
	}
	_, ok := fieldSection(name)
	return ok
}

// fieldSection recognises a size line, tolerating one or two spaces before "size".
func fieldSection(name string) (SectionKind, bool) {
	norm := strings.Join(strings.Fields(name), " ")
	for k, f := range sectionField {
		if norm == strings.Join(strings.Fields(f), " ") {
			return SectionKind(k), true
		}
	}
	return 0, false
}

// ReadHeader reads and validates the header from r, consuming exactly its bytes.
func ReadHeader(r *bufio.Reader) (*Header, error) {
	var raw bytes.Buffer
	lineStart := 0
	for {
		chunk, err := r.ReadSlice('\n')
		if raw.Len()+len(chunk) > MaxHeaderSize {
			return nil, wrap(ErrInvalidHeader, "no %q within the first %d KiB", StartLine, MaxHeaderSize>>10)
		}
		raw.Write(chunk)
		if err == bufio.ErrBufferFull {
			continue // a line longer than r's buffer: keep reading it
		}
		if err != nil {
			if err == io.EOF {
				if raw.Len() == 0 {
					return nil, wrap(ErrInvalidHeader, "the file is empty")
				}
				return nil, wrap(ErrInvalidHeader, "the header ends without %q", StartLine)
			}
			return nil, wrapCause(ErrReadError, err)
		}
		line := raw.Bytes()[lineStart:]
		lineStart = raw.Len()
		if strings.TrimRight(string(line), "\r\n") == StartLine {
			break
		}
	}
	return ParseHeader(raw.Bytes())
}

// ParseHeader parses a complete header, "Start data...\n" included.
func ParseHeader(raw []byte) (*Header, error) {
	if len(raw) > MaxHeaderSize {
		return nil, wrap(ErrInvalidHeader, "header longer than %d KiB", MaxHeaderSize>>10)
	}
	text := string(raw)
	if text != StartLine+"\n" && !strings.HasSuffix(text, "\n"+StartLine+"\n") {
		return nil, wrap(ErrInvalidHeader, "the header does not end with a %q line", StartLine)
	}
	h := &Header{raw: append([]byte(nil), raw...), Version: -1}
	lines := strings.Split(strings.TrimSuffix(text, StartLine+"\n"), "\n")
	lines = lines[:len(lines)-1] // the text before StartLine is empty or ends with "\n"
	seen := map[string]bool{}
	pendingVersion := map[SectionKind]string{}
	var offset int64
	for i, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, wrap(ErrInvalidHeader, "line %d %q is not Name:value", i+1, clip(line))
		}
		if !isText(name) || !isText(value) {
			return nil, wrap(ErrInvalidHeader, "line %d holds bytes that are not text", i+1)
		}
		// A box stores the header's text fields (Image_Desc, Image_Date) and
		// compares them byte for byte at power-on: text that is not UTF-8
		// cannot be stored as it stands, so the header is refused here.
		if !utf8.ValidString(line) {
			if name == "Image Description" {
				return nil, wrap(ErrInvalidHeader, "the Image Description is not UTF-8 text; write it in UTF-8 (plain ASCII is safest)")
			}
			return nil, wrap(ErrInvalidHeader, "line %d (%s) is not UTF-8 text; write the header in UTF-8 (plain ASCII is safest)", i+1, strconv.QuoteToASCII(clip(name)))
		}
		h.Fields = append(h.Fields, Field{Name: name, Value: value})
		if seen[name] && knownField(name) {
			return nil, wrap(ErrInvalidHeader, "line %d repeats %q", i+1, name)
		}
		seen[name] = true
		switch name {
		case "STB Model":
			h.Model = value
		case "Date":
			h.Date = value
		case "Image Version":
			v, err := digits(value)
			if err != nil {
				return nil, wrap(ErrInvalidHeader, "Image Version %q: %v", clip(value), err)
			}
			h.Version = int(v)
		case "Image Description":
			h.Description = value
		case "VerUpdateAPI":
			if _, err := digits(value); err != nil {
				return nil, wrap(ErrInvalidHeader, "VerUpdateAPI %q: %v", clip(value), err)
			}
			h.VerUpdateAPI = value
		case "Bootstrap Version":
			pendingVersion[Bootstrap] = value
		case "Userfs Version":
			pendingVersion[Userfs] = value
		default:
			kind, ok := fieldSection(name)
			if !ok {
				continue // unknown line: kept in Fields, shown, not failed
			}
			s, err := parseSection(kind, value, offset)
			if err != nil {
				return nil, err
			}
			if n := len(h.Sections); n > 0 && h.Sections[n-1].Kind >= kind {
				return nil, wrap(ErrInvalidHeader, "%q is out of order", name)
			}
			s.Version = pendingVersion[kind]
			h.Sections = append(h.Sections, s)
			offset = s.Offset + s.Span()
		}
	}
	for _, f := range []string{"STB Model", "Date", "Image Version", "Image Description"} {
		if !seen[f] {
			return nil, wrap(ErrInvalidHeader, "the %q line is missing", f)
		}
	}
	if h.Model == "" {
		return nil, wrap(ErrInvalidHeader, "STB Model is empty")
	}
	return h, nil
}

func parseSection(kind SectionKind, value string, expected int64) (Section, error) {
	parts := strings.Fields(value)
	s := Section{Kind: kind, Offset: expected}
	name := strings.TrimSpace(sectionField[kind])
	if len(parts) == 0 || len(parts) > 2 {
		return s, wrap(ErrInvalidHeader, "%s %q: want a size and an optional offset", name, clip(value))
	}
	size, err := digits(parts[0])
	if err != nil {
		return s, wrap(ErrInvalidHeader, "%s %q: %v", name, clip(parts[0]), err)
	}
	if size > maxSectionSize {
		return s, wrap(ErrInvalidHeader, "%s %d is larger than any flash", name, size)
	}
	if kind.SelfSigned() && size < BlockSize {
		return s, wrap(ErrInvalidHeader, "%s %d is smaller than its own %d-byte signature block", name, size, BlockSize)
	}
	s.Size = size
	if len(parts) == 2 {
		off, err := digits(parts[1])
		if err != nil {
			return s, wrap(ErrInvalidHeader, "%s offset %q: %v", name, clip(parts[1]), err)
		}
		if off != expected {
			return s, wrap(ErrInvalidHeader, "%s offset %d, but the section starts at %d", name, off, expected)
		}
	}
	return s, nil
}

func digits(s string) (int64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty, want digits")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("want digits only")
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("number too large")
	}
	return v, nil
}

func isText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// HeaderSpec describes a header to write; sections are given in file order.
type HeaderSpec struct {
	Model, Date, Description string
	Version                  int
	VerUpdateAPI             string // "2" when empty
	Sections                 []Section
	Extra                    []Field // unknown lines, written before the size lines
}

// NewHeader lays out a header from spec: it fills in offsets and renders the text.
func NewHeader(spec HeaderSpec) (*Header, error) {
	var b strings.Builder
	api := spec.VerUpdateAPI
	if api == "" {
		api = "2"
	}
	for _, f := range [][2]string{{"STB Model", spec.Model}, {"Date", spec.Date},
		{"Image Version", strconv.Itoa(spec.Version)}, {"Image Description", spec.Description}, {"VerUpdateAPI", api}} {
		fmt.Fprintf(&b, "%s:%s\n", f[0], f[1])
	}
	for _, f := range spec.Extra {
		fmt.Fprintf(&b, "%s:%s\n", f.Name, f.Value)
	}
	var offset int64
	for _, s := range spec.Sections {
		if v, ok := versionField[s.Kind]; ok && s.Version != "" {
			fmt.Fprintf(&b, "%s:%s\n", v, s.Version)
		}
		if s.Kind.SelfSigned() {
			fmt.Fprintf(&b, "%s:%d\n", sectionField[s.Kind], s.Size)
		} else {
			fmt.Fprintf(&b, "%s:%d %d\n", sectionField[s.Kind], s.Size, offset)
		}
		offset += s.Span()
	}
	b.WriteString(StartLine + "\n")
	return ParseHeader([]byte(b.String()))
}
