package imagefmt

import (
	"bytes"
	"crypto"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badBase is a well-formed image with every kind of section, and where its parts are.
type badBase struct {
	img  []byte
	hdr  *Header
	keys []*Key
}

func newBadBase(t *testing.T) badBase {
	signer := demoKey(t, "stb_public.sec.asc")
	secs := []SectionSource{
		{Kind: Kernel, Data: bytes.NewReader(randomBytes(1, 700)), Size: 700},
		{Kind: RootFS, Data: bytes.NewReader(randomBytes(2, 2000)), Size: 2000},
		{Kind: Env, Data: strings.NewReader("bootdelay=1\n"), Size: 12},
		{Kind: Bootstrap, Data: bytes.NewReader(randomBytes(3, 300)), Size: 300, Version: "42"},
		{Kind: Logotype, Data: bytes.NewReader(randomBytes(4, 500)), Size: 500},
	}
	img := buildBytes(t, BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 218,
		Description: "0.2.18-r19-pub-254", Key: signer, Created: testTime, Sections: secs})
	hdr, err := ParseHeader(img[:bytes.Index(img, []byte(StartLine))+len(StartLine)+1])
	if err != nil {
		t.Fatal(err)
	}
	return badBase{img: img, hdr: hdr, keys: []*Key{demoKey(t, "stb_public.pub.asc")}}
}

// dataAt is the file offset of the first data byte of section k.
func (b badBase) dataAt(k SectionKind) int {
	s, _ := b.hdr.Section(k)
	return int(b.hdr.Size() + s.Offset)
}

// blockAt is the file offset of section k's block.
func (b badBase) blockAt(k SectionKind) int {
	s, _ := b.hdr.Section(k)
	return int(b.hdr.Size() + s.Offset + s.DataSize())
}

func (b badBase) cut(n int) []byte { return append([]byte(nil), b.img[:n]...) }

// cutWant is the status of the image cut to n bytes, by RULES.md check 1:
// with the file's length known, sizes past its end are an Invalid file header
// (22); as a stream of unknown length it ends early: a Read error (27).
func (b badBase) cutWant(int) int { return 22 }

func (b badBase) flip(at int, bit uint) []byte {
	out := append([]byte(nil), b.img...)
	out[at] ^= 1 << bit
	return out
}

// replace swaps the first old in the header for new, leaving the data as it is.
func (b badBase) replace(old, new string) []byte {
	h := int(b.hdr.Size())
	head := strings.Replace(string(b.img[:h]), old, new, 1)
	return append([]byte(head), b.img[h:]...)
}

// statusOf streams and verifies path like `image verify`, returning the status code (0: all good).
func statusOf(path string, keys []*Key) int {
	_, checks, err := VerifyFile(path, keys)
	if err != nil {
		return Code(err)
	}
	for _, c := range checks {
		if !c.OK() {
			return Code(c.Err)
		}
	}
	return 0
}

// streamStatus is statusOf over a stream of unknown length.
func streamStatus(data []byte, keys []*Key) int {
	r, err := NewReader(io.MultiReader(bytes.NewReader(data)), -1, crypto.SHA1, crypto.SHA256)
	if err != nil {
		return Code(err)
	}
	if err := r.ReadAll(); err != nil {
		return Code(err)
	}
	for _, c := range r.Verify(keys) {
		if !c.OK() {
			return Code(c.Err)
		}
	}
	return 0
}

func TestMalformedImages(t *testing.T) {
	b := newBadBase(t)
	hsize := int(b.hdr.Size())
	global := len(b.img) - BlockSize
	type badCase struct {
		name string
		data []byte
		want int
	}
	cases := []badCase{
		{"good image", b.img, 0},
		{"empty", nil, 22},
		{"random bytes", randomBytes(7, 5000), 22},
		{"random bytes 200 KiB", randomBytes(8, 200<<10), 22},
		{"text without Start data", []byte(strings.Repeat("STB Model:MAG254\n", 10)), 22},
		{"no Start data line", b.replace("Start data...", "Start dada..."), 22},
		{"Start data with CRLF", b.replace("Start data...\n", "Start data...\r\n"), 22},
		{"header over 64 KiB", append([]byte(strings.Repeat("Note:"+strings.Repeat("x", 100)+"\n", 700)), b.img...), 22},
		{"one line over 64 KiB", append([]byte("Note:"+strings.Repeat("x", 70<<10)+"\n"), b.img...), 22},
		{"NUL in header", b.replace("MAG254", "MAG\x0054"), 22},
		{"missing Date line", b.replace("Date:", "Datum:"), 22},
		{"repeated line", b.replace("Date:", "Image Version:1\nDate:"), 22},
		{"line without colon", b.flip(strings.Index(string(b.img), ":"), 0), 22}, // ':' -> ';'
		{"version not digits", b.replace("Image Version:218", "Image Version:21B"), 22},
		{"size not digits", b.replace("Env size:12", "Env size:1x"), 22},
		{"sections out of order", b.replace("Kernel size", "Logotype  size"), 22},
		{"wrong offset", b.replace(fmt.Sprintf("Env size:12 %d", b.dataAt(Env)-hsize), fmt.Sprintf("Env size:12 %d", b.dataAt(Env)-hsize+1)), 22},
		{"RootFS smaller than its block", b.replace("Image  size:2263", "Image  size:0000"), 22},
		{"size past the end", b.replace("Logotype  size:500 ", "Logotype  size:99999999 "), 22},
		{"huge size", b.replace("Logotype  size:500 ", "Logotype  size:999999999999999999999 "), 22},
		{"size over 1 TiB", b.replace("Logotype  size:500 ", "Logotype  size:2000000000000 "), 22},
		{"size one too large", b.replace("Logotype  size:500 ", "Logotype  size:501 "), 22},
		{"size one too small", b.replace("Logotype  size:500 ", "Logotype  size:499 "), 22},
		{"Env size shifts the next offset", b.replace("Env size:12 ", "Env size:13 "), 22},
		{"trailing bytes", append(append([]byte(nil), b.img...), 0), 22},
		{"cut inside the header", b.cut(hsize / 2), 22},
		{"cut after the header", b.cut(hsize), b.cutWant(hsize)},
		{"cut inside Kernel data", b.cut(b.dataAt(Kernel) + 100), b.cutWant(b.dataAt(Kernel) + 100)},
		{"cut inside the Kernel block", b.cut(b.blockAt(Kernel) + 100), b.cutWant(b.blockAt(Kernel) + 100)},
		{"cut after Kernel", b.cut(b.dataAt(RootFS)), b.cutWant(b.dataAt(RootFS))},
		{"cut inside RootFS data", b.cut(b.dataAt(RootFS) + 1000), b.cutWant(b.dataAt(RootFS) + 1000)},
		{"cut inside the RootFS block", b.cut(b.blockAt(RootFS) + 1), b.cutWant(b.blockAt(RootFS) + 1)},
		{"cut after RootFS", b.cut(b.dataAt(Env)), b.cutWant(b.dataAt(Env))},
		{"cut after Env data", b.cut(b.blockAt(Env)), b.cutWant(b.blockAt(Env))},
		{"cut inside the Env block", b.cut(b.blockAt(Env) + 262), b.cutWant(b.blockAt(Env) + 262)},
		{"cut after Env", b.cut(b.dataAt(Bootstrap)), b.cutWant(b.dataAt(Bootstrap))},
		{"cut after Bootstrap", b.cut(b.dataAt(Logotype)), b.cutWant(b.dataAt(Logotype))},
		{"cut after Logotype data", b.cut(b.blockAt(Logotype)), b.cutWant(b.blockAt(Logotype))},
		{"cut before the global block", b.cut(global), b.cutWant(global)},
		{"cut inside the global block", b.cut(global + 100), b.cutWant(global + 100)},
		{"last byte missing", b.cut(len(b.img) - 1), 22},
		{"bit flipped in the model", b.flip(strings.Index(string(b.img), "MAG254")+3, 0), 17},
		{"bit flipped in the date", b.flip(strings.Index(string(b.img), "Feb"), 1), 17},
		{"bit flipped in the version", b.flip(strings.Index(string(b.img), "218"), 0), 17}, // 218 -> 318
		{"bit flipped in the description", b.flip(strings.Index(string(b.img), "r19"), 2), 17},
		{"unknown line added", b.replace("Kernel size", "Note:x\nKernel size"), 17},
	}
	for _, k := range []SectionKind{Kernel, RootFS, Env, Bootstrap, Logotype} {
		cases = append(cases,
			badCase{"bit flipped in " + k.String() + " data", b.flip(b.dataAt(k)+5, 3), 17},
			badCase{"bit flipped in the " + k.String() + " block time", b.flip(b.blockAt(k)+4, 0), 17},
			badCase{"bit flipped in the " + k.String() + " block bit count", b.flip(b.blockAt(k)+6, 4), 17},
			badCase{"bit flipped in the " + k.String() + " signature", b.flip(b.blockAt(k)+150, 6), 17},
		)
	}
	cases = append(cases,
		badCase{"bit flipped in the global class", b.flip(global, 0), 17},
		badCase{"bit flipped in the global signature", b.flip(global+200, 1), 17},
		badCase{"global block zeroed", append(b.cut(global), make([]byte, BlockSize)...), 17},
		badCase{"global block of another image", append(b.cut(global), b.img[b.blockAt(Env):b.blockAt(Env)+BlockSize]...), 17},
	)

	dir := t.TempDir()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("case%03d.img", i))
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := statusOf(path, b.keys); got != c.want {
				_, _, err := VerifyFile(path, b.keys)
				t.Errorf("file: status %d, want %d (%v)", got, c.want, err)
			}
			// As a stream of unknown length, a bad layout shows up as the
			// stream runs: a cut file or an oversized section is a Read error.
			got := streamStatus(c.data, b.keys)
			want := c.want
			if want == 22 && streamIsCut(c.name) {
				want = 27
			}
			if got != want {
				t.Errorf("stream: status %d, want %d", got, want)
			}
			// Inspect never panics and agrees on header problems.
			if _, _, err := Inspect(bytes.NewReader(c.data), int64(len(c.data))); (Code(err) == 22) != (c.want == 22) && c.want != 0 {
				t.Errorf("inspect: %v", err)
			}
		})
	}
	t.Logf("%d malformed inputs (plus a good one, a folder and a missing file)", len(cases)-1)

	t.Run("folder", func(t *testing.T) {
		if got := statusOf(dir, b.keys); got != 25 {
			t.Errorf("status %d, want 25", got)
		}
		if _, _, _, err := InspectFile(dir); Code(err) != 25 {
			t.Errorf("inspect: %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(dir, "no-such-image")
		if got := statusOf(p, b.keys); got != 25 {
			t.Errorf("status %d, want 25", got)
		}
		if _, _, _, err := InspectFile(p); Code(err) != 25 {
			t.Errorf("inspect: %v", err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		path := filepath.Join(dir, "good.img")
		if err := os.WriteFile(path, b.img, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := statusOf(path, []*Key{demoKey(t, "custom_beta.pub.asc")}); got != 17 {
			t.Errorf("status %d, want 17", got)
		}
		if got := statusOf(path, nil); got != 17 {
			t.Errorf("no keys: status %d, want 17", got)
		}
	})
}

// streamIsCut names the cases that a stream of unknown length sees as cut
// short (27) where the file size reveals an invalid header (22).
func streamIsCut(name string) bool {
	if strings.HasPrefix(name, "cut ") && name != "cut inside the header" {
		return true
	}
	return name == "size past the end" || name == "last byte missing" || name == "size one too large"
}
