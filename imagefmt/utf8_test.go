package imagefmt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestHeaderTextIsUTF8 protects the box from a header text it cannot store
// as it stands: a field that is not UTF-8 is an Invalid file header (22) at
// check 1, and the sentence says which field; UTF-8 text of any kind, control
// characters included, is kept byte for byte.
func TestHeaderTextIsUTF8(t *testing.T) {
	const placeholder = "0.2.18-XXXX-254"
	img := buildBytes(t, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: placeholder, Key: demoKey(t, "stb_public.sec.asc"), Created: testTime,
		Sections: []SectionSource{{Kind: RootFS, Data: bytes.NewReader(randomBytes(1, 500)), Size: 500}}})
	patched := func(t *testing.T, old, new string) []byte {
		if len(old) != len(new) {
			t.Fatalf("patch %q → %q changes the length", old, new)
		}
		i := bytes.Index(img, []byte(old))
		if i < 0 {
			t.Fatalf("%q is not in the image", old)
		}
		out := append([]byte(nil), img...)
		copy(out[i:], new)
		return out
	}
	refused := []struct {
		name, old, new, says string
	}{
		{"a Latin-1 description", placeholder, "0.2.18-caf\xe9-254", "the Image Description is not UTF-8 text"},
		{"a cut UTF-8 sequence", placeholder, "0.2.18-\xd0\xbf\xd1X-254", "the Image Description is not UTF-8 text"},
		{"an overlong encoding", placeholder, "0.2.18-\xc0\xaf\xc0\xaf-254", "the Image Description is not UTF-8 text"},
		{"a Date that is not UTF-8", "EET 2019", "E\xc9T 2019", `line 2 ("Date") is not UTF-8 text`},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			data := patched(t, c.old, c.new)
			_, err := NewReader(bytes.NewReader(data), int64(len(data)))
			if !errors.Is(err, ErrInvalidHeader) || Code(err) != 22 || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("err %v (code %d); want 22 saying %q", err, Code(err), c.says)
			}
		})
	}
	kept := []string{
		`"0.2.18-r19-pub-254"`,
		"Прошивка-254-тест",
		"a<b>&c-\u2028-\u00e9",
		"tab\there-and-cr\rhere",
	}
	for _, desc := range kept {
		t.Run(desc, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := Build(&buf, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
				Description: desc, Key: demoKey(t, "stb_public.sec.asc"), Created: testTime,
				Sections: []SectionSource{{Kind: RootFS, Data: bytes.NewReader(randomBytes(1, 500)), Size: 500}}}); err != nil {
				t.Fatal(err)
			}
			rd, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if got := rd.Header().Description; got != desc {
				t.Fatalf("description %q, want %q byte for byte", got, desc)
			}
		})
	}
}
