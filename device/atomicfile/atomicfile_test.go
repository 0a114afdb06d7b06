package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var errInjected = errors.New("injected failure")

// faulty is the real file tree with one step made to fail.
type faulty struct {
	osFolder
	fail Op
	bad  bool // fail the step at all
}

type faultyFile struct {
	*os.File
	fail Op
}

func (f faultyFile) Sync() error {
	if f.fail == Sync {
		return errInjected
	}
	return f.File.Sync()
}

func (f faultyFile) Close() error {
	err := f.File.Close()
	if f.fail == Close {
		return errInjected
	}
	return err
}

func (d faulty) create(name string, perm fs.FileMode) (file, error) {
	if d.bad && d.fail == Create {
		return nil, errInjected
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	fail := Op(-1)
	if d.bad {
		fail = d.fail
	}
	return faultyFile{f, fail}, nil
}

func (d faulty) rename(from, to string) error {
	if d.bad && d.fail == Rename {
		return errInjected
	}
	return os.Rename(from, to)
}

func (d faulty) syncDir(dir string) error {
	if d.bad && d.fail == SyncFolder {
		return errInjected
	}
	return d.osFolder.syncDir(dir)
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestReplaceFailures(t *testing.T) {
	writeErr := errors.New("the writer gave up")
	tests := []struct {
		name    string
		fail    Op
		write   func(io.Writer) error
		wantErr error
		wantNew bool // the new content is in place
	}{
		{"create", Create, nil, errInjected, false},
		{"write", Write, func(w io.Writer) error { io.WriteString(w, "half"); return writeErr }, writeErr, false},
		{"sync", Sync, nil, errInjected, false},
		{"close", Close, nil, errInjected, false},
		{"rename", Rename, nil, errInjected, false},
		{"sync folder", SyncFolder, nil, errInjected, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			write := tt.write
			if write == nil {
				write = bytesWriter([]byte("new"))
			}
			err := replace(faulty{fail: tt.fail, bad: true}, path, 0o644, write)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			var ae *Error
			if tt.wantErr == errInjected {
				if !errors.As(err, &ae) || ae.Op != tt.fail || ae.Path != path {
					t.Fatalf("error = %#v, want an *Error for step %d of %s", err, tt.fail, path)
				}
				if msg := err.Error(); !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
					t.Errorf("message %q should be one sentence naming %s", msg, path)
				}
			}
			if got := entries(t, dir); len(got) != 1 || got[0] != "state.json" {
				t.Errorf("folder holds %q, want only state.json (no temporary file)", got)
			}
			data, _ := os.ReadFile(path)
			want := "old"
			if tt.wantNew {
				want = "new"
			}
			if string(data) != want {
				t.Errorf("file holds %q, want %q", data, want)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.asc")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil || string(data) != content {
			t.Fatalf("read %q, %v; want %q", data, err, content)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("folder holds %q, want only key.asc", got)
	}
}

func TestWriteFileRealFailures(t *testing.T) {
	dir := t.TempDir()
	// A folder that does not exist: nothing to make the temporary file in.
	err := WriteFile(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644)
	var ae *Error
	if !errors.As(err, &ae) || ae.Op != Create {
		t.Errorf("missing folder: error = %v, want a Create *Error", err)
	}
	// A non-empty folder in the way: the rename fails, the temporary file goes.
	if err := os.MkdirAll(filepath.Join(dir, "busy", "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	err = WriteFile(filepath.Join(dir, "busy"), []byte("x"), 0o644)
	if !errors.As(err, &ae) || ae.Op != Rename {
		t.Errorf("folder in the way: error = %v, want a Rename *Error", err)
	}
	if got := entries(t, dir); len(got) != 1 || got[0] != "busy" {
		t.Errorf("folder holds %q, want only busy", got)
	}
}

func TestWriteFuncPassesTheWritersError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "image.img")
	stop := errors.New("the build failed")
	if err := WriteFunc(path, 0o644, func(w io.Writer) error { return stop }); err != stop {
		t.Fatalf("error = %v, want the writer's own error", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("folder holds %q, want nothing", got)
	}
	if err := WriteFunc(path, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "img"); return err }); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "img" {
		t.Errorf("file holds %q, want img", data)
	}
}

func TestWriteFileIn(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, name := range []string{"state.json", "sub/env.txt"} {
		if err := WriteFileIn(root, name, []byte(name), 0o644); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, name)); string(data) != name {
			t.Errorf("%s holds %q", name, data)
		}
	}
	// A name leaving the root is refused when the temporary file is made.
	err = WriteFileIn(root, "../outside", []byte("x"), 0o644)
	var ae *Error
	if !errors.As(err, &ae) || ae.Op != Create {
		t.Errorf("escape: error = %v, want a Create *Error", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "outside")); err == nil {
		t.Error("a file was written outside the root")
	}
	if got := entries(t, dir); len(got) != 2 {
		t.Errorf("root holds %q, want state.json and sub", got)
	}
}
