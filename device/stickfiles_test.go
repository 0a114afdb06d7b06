package device

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// stickFixture is a stick with MAG-349/imageupdate, a Downloads folder of
// the PC with imageupdate, and a file outside both that nothing may touch.
func stickFixture(t *testing.T) (stick, downloads, outside string) {
	t.Helper()
	base := t.TempDir()
	stick, downloads = filepath.Join(base, "usb"), filepath.Join(base, "downloads")
	outside = filepath.Join(base, "secret")
	for _, d := range []string{filepath.Join(stick, "MAG-349"), downloads} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for p, body := range map[string]string{
		filepath.Join(stick, "MAG-349", "imageupdate"): "image",
		filepath.Join(downloads, "imageupdate"):        "newer",
		outside:                                        "keep",
	} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return stick, downloads, outside
}

func TestStickFiles(t *testing.T) {
	dir, dl, outside := stickFixture(t)
	s := NewStick(dir)
	if err := s.Rename("MAG-349", "mag349"); err != nil {
		t.Fatal(err)
	}
	if err := s.Mkdir("mag254"); err != nil {
		t.Fatal(err)
	}
	if err := s.CopyIn(dl, "imageupdate", "mag254/imageupdate"); err != nil {
		t.Fatal(err)
	}
	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []StickEntry{{Path: "mag254", Dir: true}, {Path: "mag254/imageupdate", Size: 5}, {Path: "mag349", Dir: true}, {Path: "mag349/imageupdate", Size: 5}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the stick lists %+v, want %+v", got, want)
	}
	if err := s.Delete("mag254"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mag254")); !os.IsNotExist(err) {
		t.Error("the deleted folder is still there")
	}
	// USB: paths as the screens show them are understood too
	if err := s.Rename("USB:/mag349/imageupdate", "USB:/mag349/imageupdate.bin"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "keep" {
		t.Error("a file outside the stick changed")
	}
	if d := Downloads(dl); len(d) != 1 || d[0].Path != "imageupdate" {
		t.Errorf("Downloads lists %+v", d)
	}
}

// TestStickFilesStayOnTheStick: every way out of the stick's folder is
// refused with a plain sentence, and nothing outside changes.
func TestStickFilesStayOnTheStick(t *testing.T) {
	dir, dl, outside := stickFixture(t)
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "link")); err != nil {
		t.Skip("no symbolic links here")
	}
	s := NewStick(dir)
	cases := []struct {
		name string
		do   func() error
		want string
	}{
		{"rename up", func() error { return s.Rename("MAG-349", "../x") }, `".." is not a name`},
		{"rename from outside", func() error { return s.Rename("../secret", "x") }, `".." is not a name`},
		{"rename through a link", func() error { return s.Rename("link/secret", "x") }, "USB:/link is a link"},
		{"rename onto a link", func() error { return s.Rename("MAG-349", "link/x") }, "USB:/link is a link"},
		{"delete a link's target", func() error { return s.Delete("link/secret") }, "USB:/link is a link"},
		{"delete the stick", func() error { return s.Delete(".") }, `"." is not a name`},
		{"delete outside", func() error { return s.Delete("../secret") }, `".." is not a name`},
		{"copy from outside Downloads", func() error { return s.CopyIn(dl, "../secret", "x") }, "is a path, not a name"},
		{"copy to outside", func() error { return s.CopyIn(dl, "imageupdate", "../x") }, `".." is not a name`},
		{"copy through a link", func() error { return s.CopyIn(dl, "imageupdate", "link/x") }, "USB:/link is a link"},
		{"copy over a file", func() error { return s.CopyIn(dl, "imageupdate", "MAG-349/imageupdate") }, "USB:/MAG-349/imageupdate already exists"},
		{"copy into a missing folder", func() error { return s.CopyIn(dl, "imageupdate", "mag349/imageupdate") }, "the folder USB:/mag349 is not on the stick"},
		{"copy a missing download", func() error { return s.CopyIn(dl, "nothing", "x") }, "Downloads has no file named nothing"},
		{"rename a missing file", func() error { return s.Rename("nothing", "x") }, "USB:/nothing is not on the stick"},
		{"rename over a file", func() error { return s.Rename("MAG-349/imageupdate", "MAG-349") }, "USB:/MAG-349 already exists"},
		{"move a folder into itself", func() error { return s.Rename("MAG-349", "MAG-349/x") }, "cannot be moved into itself"},
		{"FAT32 character", func() error { return s.Rename("MAG-349", "mag:349") }, "a FAT32 stick does not allow"},
		{"trailing dot", func() error { return s.Mkdir("mag349.") }, "ends with a space or a dot"},
		{"control character", func() error { return s.Mkdir("mag\x1b349") }, "control characters"},
		{"empty name", func() error { return s.Mkdir("") }, "give a name"},
		{"empty part", func() error { return s.Mkdir("a//b") }, "cannot be empty"},
		{"no stick", func() error { return NewStick("").Mkdir("x") }, "no USB stick is plugged in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
			if strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is not one sentence on the stick's paths: %v", err)
			}
		})
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "keep" {
		t.Error("a file outside the stick changed")
	}
	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []StickEntry{{Path: "MAG-349", Dir: true}, {Path: "MAG-349/imageupdate", Size: 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the stick changed or lists the link: %+v", got)
	}
}

// FuzzCheckStickPath: an accepted path never leaves the stick.
func FuzzCheckStickPath(f *testing.F) {
	for _, s := range []string{"mag349/imageupdate", "../x", "USB:/a/b", "a//b", ".", "a/../../b", "/etc/passwd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := CheckStickPath(s)
		if err != nil {
			return
		}
		if !filepath.IsLocal(filepath.FromSlash(p)) || filepath.Clean(p) != filepath.FromSlash(p) {
			t.Fatalf("%q was accepted as %q, which is not a plain path on the stick", s, p)
		}
	})
}
