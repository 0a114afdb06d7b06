package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/internal/testimage"
)

// twoBankBox is a MAG254 box running the Public image in bank 1, with its
// factory image still valid in bank 0 (the bank the next update writes).
func twoBankBox(f *fixture) (*Box, Model) {
	f.t.Helper()
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	if r := f.update(b, f.named(m, "public"), UpdateOptions{}); r.Status != StatusFinishedOK {
		f.t.Fatalf("setup: %d %s", r.Status, r.Explain)
	}
	return b, m
}

// failAt is a fault hook that fails the first operation op (any when "")
// of step with err.
func failAt(step installStep, op string, err error) faultHook {
	done := false
	return func(s installStep, o string) error {
		if done || s != step || (op != "" && o != op) {
			return nil
		}
		done = true
		return err
	}
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDiskFullLeavesNoBankLying fills the disk at each write of an update
// that replaces a valid bank: the bank is either restored with the file its
// record describes, or invalid; never valid with another image's record.
func TestDiskFullLeavesNoBankLying(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		step        installStep
		op          string
		invalidated bool // the bank's old image is gone
	}{
		{stepWriting, "mark invalid", false},
		{stepWriting, "write", false},
		{stepWriting, "sync", false},
		{stepSwitching, "rename", false},
		{stepSwitching, "sync folder", true},
		{stepSwitching, "save state", true},
	}
	for _, c := range cases {
		t.Run(c.step.String()+" "+c.op, func(t *testing.T) {
			b, m := twoBankBox(f)
			factory := fileBytes(t, b.BankFile(0))
			b.faults = failAt(c.step, c.op, syscall.ENOSPC)
			r := f.update(b, f.named(m, "public-next"), UpdateOptions{})
			if r.Installed || (r.Status != StatusFileWrite && r.Status != StatusFlashWrite) {
				t.Fatalf("got %d %s", r.Status, r.Explain)
			}
			b2, err := Open(b.Home())
			if err != nil {
				t.Fatal(err)
			}
			bk := b2.State().Banks[0]
			if c.invalidated {
				if bk.Valid || bk.Image != nil {
					t.Errorf("bank 0 still claims %+v", bk.Image)
				}
				if !strings.Contains(r.Explain, "Bank 0 is now invalid") || strings.Contains(r.Explain, "Nothing was changed") {
					t.Errorf("explain: %s", r.Explain)
				}
			} else {
				if !bk.Valid || bk.Image.Version != m.FactoryVersion || !bytes.Equal(fileBytes(t, b.BankFile(0)), factory) {
					t.Errorf("bank 0 was not restored with its file: %+v", bk.Image)
				}
				if !strings.Contains(r.Explain, "Nothing was changed") {
					t.Errorf("explain: %s", r.Explain)
				}
			}
			if bk.Valid && !b2.bankLooksRight(0, bk.Image) {
				t.Error("bank 0 is valid but its file is another image")
			}
			if br := b2.Boot(); !br.OK || br.Bank != 1 || br.Image.Version != m.FactoryVersion+1 {
				t.Errorf("boot: %+v", br)
			}
		})
	}
}

// TestOnlyValidBankIsNeverWrittenOver damages the active bank: the update
// then goes into it, the valid bank stays as it was, and after a power cut
// the message says which bank still holds an image.
func TestOnlyValidBankIsNeverWrittenOver(t *testing.T) {
	f := newFixture(t)
	b, m := twoBankBox(f)
	if err := b.DamageBank(1); err != nil {
		t.Fatal(err)
	}
	factory := fileBytes(t, b.BankFile(0))
	data := f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 2, Tag: "pub", RootFSSize: 1 << 20})

	ctx, cancel := context.WithCancel(context.Background())
	r := b.Update(ctx, &cutSource{data: data, cut: len(data) / 2, cancel: cancel}, UpdateOptions{})
	cancel()
	if !r.PowerCut || r.Bank != 1 {
		t.Fatalf("got %+v", r)
	}
	if strings.Contains(r.Explain, "still boots its image in bank 1") || !strings.Contains(r.Explain, "bank 0 still holds its valid image") {
		t.Errorf("explain: %s", r.Explain)
	}
	if st := b.State(); !st.Banks[0].Valid || !bytes.Equal(fileBytes(t, b.BankFile(0)), factory) {
		t.Fatal("the only valid bank was written over")
	}

	r = f.update(b, data, UpdateOptions{})
	if r.Status != StatusFinishedOK || r.Bank != 1 {
		t.Fatalf("got %d bank %d %s", r.Status, r.Bank, r.Explain)
	}
	st := b.State()
	if st.Active != 1 || !st.Banks[0].Valid || !bytes.Equal(fileBytes(t, b.BankFile(0)), factory) {
		t.Errorf("banks %+v active %d", st.Banks, st.Active)
	}
	if br := b.Boot(); !br.OK || br.Bank != 1 || br.Image.Version != m.FactoryVersion+2 {
		t.Errorf("boot: %+v", br)
	}
}

// hugeHeader is the header of a MAG254 image with a 64 KiB kernel and a
// RootFS of rootfs bytes.
func hugeHeader(m Model, rootfs int64) []byte {
	return fmt.Appendf(nil, "STB Model:%s\nDate:Thu Feb 21 00:43:44 EET 2019\nImage Version:%d\nImage Description:big\nVerUpdateAPI:2\nKernel size:65536\nImage  size:%d\nStart data...\n",
		m.Base, m.FactoryVersion+5, rootfs)
}

// endlessTransfer is a transfer whose body is a header and then zeros for ever.
type endlessTransfer struct{ head []byte }

func (s *endlessTransfer) String() string { return "endless test transfer" }
func (s *endlessTransfer) Open(context.Context) (Opened, error) {
	return Opened{Body: io.NopCloser(io.MultiReader(bytes.NewReader(s.head), testimage.Zeros{})), Size: -1, Transfer: true}, nil
}

// TestSectionLargerThanPartitionIsRefusedFirst: a RootFS larger than the
// model's partition is 3 before a byte is written, from a 10 GiB sparse
// file on a stick and from an endless transfer.
func TestSectionLargerThanPartitionIsRefusedFirst(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	const big = 10 << 30
	head := hugeHeader(m, big)

	stick := f.stick(m, head)
	file := filepath.Join(stick, m.USBFolder(), "imageupdate")
	if err := os.Truncate(file, int64(len(head))+65536+big+263); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	sources := map[string]Source{"sparse file": USBSource(stick, m), "endless transfer": &endlessTransfer{head}}
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			b := f.box(m, nil, false)
			before := stateBytes(t, b)
			start := time.Now()
			r := b.Update(context.Background(), src, UpdateOptions{})
			if r.Status != StatusSectionTooBig || r.Text != "Section size exceeds partition size on FLASH" {
				t.Fatalf("got %d %s", r.Status, r.Explain)
			}
			if !strings.Contains(r.Explain, "RootFS") || !strings.Contains(r.Explain, "320 MiB") {
				t.Errorf("explain: %s", r.Explain)
			}
			if r.Read > 1<<20 || time.Since(start) > 5*time.Second {
				t.Errorf("read %d bytes in %v before refusing", r.Read, time.Since(start))
			}
			if !bytes.Equal(stateBytes(t, b), before) {
				t.Error("the state changed")
			}
			if entries, _ := os.ReadDir(filepath.Join(b.Home(), "bank1")); len(entries) != 0 {
				t.Errorf("bank 1 has %v", entries)
			}
		})
	}
}

// TestEveryModelHasPartitions: each model's partitions hold its generation's
// images and none is missing.
func TestEveryModelHasPartitions(t *testing.T) {
	for _, m := range Catalogue() {
		p := m.Partitions
		for _, v := range []int64{p.Kernel, p.RootFS, p.Env, p.Bootstrap, p.Userfs, p.SecondBoot, p.Logotype} {
			if v <= 0 {
				t.Errorf("%s: %+v", m.Name, p)
			}
		}
		if p.RootFS < 128<<20 || p.Kernel < 8<<20 {
			t.Errorf("%s: partitions too small for a release image: %+v", m.Name, p)
		}
	}
}

// TestHTTPBodyCutAtHeaderSize: a server that sends an image and then bytes
// for ever, with no Content-Length, is read one byte past the image's end.
func TestHTTPBodyCutAtHeaderSize(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	data := f.named(m, "public")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(data)
		buf := make([]byte, 32<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	b := f.box(m, nil, false)
	r := b.Update(context.Background(), HTTPSource(srv.URL+"/imageupdate"), UpdateOptions{})
	if r.Installed || r.Status != StatusInvalidHeader {
		t.Fatalf("got %d %s", r.Status, r.Explain)
	}
	if r.Read != int64(len(data))+1 {
		t.Errorf("read %d bytes of a %d-byte image", r.Read, len(data))
	}
}

// TestHomeLinksAreRefused: links inside the home are never followed; nothing
// is written outside it.
func TestHomeLinksAreRefused(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	elsewhere := tempDir(t)
	canary := filepath.Join(elsewhere, "imageupdate")
	if err := os.WriteFile(canary, []byte("not the box's"), 0o644); err != nil {
		t.Fatal(err)
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		entries, _ := os.ReadDir(elsewhere)
		if len(entries) != 1 || string(fileBytes(t, canary)) != "not the box's" {
			t.Errorf("outside the home: %v", entries)
		}
	}
	t.Run("bank folder", func(t *testing.T) {
		b := f.box(m, nil, false)
		os.RemoveAll(filepath.Join(b.Home(), "bank1"))
		if err := os.Symlink(elsewhere, filepath.Join(b.Home(), "bank1")); err != nil {
			t.Skip(err)
		}
		r := f.update(b, f.named(m, "public"), UpdateOptions{})
		if r.Installed || !strings.Contains(r.Explain, "bank1 is a symbolic link") {
			t.Errorf("got %d %s", r.Status, r.Explain)
		}
		unchanged(t)
	})
	t.Run("bank file", func(t *testing.T) {
		b := f.box(m, nil, false)
		os.Remove(b.BankFile(0))
		if err := os.Symlink(canary, b.BankFile(0)); err != nil {
			t.Skip(err)
		}
		if br := b.Boot(); br.OK {
			t.Errorf("booted through a link: %+v", br)
		}
		unchanged(t)
	})
	t.Run("lock file", func(t *testing.T) {
		b := f.box(m, nil, false)
		os.Remove(filepath.Join(b.Home(), lockName))
		target := filepath.Join(elsewhere, "f")
		if err := os.Symlink(target, filepath.Join(b.Home(), lockName)); err != nil {
			t.Skip(err)
		}
		r := f.update(b, f.named(m, "public"), UpdateOptions{})
		if r.Installed || !strings.Contains(r.Explain, ".lock is a symbolic link") {
			t.Errorf("got %d %s", r.Status, r.Explain)
		}
		if err := b.SaveSettings(map[string]string{"tvsystem": "PAL"}); err == nil {
			t.Error("settings saved through a linked lock")
		}
		if _, err := os.Lstat(target); err == nil {
			t.Error("the lock link's target was made")
		}
		unchanged(t)
	})
	t.Run("state file", func(t *testing.T) {
		b := f.box(m, nil, false)
		state := filepath.Join(b.Home(), StateFileName)
		copyTo := filepath.Join(elsewhere, "state.json")
		os.Rename(state, copyTo)
		defer os.Remove(copyTo)
		if err := os.Symlink(copyTo, state); err != nil {
			t.Skip(err)
		}
		_, err := Open(b.Home())
		var se *StateError
		if !errors.As(err, &se) || se.File != state || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("got %v", err)
		}
	})
}

// TestStateFileNotARegularFileIsRefused: a named pipe in place of state.json
// is refused at once, with its path, instead of waiting for a writer.
func TestStateFileNotARegularFileIsRefused(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	state := filepath.Join(b.Home(), StateFileName)
	os.Remove(state)
	if err := syscall.Mkfifo(state, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := Open(b.Home()); done <- err }()
	select {
	case err := <-done:
		var se *StateError
		if !errors.As(err, &se) || se.File != state || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		os.WriteFile(state, nil, 0) // lets the open go on, so the test can end
		t.Fatal("Open waited on a named pipe")
	}
	if err := b.Reload(); err == nil {
		t.Error("Reload read a named pipe")
	}
}

// TestStickReadsOnlyRegularFiles: a named pipe or a device as the stick's
// imageupdate is 25, at once, with a sentence naming it.
func TestStickReadsOnlyRegularFiles(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	kinds := map[string]func(path string) error{
		"named pipe": func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"device":     func(p string) error { return os.Symlink("/dev/zero", p) },
	}
	for kind, mk := range kinds {
		t.Run(kind, func(t *testing.T) {
			stick := f.stick(m, nil)
			file := filepath.Join(stick, m.USBFolder(), "imageupdate")
			os.Remove(file)
			if err := mk(file); err != nil {
				t.Skip(err)
			}
			b := f.box(m, nil, false)
			done := make(chan Result, 1)
			go func() { done <- b.Update(context.Background(), USBSource(stick, m), UpdateOptions{}) }()
			select {
			case r := <-done:
				if r.Status != StatusFileNotFound || !strings.Contains(r.Explain, "not a file but a "+kind) {
					t.Errorf("got %d %s", r.Status, r.Explain)
				}
			case <-time.After(5 * time.Second):
				if w, err := os.OpenFile(file, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				t.Fatal("the update waited on the stick's file")
			}
		})
	}
}

// TestStaleTempsRemovedAtOpen: what a killed write left behind is gone at
// the next start, but never while another program holds the box.
func TestStaleTempsRemovedAtOpen(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	stale := []string{
		filepath.Join(b.Home(), ".state.json.0123456789abcdef.tmp"),
		filepath.Join(b.Home(), "bank0", ".imageupdate.0123456789abcdef.tmp"),
		filepath.Join(b.Home(), "bank1", ".imageupdate.fedcba9876543210.tmp"),
	}
	os.MkdirAll(filepath.Join(b.Home(), "bank1"), 0o755)
	for _, p := range stale {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := openHome(b.Home())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(h)
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(b.Home()); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed while another program held the box", p)
		}
	}
	unlock()
	if _, err := Open(b.Home()); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s left behind", p)
		}
	}
	if _, err := os.Stat(b.BankFile(0)); err != nil {
		t.Error("the bank's image went with the temporary files")
	}
}

// TestOutsideFilesMustBeRegular: every file the box reads from outside its
// home (a stick's keys and images, an image to flash) is refused at once,
// naming it, when it is a named pipe, instead of waiting for a writer.
func TestOutsideFilesMustBeRegular(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	pipe := func(t *testing.T, path string) string {
		t.Helper()
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.Remove(path)
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
		return path
	}
	// Each case prepares in the test's goroutine and returns the call to make.
	cases := []struct {
		name    string
		prepare func(t *testing.T) func() error
	}{
		{"a key on the stick", func(t *testing.T) func() error {
			stick := tempDir(t)
			pipe(t, filepath.Join(stick, "keys", "op.key"))
			return func() error {
				keys, err := ListStickKeys(stick, m)
				if err != nil || len(keys) != 1 {
					return fmt.Errorf("listed %v %v", keys, err)
				}
				if !strings.Contains(keys[0].Description, "not a file") {
					return fmt.Errorf("described as %q", keys[0].Description)
				}
				_, err = keys[0].Read()
				return err
			}
		}},
		{"an image to flash", func(t *testing.T) func() error {
			b := f.box(m, nil, false)
			path := pipe(t, filepath.Join(tempDir(t), "image"))
			return func() error { return b.FlashBank(1, path) }
		}},
		{"a factory image", func(t *testing.T) func() error {
			path := pipe(t, filepath.Join(tempDir(t), "image"))
			home := filepath.Join(tempDir(t), "home")
			return func() error {
				_, err := Init(home, InitOptions{Model: m.Name, Image: path})
				return err
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			call := c.prepare(t)
			done := make(chan error, 1)
			go func() { done <- call() }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a file") {
					t.Errorf("got %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("waited on a named pipe")
			}
		})
	}
}
