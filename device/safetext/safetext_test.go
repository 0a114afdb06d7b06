package safetext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestControlCharactersShownEscaped protects a terminal from text that came
// from outside: every control character is shown escaped, printable text of
// any script is kept.
func TestControlCharactersShownEscaped(t *testing.T) {
	cases := []struct{ in, one, lines string }{
		{"0.2.18-r19-pub-254", "0.2.18-r19-pub-254", "0.2.18-r19-pub-254"},
		{"Прошивка «254» é", "Прошивка «254» é", "Прошивка «254» é"},
		{"\x1b]0;owned\x07\x1b[2J", `\x1b]0;owned\x07\x1b[2J`, `\x1b]0;owned\x07\x1b[2J`},
		{"abc\rXYZ", `abc\rXYZ`, `abc\rXYZ`},
		{"two\nlines\tand tab", `two\nlines\tand tab`, "two\nlines\tand tab"},
		{"del\x7f c1\u009b[31m", `del\x7f c1\u009b[31m`, `del\x7f c1\u009b[31m`},
		{"latin1 caf\xe9", `latin1 caf\xe9`, `latin1 caf\xe9`},
		{"rtl \u202egnp.exe", `rtl \u202egnp.exe`, `rtl \u202egnp.exe`},
		{"nul\x00", `nul\x00`, `nul\x00`},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.one {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.one)
		}
		if got := Lines(c.in); got != c.lines {
			t.Errorf("Lines(%q) = %q, want %q", c.in, got, c.lines)
		}
	}
}

// TestWriterEscapes protects the command line's output: what passes the
// writer has no control character but line breaks and tabs.
func TestWriterEscapes(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	n, err := w.Write([]byte("USB:/\x1b[2Jmag254\r\n"))
	if err != nil || n != len("USB:/\x1b[2Jmag254\r\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if got := buf.String(); got != "USB:/\\x1b[2Jmag254\\r\n" {
		t.Fatalf("wrote %q", got)
	}
}

// TestJSONStringsEscaped protects a program that prints a value of the
// command line's JSON: strings carry escaped text, the rest is unchanged.
func TestJSONStringsEscaped(t *testing.T) {
	in := []byte(`{"status":17,"text":"Wrong signature","explain":"folder \u001b]0;x\u0007 \r","nested":{"list":["a\u009b",1.50,true,null,[]],"empty":{}},"x\u001by":"v"}`)
	out, err := JSON(in, "  ")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if v["explain"] != `folder \x1b]0;x\x07 \r` {
		t.Errorf("explain %q", v["explain"])
	}
	if _, ok := v[`x\x1by`]; !ok {
		t.Errorf("the name was not escaped: %s", out)
	}
	if !strings.Contains(string(out), `"list": [`) || !strings.Contains(string(out), "1.50") || strings.Index(string(out), `"status"`) > strings.Index(string(out), `"text"`) {
		t.Errorf("order, numbers or layout changed:\n%s", out)
	}
	for _, bad := range []string{`{"a":1`, `{"a":1}{"b":2}`, `[1,]`} {
		if _, err := JSON([]byte(bad), ""); err == nil {
			t.Errorf("%q was taken as JSON", bad)
		}
	}
}

// FuzzEscape checks that nothing unsafe ever comes out, whatever goes in,
// and that JSON stays JSON.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "a\rb", "caf\xe9", "\u202e", `{"a":"\u001b"}`, `[1,{"b":null}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Escape(s), Lines(s)} {
			if !utf8.ValidString(out) || strings.ContainsAny(out, "\x1b\r\x00\x7f\u009b\u202e") {
				t.Fatalf("%q escaped to %q", s, out)
			}
		}
		if strings.ContainsAny(Escape(s), "\n\t") {
			t.Fatalf("Escape kept a line break: %q", Escape(s))
		}
		if out, err := JSON([]byte(s), "  "); err == nil {
			if !json.Valid(out) {
				t.Fatalf("%q rewrote to invalid JSON %q", s, out)
			}
			if !clean(string(out), true) {
				t.Fatalf("%q rewrote to unsafe JSON %q", s, out)
			}
		}
	})
}
