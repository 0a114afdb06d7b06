package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// runCLI runs the command line as main does, with its output captured.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	if s := errb.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
		t.Fatalf("%v: stack trace on stderr:\n%s", args, s)
	}
	return code, out.String(), errb.String()
}

func TestKeyGenAndCertify(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "key", "gen", "--name", "MY_OPERATOR", "--out", filepath.Join(dir, "keys"))
	if code != 0 {
		t.Fatalf("key gen: %d %s", code, errs)
	}
	sec := filepath.Join(dir, "keys", "MY_OPERATOR.sec.asc")
	pub := filepath.Join(dir, "keys", "MY_OPERATOR.pub.asc")
	sk, err := imagefmt.LoadKeyFile(sec)
	if err != nil || sk.Private == nil || sk.Name != "MY_OPERATOR" {
		t.Fatalf("secret key: %v", err)
	}
	pk, err := imagefmt.LoadKeyFile(pub)
	if err != nil || pk.Private != nil || !pk.Same(sk) {
		t.Fatalf("public key: %v", err)
	}
	if !strings.Contains(out, sk.IDString()) {
		t.Errorf("output does not name the key id: %s", out)
	}
	if info, _ := os.Stat(sec); info.Mode().Perm() != 0o600 {
		t.Errorf("secret key mode %v", info.Mode().Perm())
	}
	// A second gen does not overwrite the key.
	if code, _, errs := runCLI(t, "key", "gen", "--name", "MY_OPERATOR", "--out", filepath.Join(dir, "keys")); code != exitError || !strings.Contains(errs, "already exists") {
		t.Errorf("overwrite: %d %s", code, errs)
	}

	if code, _, errs := runCLI(t, "key", "demo", "--out", filepath.Join(dir, "demo")); code != 0 {
		t.Fatalf("key demo: %s", errs)
	}
	for _, n := range []string{"manufacturer", "stb_public", "custom_alpha", "custom_beta", "operator_one", "operator_two"} {
		for _, ext := range []string{".sec.asc", ".pub.asc"} {
			if _, err := imagefmt.LoadKeyFile(filepath.Join(dir, "demo", n+ext)); err != nil {
				t.Errorf("demo %s%s: %v", n, ext, err)
			}
		}
	}
	manuf, err := imagefmt.LoadKeyFile(filepath.Join(dir, "demo", "manufacturer.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"operator_one", "operator_two"} {
		k, err := imagefmt.LoadKeyFile(filepath.Join(dir, "demo", op+".key"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.VerifyCertification(manuf); err != nil {
			t.Errorf("%s.key: %v", op, err)
		}
	}

	certOut := filepath.Join(dir, "MY_OPERATOR.key")
	code, _, errs = runCLI(t, "key", "certify", "--by", filepath.Join(dir, "demo", "manufacturer.sec.asc"), "--out", certOut, pub)
	if code != 0 {
		t.Fatalf("certify: %s", errs)
	}
	ck, err := imagefmt.LoadKeyFile(certOut)
	if err != nil || !ck.Same(sk) {
		t.Fatalf("certified key: %v", err)
	}
	if alg, err := ck.VerifyCertification(manuf); err != nil || imagefmt.HashName(alg) != "SHA-256" {
		t.Errorf("certification: %s %v", imagefmt.HashName(alg), err)
	}
	if _, err := ck.VerifyCertification(pk); err == nil {
		t.Error("the certification verified with another key")
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"gen without name", []string{"key", "gen", "--out", dir}, "--name"},
		{"gen without out", []string{"key", "gen", "--name", "X"}, "--out"},
		{"gen with a slash", []string{"key", "gen", "--name", "a/b", "--out", dir}, "file name"},
		{"certify by a public key", []string{"key", "certify", "--by", pub, "--out", certOut, pub}, "public key"},
		{"certify with a missing key", []string{"key", "certify", "--by", sec, "--out", certOut, filepath.Join(dir, "nope")}, "no key file"},
		{"certify a non-key", []string{"key", "certify", "--by", sec, "--out", certOut, certOut + "x"}, "no key file"},
		{"certify without args", []string{"key", "certify", "--by", sec, "--out", certOut}, "exactly one"},
		{"certify a folder", []string{"key", "certify", "--by", sec, "--out", certOut, dir}, "folder"},
		{"demo without out", []string{"key", "demo"}, "--out"},
	}
	if err := os.WriteFile(certOut+"x", []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad[5].want = "cannot use"
	for _, c := range bad {
		code, _, errs := runCLI(t, c.args...)
		if code != exitError || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q (want %q, one line)", c.name, code, errs, c.want)
		}
	}
}

// gpgHome makes a throwaway GnuPG home, or skips when gpg is not installed.
// run executes gpg in that home and fails the test when gpg fails; fails
// executes it and returns whether it failed.
func gpgHome(t *testing.T) (run func(stdin []byte, args ...string) []byte, fails func(args ...string) bool) {
	t.Helper()
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg is not installed; skipping the GnuPG interop test")
	}
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if gpgconf, err := exec.LookPath("gpgconf"); err == nil {
			c := exec.Command(gpgconf, "--kill", "all")
			c.Env = append(os.Environ(), "GNUPGHOME="+home)
			_ = c.Run()
		}
		os.RemoveAll(home)
	})
	command := func(args ...string) *exec.Cmd {
		c := exec.Command(gpg, append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		c.Env = append(os.Environ(), "GNUPGHOME="+home)
		return c
	}
	fails = func(args ...string) bool { return command(args...).Run() != nil }
	return func(stdin []byte, args ...string) []byte {
		t.Helper()
		c := command(args...)
		if stdin != nil {
			c.Stdin = bytes.NewReader(stdin)
		}
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		if err := c.Run(); err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, errb.String())
		}
		return out.Bytes()
	}, fails
}

// TestKeyGenImportsIntoGnuPG: the keys `key gen` writes import into gpg.
func TestKeyGenImportsIntoGnuPG(t *testing.T) {
	gpg, _ := gpgHome(t)
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "key", "gen", "--name", "GEN_TEST", "--out", dir); code != 0 {
		t.Fatal(errs)
	}
	k, err := imagefmt.LoadKeyFile(filepath.Join(dir, "GEN_TEST.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	gpg(nil, "--import", filepath.Join(dir, "GEN_TEST.pub.asc"))
	gpg(nil, "--import", filepath.Join(dir, "GEN_TEST.sec.asc"))
	fpr := strings.ReplaceAll(k.FingerprintString(), " ", "")
	list := string(gpg(nil, "--with-colons", "--list-secret-keys", fpr))
	if !strings.Contains(list, fpr) || !strings.Contains(list, "GEN_TEST") {
		t.Errorf("gpg does not list the imported secret key %s:\n%s", fpr, list)
	}
}
