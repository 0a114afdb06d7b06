package device

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDamagedStateIsReportedNotReplaced(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	path := filepath.Join(b.Home(), StateFileName)
	good := stateBytes(t, b)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"truncated":   {good[:len(good)/2], "not valid JSON"},
		"empty":       {nil, "empty"},
		"newer":       {[]byte(strings.Replace(string(good), `"format": 1`, `"format": 9`, 1)), "newer"},
		"no format":   {[]byte(strings.Replace(string(good), `"format": 1,`, ``, 1)), "format"},
		"bad bank":    {[]byte(strings.Replace(string(good), `"active": 0`, `"active": 2`, 1)), "active bank"},
		"bad kind":    {[]byte(strings.Replace(string(good), `"kind": "factory"`, `"kind": "zzz"`, 1)), "kind \"zzz\""},
		"bad model":   {[]byte(strings.Replace(string(good), `"model": "MAG254"`, `"model": "MAG999"`, 1)), "MAG999"},
		"bad key":     {[]byte(strings.Replace(string(good), `"data": "-----BEGIN`, `"data": "x-----BEGIN`, 1)), "MANUFACTURER key does not load"},
		"extra field": {[]byte(strings.Replace(string(good), `"format": 1,`, `"format": 1, "colour": "blue",`, 1)), "colour"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(b.Home())
			var se *StateError
			if !errors.As(err, &se) || se.File != path || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "backup") {
				t.Fatalf("got %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != string(c.data) {
				t.Error("the damaged file was replaced")
			}
		})
	}
	os.WriteFile(path, good, 0o644)
	if _, err := Open(b.Home()); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(tempDir(t)); !errors.Is(err, ErrNoBox) {
		t.Errorf("empty folder: %v", err)
	}
}

func TestStateRoundTrip(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG420"), spec("stb_public", "custom_alpha", 220), true)
	data := stateBytes(t, b)
	st, err := parseState(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := st.encode()
	if string(again) != string(data) {
		t.Error("encode(parse(file)) differs from the file")
	}
}

// FuzzParseState: the state loader never panics, and what it accepts encodes
// and parses back to the same bytes.
func FuzzParseState(f *testing.F) {
	fx := newFixture(f)
	for _, m := range []string{"MAG254", "MAG322"} {
		b := fx.box(fx.model(m), nil, m == "MAG322")
		f.Add(stateBytes(f, b))
	}
	f.Add([]byte(`{"format":1}`))
	f.Add([]byte(`{"format":1,"model":"MAG254","serial":"x","mac":"00:1A:79:00:00:00","settings":{},"banks":[{"valid":true}],"active":0,"keys":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseState(data)
		if err != nil {
			return
		}
		enc, err := st.encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		st2, err := parseState(enc)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		enc2, _ := st2.encode()
		if string(enc) != string(enc2) {
			t.Fatal("encoding is not stable")
		}
	})
}
