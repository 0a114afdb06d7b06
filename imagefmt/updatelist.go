package imagefmt

// update_list.txt is the file the Autoupdate module reads (seed
// autoupdate-module.txt): a JSON array of the available images, oldest first,
// so that the newest is the last entry.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxUpdateListSize bounds an update_list.txt; a longer one is refused.
const MaxUpdateListSize = 1 << 20

// Limits of the text fields of an entry, in characters (seed).
const (
	MaxEntryName  = 20
	MaxEntryDescr = 40
)

// ReleaseType is the type of an entry: release, beta or alpha.
type ReleaseType string

// Release types.
const (
	TypeRelease ReleaseType = "release"
	TypeBeta    ReleaseType = "beta"
	TypeAlpha   ReleaseType = "alpha"
)

// ParseReleaseType reads a type, case-insensitively.
func ParseReleaseType(s string) (ReleaseType, bool) {
	switch t := ReleaseType(strings.ToLower(strings.TrimSpace(s))); t {
	case TypeRelease, TypeBeta, TypeAlpha:
		return t, true
	}
	return "", false
}

// UpdateEntry is one entry of update_list.txt.
type UpdateEntry struct {
	Name  string      `json:"name"`  // version name, at most 20 characters
	URL   string      `json:"url"`   // where the imageupdate is
	Type  ReleaseType `json:"type"`  // release, beta or alpha
	Date  string      `json:"date"`  // "dd Mon yyyy hh:mm:ss GMT+nnnn", from the image's header Date
	Descr string      `json:"descr"` // brief description, at most 40 characters
}

// Time is the entry's date as a time.
func (e UpdateEntry) Time() (time.Time, error) { return ParseListDate(e.Date) }

// UpdateList is the content of update_list.txt, oldest entry first.
type UpdateList []UpdateEntry

// Last is the newest entry, the one Autoupdate looks at.
func (l UpdateList) Last() (UpdateEntry, bool) {
	if len(l) == 0 {
		return UpdateEntry{}, false
	}
	return l[len(l)-1], true
}

// ListError is a fault in update_list.txt, naming the entry and the field.
type ListError struct {
	Index int    // entry number, from 1; 0 when the fault is in the list as a whole
	Name  string // the entry's name, when it has one
	Field string // "name", "url", "type", "date", "descr"; "" for the entry or the list
	Err   error
}

func (e *ListError) Error() string {
	var b strings.Builder
	b.WriteString("update_list.txt")
	if e.Index > 0 {
		fmt.Fprintf(&b, ": entry %d", e.Index)
		if e.Name != "" {
			fmt.Fprintf(&b, " (%q)", e.Name)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *ListError) Unwrap() error { return e.Err }

// ParseUpdateList reads update_list.txt from r, at most MaxUpdateListSize
// bytes. Every entry must have a name (≤20 characters), a url, a type
// (release, beta or alpha; any case), and a date in the list form; descr
// (≤40 characters) may be empty. Unknown fields are ignored. The order is
// not checked: the box takes the last entry whatever the others say.
func ParseUpdateList(r io.Reader) (UpdateList, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxUpdateListSize+1))
	if err != nil {
		return nil, &ListError{Err: fmt.Errorf("reading: %w", err)}
	}
	if len(data) > MaxUpdateListSize {
		return nil, &ListError{Err: fmt.Errorf("longer than %d KiB", MaxUpdateListSize>>10)}
	}
	return parseUpdateList(data)
}

func parseUpdateList(data []byte) (UpdateList, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark left by an editor
	if !utf8.Valid(data) {
		return nil, &ListError{Err: errors.New("not UTF-8 text")}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, &ListError{Err: fmt.Errorf("not a JSON array of entries: %v", jsonErr(err))}
	}
	if raw == nil {
		return nil, &ListError{Err: errors.New("not a JSON array of entries: null")}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ListError{Err: errors.New("text follows the closing ]")}
	}
	list := make(UpdateList, 0, len(raw))
	for i, m := range raw {
		e, err := parseEntry(i+1, m)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, nil
}

func parseEntry(idx int, m json.RawMessage) (UpdateEntry, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(m, &fields); err != nil || fields == nil {
		return UpdateEntry{}, &ListError{Index: idx, Err: errors.New("not a JSON object")}
	}
	str := func(name string, required bool) (string, error) {
		v, ok := fields[name]
		if !ok {
			if required {
				return "", &ListError{Index: idx, Field: name, Err: errors.New("missing")}
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", &ListError{Index: idx, Field: name, Err: errors.New("not a string")}
		}
		return s, nil
	}
	var e UpdateEntry
	var err error
	if e.Name, err = str("name", true); err != nil {
		return e, err
	}
	if e.URL, err = str("url", true); err != nil {
		return e, nameErr(err, e.Name)
	}
	typ, err := str("type", true)
	if err != nil {
		return e, nameErr(err, e.Name)
	}
	e.Type = ReleaseType(typ)
	if e.Date, err = str("date", true); err != nil {
		return e, nameErr(err, e.Name)
	}
	if e.Descr, err = str("descr", false); err != nil {
		return e, nameErr(err, e.Name)
	}
	if t, ok := ParseReleaseType(typ); ok {
		e.Type = t
	}
	if err := e.check(idx); err != nil {
		return e, err
	}
	return e, nil
}

func nameErr(err error, name string) error {
	var le *ListError
	if errors.As(err, &le) {
		le.Name = clip(name)
	}
	return err
}

// Validate checks one entry as ParseUpdateList does; idx numbers it in errors.
func (e UpdateEntry) Validate(idx int) error { return e.check(idx) }

func (e UpdateEntry) check(idx int) error {
	fail := func(field, format string, args ...any) error {
		return &ListError{Index: idx, Name: clip(e.Name), Field: field, Err: fmt.Errorf(format, args...)}
	}
	switch n := utf8.RuneCountInString(e.Name); {
	case strings.TrimSpace(e.Name) == "":
		return fail("name", "empty")
	case n > MaxEntryName:
		return fail("name", "%d characters, at most %d are allowed", n, MaxEntryName)
	case !printable(e.Name):
		return fail("name", "holds control characters")
	}
	if strings.TrimSpace(e.URL) == "" {
		return fail("url", "empty")
	}
	if !printable(e.URL) || strings.ContainsAny(e.URL, " \t") {
		return fail("url", "holds spaces or control characters")
	}
	if _, ok := ParseReleaseType(string(e.Type)); !ok {
		return fail("type", "%q is not release, beta or alpha", clip(string(e.Type)))
	}
	if _, err := ParseListDate(e.Date); err != nil {
		return fail("date", "%v", err)
	}
	if n := utf8.RuneCountInString(e.Descr); n > MaxEntryDescr {
		return fail("descr", "%d characters, at most %d are allowed", n, MaxEntryDescr)
	}
	if !printable(e.Descr) {
		return fail("descr", "holds control characters")
	}
	return nil
}

// WriteUpdateList writes l as update_list.txt, one entry a line, fields in
// the seed's order. Every entry must be valid and the dates must not go
// backwards, so that the last entry is the newest.
func WriteUpdateList(w io.Writer, l UpdateList) error {
	var prev time.Time
	for i, e := range l {
		if err := e.check(i + 1); err != nil {
			return err
		}
		t, _ := e.Time()
		if i > 0 && t.Before(prev) {
			return &ListError{Index: i + 1, Name: clip(e.Name), Field: "date",
				Err: fmt.Errorf("%s is older than the entry before it; the list goes oldest first", e.Date)}
		}
		prev = t
	}
	var b bytes.Buffer
	b.WriteString("[")
	for i, e := range l {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, `{"name":%s, "url":%s, "type":%s, "date":%s, "descr":%s}`,
			jsonString(e.Name), jsonString(e.URL), jsonString(string(e.Type)), jsonString(e.Date), jsonString(e.Descr))
	}
	b.WriteString("\n]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// SortUpdateList orders l oldest first, as update_list.txt wants; entries
// whose date does not parse go first. The sort is stable.
func SortUpdateList(l UpdateList) {
	key := func(e UpdateEntry) time.Time {
		t, err := e.Time()
		if err != nil {
			return time.Time{}
		}
		return t
	}
	slices.SortStableFunc(l, func(a, b UpdateEntry) int { return key(a).Compare(key(b)) })
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// jsonErr shortens encoding/json's messages to what a person needs.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("found a JSON %s where the list should be", te.Value)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the text ends early"
	}
	return err.Error()
}
