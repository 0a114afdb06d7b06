package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestEveryCommandInProcess walks the sales demo and the rest of the command
// line in this process, as main runs it (exit code, stdout, stderr): every
// command and subcommand of the tree is reached at least once, and each step
// is judged on what it printed and its exit code.
func TestEveryCommandInProcess(t *testing.T) {
	tmp := ramDir(t)
	path := func(p string) string { return filepath.Join(tmp, filepath.FromSlash(p)) }
	reached := map[string]bool{}
	cli := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		if c, _, err := newRootCmd().Find(args); err == nil {
			reached[c.CommandPath()] = true
		}
		code, out, errs := runCLI(t, args...)
		if code != wantCode {
			t.Fatalf("stbrecovery %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out, errs)
		}
		return out, errs
	}
	has := func(what, text string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(text, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, text)
			}
		}
	}

	// The rules and the keys.
	out, _ := cli(exitOK, "rules", "--model", "MAG254")
	has("rules", out, "Decision matrix for MAG254", "portal  operator-one  installed  operator-two  operator_two             unknown    17 Wrong signature     R6")
	out, _ = cli(exitOK, "key", "demo", "--out", path("keys"))
	has("key demo", out, "operator_one")
	cli(exitOK, "key", "gen", "--name", "MY_OPERATOR", "--out", path("gen"))
	if _, err := os.Stat(path("gen/MY_OPERATOR.pub.asc")); err != nil {
		t.Fatalf("key gen wrote no public key: %v", err)
	}
	cli(exitOK, "key", "certify", "--by", path("keys/manufacturer.sec.asc"), "--out", path("gen/MY_OPERATOR.key"), path("gen/MY_OPERATOR.pub.asc"))
	if fi, err := os.Stat(path("gen/MY_OPERATOR.key")); err != nil || fi.Size() == 0 {
		t.Fatalf("key certify wrote no key: %v", err)
	}

	// An operator-locked box, and a second box that installs the key itself.
	out, _ = cli(exitOK, "device", "init", "--home", path("box"), "--model", "MAG254", "--operator-key", path("keys/operator_one.key"))
	has("device init", out, "MAG254")
	cli(exitOK, "device", "init", "--home", path("box2"), "--model", "MAG254")
	out, _ = cli(exitOK, "device", "install-key", "--home", path("box2"), path("keys/operator_one.key"))
	has("device install-key", out, "operator_one")
	out, _ = cli(exitOK, "device", "stick", "--out", path("demo-stick"), "--model", "MAG254")
	has("device stick", out, "imageupdate")

	// The operator's images: 219 with an Env section on the stick, 220 on the server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	for _, d := range []string{"rootfs/etc", "stick/mag254", "www/mag254"} {
		if err := os.MkdirAll(path(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(path("rootfs/etc/version"), []byte("operator build\n"), 0o644)
	os.WriteFile(path("env.txt"), []byte("autoupdateURL="+base+"/mag254/update_list.txt\nautoupdate_cond=0\nserial#=0000\n"), 0o644)
	for _, img := range []struct{ version, date, out string }{
		{"219", "Mon Mar 02 10:00:00 EET 2020", "stick/mag254/imageupdate"},
		{"220", "Mon Jun 01 10:00:00 EET 2020", "www/mag254/imageupdate"},
	} {
		out, _ = cli(exitOK, "image", "build", "--model", "MAG254", "--version", img.version, "--desc", "0.2."+img.version+"-op-254",
			"--date", img.date, "--rootfs", path("rootfs"), "--env", path("env.txt"), "--key", path("keys/operator_one.sec.asc"), "--out", path(img.out))
		has("image build", out, path(img.out))
	}
	stickImage := path("stick/mag254/imageupdate")
	out, _ = cli(exitOK, "image", "info", stickImage)
	has("image info", out, "0.2.219-op-254", "MAG254")
	out, _ = cli(exitOK, "image", "verify", stickImage, "--key", path("keys/operator_one.pub.asc"))
	has("image verify", out, "OK")
	out, errs := cli(exitRefused, "image", "verify", stickImage, "--key", path("gen/MY_OPERATOR.pub.asc"))
	has("image verify with another key", out+errs, "RootFS  FAIL    no given key", "3 of 3 signature blocks do not verify.")
	out, _ = cli(exitOK, "image", "check", stickImage, "--model", "MAG254", "--key", path("keys/operator_one.pub.asc"))
	has("image check", out, "MAG254")

	// The operator's server, in this process until its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var srvOut, srvLog syncBuffer
	served := make(chan int, 1)
	reached["stbrecovery serve"] = true
	go func() {
		served <- run(ctx, []string{"serve", "--dir", path("www"), "--addr", addr}, &srvOut, &srvLog)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srvOut.String(), base); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s%s", srvOut.String(), srvLog.String())
		}
	}
	has("serve", srvOut.String(), base+"/mag254/imageupdate  MAG254 220 0.2.220-op-254 (release)")

	// The stick's image, then Check now against the server.
	out, _ = cli(exitOK, "device", "update", "--home", path("box"), "--usb", path("stick"))
	has("device update --usb", out, "16 Update finished OK", "autoupdateURL="+base+"/mag254/update_list.txt", "serial#=0000 skipped")
	out, _ = cli(exitOK, "device", "get", "--home", path("box"), "autoupdateURL", "autoupdate_cond")
	if out != "autoupdateURL="+base+"/mag254/update_list.txt\nautoupdate_cond=0\n" {
		t.Errorf("device get: %q", out)
	}
	out, _ = cli(exitOK, "device", "set", "--home", path("box"), "autoupdate_cond=1")
	if out != "autoupdate_cond=1\n" {
		t.Errorf("device set: %q", out)
	}
	out, _ = cli(exitOK, "device", "autoupdate", "--home", path("box"), "--confirm")
	has("device autoupdate", out, "List: "+base+"/mag254/update_list.txt", "✓ install", "Outcome: installed · 16", "autoupdate_cond=0 (was 1)")
	out, _ = cli(exitOK, "device", "autoupdate", "--home", path("box"), "--json")
	var rep struct{ Outcome string }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Outcome != "up-to-date" {
		t.Errorf("device autoupdate --json the second time: %v %s", err, out)
	}
	out, _ = cli(exitOK, "device", "show", "--home", path("box"))
	has("device show", out, "0.2.220-op-254", "signed by OPERATOR_ONE")
	out, _ = cli(exitOK, "device", "boot", "--home", path("box"))
	has("device boot", out, "[GO__]", "0.2.220-op-254")
	// the second box takes the server's image over HTTP
	out, _ = cli(exitOK, "device", "update", "--home", path("box2"), "--url", base+"/mag254/imageupdate")
	has("device update --url", out, "16 Update finished OK")

	cancel()
	select {
	case code := <-served:
		if code != exitOK || !strings.Contains(srvOut.String(), "Stopped.") {
			t.Errorf("serve ended with exit %d:\n%s", code, srvOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
	has("the server's log", srvLog.String(), "X-SerialNumber", "X-ModelNameEx=MAG254", "X-CurrentVersion=219")

	// The scenarios and the classroom's report.
	out, _ = cli(exitOK, "scenarios")
	has("scenarios", out, "custom-key-lock", "sha1-on-mag322")
	out, _ = cli(exitOK, "scenarios", "show", "custom-key-lock")
	has("scenarios show", out, "MAG254", "Goal")
	out, _ = cli(exitOK, "scenarios", "play", "sha1-on-mag322")
	has("scenarios play", out, "17 Wrong signature", "Goal met")
	out, _ = cli(exitOK, "classroom", "report", "--dir", classWithRecords(t))
	has("classroom report", out, "ann", "bob")
	// the classroom's server and the screens need a terminal or a network
	// client: here their mistakes, in full in classroom_test.go and below
	_, errs = cli(exitError, "classroom", "--dir", path("class"))
	has("classroom without --code", errs, "--code")
	_, errs = cli(exitError, "--report", path("r.json"))
	has("--report without --scenario", errs, "--report goes with --scenario")
	_, errs = cli(exitError, "--scenario", "custom-key-lock", "--model", "MAG254")
	has("--scenario with --model", errs, "drop --model, --home and --usb")
	_, errs = cli(exitError, "--pace", "slow")
	has("--pace slow", errs, "--pace")
	_, errs = cli(exitError, "--model", "MAG999")
	has("--model MAG999", errs, "MAG999")

	var missed []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !reached[c.CommandPath()] && c.Name() != "help" {
			missed = append(missed, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
	sort.Strings(missed)
	if len(missed) > 0 {
		t.Errorf("commands this test never ran: %s", strings.Join(missed, ", "))
	}
}
