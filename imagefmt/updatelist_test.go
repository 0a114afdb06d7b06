package imagefmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// seedList is the example of the seed document, verbatim.
const seedList = `[ {"name":"0.2.14-r3", "url":"http://example.com/250/imageupdate214r3", "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200", "descr":"Release"}, {"name":"0.2.14-r7", "url":"http://example.com/250/imageupdate214r7", "type":"release", "date":"30 Nov 2012 14:43:29 GMT+0200", "descr":"Release"} ]`

func TestParseUpdateListSeed(t *testing.T) {
	l, err := ParseUpdateList(strings.NewReader(seedList))
	if err != nil {
		t.Fatal(err)
	}
	last, ok := l.Last()
	if len(l) != 2 || !ok || last.Name != "0.2.14-r7" || last.Type != TypeRelease || last.URL != "http://example.com/250/imageupdate214r7" {
		t.Fatalf("got %+v", l)
	}
	var out bytes.Buffer
	if err := WriteUpdateList(&out, l); err != nil {
		t.Fatal(err)
	}
	again, err := ParseUpdateList(&out)
	if err != nil {
		t.Fatalf("written list does not read: %v\n%s", err, out.String())
	}
	if len(again) != 2 || again[0] != l[0] || again[1] != l[1] {
		t.Fatalf("round trip: %+v", again)
	}
}

func TestParseUpdateListErrors(t *testing.T) {
	entry := func(fields string) string { return "[" + fields + "]" }
	ok := `"name":"a", "url":"http://h/i", "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200"`
	cases := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"not json", "hello", []string{"not a JSON array"}},
		{"object", `{"name":"a"}`, []string{"not a JSON array"}},
		{"null", `null`, []string{"null"}},
		{"trailing", `[] []`, []string{"follows"}},
		{"entry not object", `[1]`, []string{"entry 1", "not a JSON object"}},
		{"missing url", entry(`{"name":"v1", "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200"}`), []string{"entry 1", `"v1"`, `field "url"`, "missing"}},
		{"missing name", entry(`{"url":"http://h/i", "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200"}`), []string{`field "name"`, "missing"}},
		{"long name", entry(`{"name":"123456789012345678901", "url":"u", "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200"}`), []string{`field "name"`, "21 characters"}},
		{"bad type", entry(`{` + ok[:len(ok)-len(`, "type":"release", "date":"26 Nov 2012 23:22:19 GMT+0200"`)] + `, "type":"gamma", "date":"26 Nov 2012 23:22:19 GMT+0200"}`), []string{`field "type"`, "gamma"}},
		{"bad date", entry(`{"name":"a", "url":"u", "type":"beta", "date":"yesterday"}`), []string{`field "date"`, "yesterday"}},
		{"number name", entry(`{"name":5, "url":"u", "type":"beta", "date":"yesterday"}`), []string{`field "name"`, "not a string"}},
		{"long descr", entry(`{` + ok + `, "descr":"` + strings.Repeat("x", 41) + `"}`), []string{`field "descr"`, "41 characters"}},
		{"second entry", `[{` + ok + `}, {` + ok + `, "type":"x"}]`, []string{"entry 2"}},
		{"too big", "[" + strings.Repeat(" ", MaxUpdateListSize) + "]", []string{"longer than"}},
	}
	for _, c := range cases {
		_, err := ParseUpdateList(strings.NewReader(c.in))
		var le *ListError
		if err == nil || !errors.As(err, &le) {
			t.Errorf("%s: err = %v; want a *ListError", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", c.name, err, w)
			}
		}
	}
	// Case of the type is forgiven; descr may be absent; unknown fields are ignored.
	l, err := ParseUpdateList(strings.NewReader(entry(`{"name":"a", "url":"u", "type":"Beta", "date":"26 Nov 2012 23:22:19 GMT + 0200", "size":5}`)))
	if err != nil || l[0].Type != TypeBeta {
		t.Errorf("lenient entry: %+v, %v", l, err)
	}
}

func TestWriteUpdateListOrder(t *testing.T) {
	l := UpdateList{
		{Name: "new", URL: "http://h/b", Type: TypeRelease, Date: "30 Nov 2012 14:43:29 GMT+0200"},
		{Name: "old", URL: "http://h/a", Type: TypeBeta, Date: "26 Nov 2012 23:22:19 GMT+0200"},
	}
	if err := WriteUpdateList(&bytes.Buffer{}, l); err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Fatalf("unsorted list written: %v", err)
	}
	SortUpdateList(l)
	var b bytes.Buffer
	if err := WriteUpdateList(&b, l); err != nil {
		t.Fatal(err)
	}
	if last, _ := l.Last(); last.Name != "new" {
		t.Fatalf("sorted: %+v", l)
	}
	if err := WriteUpdateList(&b, UpdateList{{Name: "x", URL: "u", Type: "gamma", Date: "30 Nov 2012 14:43:29 GMT+0200"}}); err == nil {
		t.Fatal("invalid entry written")
	}
	var empty bytes.Buffer
	if err := WriteUpdateList(&empty, nil); err != nil || strings.TrimSpace(empty.String()) != "[\n]" {
		t.Fatalf("empty list: %q %v", empty.String(), err)
	}
}

func FuzzParseUpdateList(f *testing.F) {
	f.Add([]byte(seedList))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"name":"a", "url":"u", "type":"Beta", "date":"26 Nov 2012 23:22:19 GMT + 0200"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseUpdateList(bytes.NewReader(data))
		if err != nil {
			var le *ListError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *ListError", err)
			}
			return
		}
		// A list that reads writes back (once sorted) and reads again the same.
		SortUpdateList(l)
		var b bytes.Buffer
		if err := WriteUpdateList(&b, l); err != nil {
			t.Fatalf("valid list does not write: %v", err)
		}
		again, err := ParseUpdateList(&b)
		if err != nil {
			t.Fatalf("written list does not read: %v\n%s", err, b.String())
		}
		if len(again) != len(l) {
			t.Fatalf("round trip lost entries")
		}
		for i := range l {
			if again[i] != l[i] {
				t.Fatalf("entry %d: %+v became %+v", i, l[i], again[i])
			}
		}
	})
}
