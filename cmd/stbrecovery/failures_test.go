package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// TestCommandFailures: what a command says and its exit code when the box,
// a file or a server is not as it should be: one sentence on stderr that
// says what to do, and the exit code of DESIGN.md.
func TestCommandFailures(t *testing.T) {
	dir := ramDir(t)
	path := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("stbrecovery %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	must("key", "demo", "--out", path("keys"))
	must("key", "gen", "--name", "MINE", "--out", path("gen"))
	os.WriteFile(path("a-file"), []byte("x"), 0o644)
	os.WriteFile(path("junk"), []byte(strings.Repeat("not an image\n", 300)), 0o644)
	must("device", "stick", "--out", path("stick"), "--model", "MAG254")
	image, err := os.ReadFile(path("stick/mag254/imageupdate"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path("cut"), image[:len(image)/2], 0o644)

	// An operator-locked box that looks for updates on the demo server, and
	// a box whose list is on a port nobody listens on.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var srvOut, srvLog syncBuffer
	served := make(chan int, 1)
	go func() {
		served <- run(ctx, []string{"serve", "--dir", path("www"), "--demo", "MAG254", "--addr", "127.0.0.1:0"}, &srvOut, &srvLog)
	}()
	url := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := url.FindStringSubmatch(srvOut.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s%s", srvOut.String(), srvLog.String())
		}
	}
	must("device", "init", "--home", path("locked"), "--model", "MAG254", "--operator-key", path("keys/operator_one.key"),
		"--set", "autoupdateURL="+base+"/mag254/update_list.txt", "--set", "autoupdate_cond=1")
	must("device", "init", "--home", path("lost"), "--model", "MAG254",
		"--set", "autoupdateURL=http://127.0.0.1:1/mag254/update_list.txt", "--set", "autoupdate_cond=1")

	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // on stdout, "" for nothing to check
		errs string // on stderr
	}{
		{"key gen over a key", []string{"key", "gen", "--name", "MINE", "--out", path("gen")}, exitError, "",
			"MINE.sec.asc already exists; remove it or choose another --out or --name"},
		{"key gen under a file", []string{"key", "gen", "--name", "MINE", "--out", path("a-file/keys")}, exitError, "",
			"cannot make the folder " + path("a-file/keys") + " (not a directory); choose another --out"},
		{"key demo under a file", []string{"key", "demo", "--out", path("a-file/keys")}, exitError, "", "(not a directory); choose another --out"},
		{"image info of another file", []string{"image", "info", path("junk")}, exitFormat, "", "is not a valid imageupdate file"},
		{"image info of a cut image", []string{"image", "info", path("cut")}, exitFormat, "", "runs past the end of the"},
		{"image info of a folder", []string{"image", "info", path("stick")}, exitError, "", "is a folder, not an image file; check the path"},
		{"image info of no file", []string{"image", "info", path("none")}, exitError, "", "check the path"},
		{"image verify of a cut image", []string{"image", "verify", path("cut"), "--key", path("keys/stb_public.pub.asc")}, exitFormat, "", "copy the image again"},
		{"Autoupdate refused by the operator's key", []string{"device", "autoupdate", "--home", path("locked"), "--confirm"}, exitRefused,
			"Outcome: refused", "the box refused the image"},
		{"Autoupdate without its server", []string{"device", "autoupdate", "--home", path("lost"), "--confirm"}, exitError,
			"✗ update_list.txt  27 Read error", "the Autoupdate module failed (27 Read error)"},
		{"Autoupdate of no box", []string{"device", "autoupdate", "--home", path("none"), "--json"}, exitError, `"ok": false`, ""},
		{"device update of no box", []string{"device", "update", "--home", path("none"), "--usb", path("stick")}, exitError, "", path("none")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.errs) {
				t.Errorf("exit %d (want %d)\nstdout (want %q):\n%s\nstderr (want %q):\n%s", code, tc.code, tc.out, out, tc.errs, errs)
			}
			if strings.Count(errs, "\n") > 1 {
				t.Errorf("more than one line on stderr:\n%s", errs)
			}
		})
	}
	cancel()
	if code := <-served; code != exitOK {
		t.Errorf("serve ended with exit %d", code)
	}
}

// TestScenarioStartQuit: a person who quits while the scenario is set up
// gets no session, and nothing is recorded or counted.
func TestScenarioStartQuit(t *testing.T) {
	sc, err := scenario.Load("dhcp-boot")
	if err != nil {
		t.Fatal(err)
	}
	ss := &scenarioScreens{sc: sc, dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ss.start(ctx); err == nil {
		t.Fatal("start went on after the person quit")
	}
	if ss.ready.Load() != nil {
		t.Fatal("a session started after the person quit")
	}
	if _, ok := ss.NextHint(); ok || ss.HintsShown() != 0 || ss.Check(nil).Met {
		t.Error("a hint or a goal without a session")
	}
	ss.Record(nil) // nothing to record it in: no panic
}
