package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gnupgEnv makes a throwaway GnuPG home, sets GNUPGHOME to it for the test
// (so that image build finds it as a user's would), or skips when gpg or
// gpg-connect-agent is not installed. gpg runs gpg there and fails the test
// when gpg fails.
func gnupgEnv(t *testing.T) (home string, gpg func(args ...string) []byte) {
	t.Helper()
	for _, prog := range []string{"gpg", "gpg-connect-agent"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s is not installed; skipping the GnuPG interop test", prog)
		}
	}
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GNUPGHOME", home)
	t.Cleanup(func() {
		c := exec.Command("gpgconf", "--kill", "all")
		c.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = c.Run()
		os.RemoveAll(home)
	})
	return home, func(args ...string) []byte {
		t.Helper()
		c := exec.Command("gpg", append([]string{"--batch", "--no-tty", "--pinentry-mode", "loopback"}, args...)...)
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		if err := c.Run(); err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, errb.String())
		}
		return out.Bytes()
	}
}

// genKey makes an RSA-2048 signing key named name in the GnuPG home,
// protected by pass ("" for none).
func genKey(gpg func(args ...string) []byte, name, pass string) {
	gpg("--passphrase", pass, "--quick-gen-key", name, "rsa2048", "sign", "never")
}

// installs puts image on a stick and updates the box in home at the boot stage.
func installs(t *testing.T, home, image string) {
	t.Helper()
	data, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Model string }
	_, show, _ := runCLI(t, "device", "show", "--home", home, "--json")
	_ = json.Unmarshal([]byte(show), &st)
	stick := ramDir(t)
	writeFile(t, filepath.Join(stick, strings.ToLower(st.Model), "imageupdate"), data)
	code, out, errs := runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json")
	var res struct {
		Installed bool
		Explain   string
	}
	_ = json.Unmarshal([]byte(out), &res)
	if code != 0 || !res.Installed {
		t.Fatalf("%s does not install: exit %d %s %s", filepath.Base(image), code, res.Explain, errs)
	}
}

// verifies checks image with image verify against pubs and that every block
// was made by one of names.
func verifies(t *testing.T, image string, pubs []string, names ...string) {
	t.Helper()
	args := []string{"image", "verify", image, "--json"}
	for _, p := range pubs {
		args = append(args, "--key", p)
	}
	code, out, errs := runCLI(t, args...)
	var v verifyJSON
	_ = json.Unmarshal([]byte(out), &v)
	if code != 0 || !v.OK {
		t.Fatalf("%s does not verify: exit %d %s", filepath.Base(image), code, errs)
	}
	for _, b := range v.Blocks {
		ok := false
		for _, n := range names {
			ok = ok || b.Key == n
		}
		if !ok {
			t.Errorf("%s: block %s made by %s, want one of %v", filepath.Base(image), b.Name, b.Key, names)
		}
	}
}

// TestGnuPGKeyringSigns: image build --gpg-key and --gpg-custom-key sign
// through gpg-agent, with SHA-1 (MAG254) and SHA-256 (MAG424) blocks; the
// images verify, pass image check, and install: an Operator image on a box
// holding the key certified by MANUFACTURER, a Custom image on a new box.
func TestGnuPGKeyringSigns(t *testing.T) {
	_, gpg := gnupgEnv(t)
	genKey(gpg, "OPERATOR_GPG", "")
	genKey(gpg, "CUSTOM_GPG", "")
	keys := demoKeys(t)
	dir := ramDir(t)
	opPub := writeFile(t, filepath.Join(dir, "op.pub.gpg"), gpg("--export", "OPERATOR_GPG"))
	customPub := writeFile(t, filepath.Join(dir, "custom.pub.asc"), gpg("--armor", "--export", "CUSTOM_GPG"))
	cert := filepath.Join(dir, "op.key")
	if code, _, errs := runCLI(t, "key", "certify", "--by", filepath.Join(keys, "manufacturer.sec.asc"), "--out", cert, opPub); code != 0 {
		t.Fatal(errs)
	}
	rootfs := filepath.Dir(writeFile(t, filepath.Join(dir, "rootfs", "etc", "hostname"), []byte("mag\n")))
	rootfs = filepath.Dir(rootfs)
	for _, c := range []struct{ model, hash string }{{"MAG254", "sha1"}, {"MAG424", "sha256"}} {
		op := filepath.Join(dir, c.model+"-operator.img")
		code, out, errs := runCLI(t, "image", "build", "--model", c.model, "--version", "300", "--desc", "gpg-op", "--rootfs", rootfs,
			"--gpg-key", "OPERATOR_GPG", "--hash", c.hash, "--out", op)
		if code != 0 || !strings.Contains(out, "OPERATOR_GPG") {
			t.Fatalf("%s operator build: %d %s %s", c.model, code, out, errs)
		}
		verifies(t, op, []string{opPub}, "OPERATOR_GPG")
		if code, out, errs := runCLI(t, "image", "check", op, "--key", opPub); code != 0 || !strings.Contains(out, "only once it is certified by MANUFACTURER") {
			t.Errorf("%s operator image check: %d %s %s", c.model, code, out, errs)
		}
		if code, out, errs := runCLI(t, "image", "check", op, "--key", cert); code != 0 || strings.Contains(out, "Note:") {
			t.Errorf("%s operator image check with the certified key: %d %s %s", c.model, code, out, errs)
		}
		home := filepath.Join(dir, c.model+"-op-box")
		if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", c.model, "--operator-key", cert); code != 0 {
			t.Fatal(errs)
		}
		installs(t, home, op)

		custom := filepath.Join(dir, c.model+"-custom.img")
		if code, _, errs := runCLI(t, "image", "build", "--model", c.model, "--version", "300", "--desc", "gpg-custom", "--rootfs", rootfs,
			"--key", filepath.Join(keys, "stb_public.sec.asc"), "--gpg-custom-key", "CUSTOM_GPG", "--out", custom); code != 0 {
			t.Fatalf("%s custom build: %s", c.model, errs)
		}
		verifies(t, custom, []string{filepath.Join(keys, "stb_public.pub.asc"), customPub}, "STB_PUBLIC", "CUSTOM_GPG")
		code, out, _ = runCLI(t, "image", "check", custom, "--json")
		if code != 0 || !strings.Contains(out, `"kind": "custom"`) || !strings.Contains(out, `"custom_key_made_rootfs": true`) {
			t.Errorf("%s custom image check: %d %s", c.model, code, out)
		}
		home = filepath.Join(dir, c.model+"-custom-box")
		if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", c.model); code != 0 {
			t.Fatal(errs)
		}
		installs(t, home, custom)
	}
	// A key that is not RSA-2048 cannot make blocks.
	gpg("--passphrase", "", "--quick-gen-key", "ED_KEY", "ed25519", "sign", "never")
	code, _, errs := runCLI(t, "image", "build", "--model", "MAG254", "--version", "300", "--desc", "x", "--rootfs", rootfs,
		"--gpg-key", "ED_KEY", "--out", filepath.Join(dir, "x.img"))
	if code != exitError || !strings.Contains(errs, "only RSA-2048 keys") || !strings.Contains(errs, "ED_KEY") {
		t.Errorf("an Ed25519 key: %d %q", code, errs)
	}

	// A key the keyring does not hold, and an id that names two keys.
	code, _, errs = runCLI(t, "image", "build", "--model", "MAG254", "--version", "300", "--desc", "x", "--rootfs", rootfs,
		"--gpg-key", "NOBODY", "--out", filepath.Join(dir, "x.img"))
	if code != exitError || !strings.Contains(errs, "no secret key") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("unknown gpg key: %d %q", code, errs)
	}
	code, _, errs = runCLI(t, "image", "build", "--model", "MAG254", "--version", "300", "--desc", "x", "--rootfs", rootfs,
		"--gpg-key", "_GPG", "--out", filepath.Join(dir, "x.img"))
	if code != exitError || !strings.Contains(errs, "OPERATOR_GPG") || !strings.Contains(errs, "CUSTOM_GPG") {
		t.Errorf("an id naming two keys: %d %q", code, errs)
	}
}

// TestProtectedAndMultiKeyFiles: a passphrase-protected secret key exported
// by gpg signs with --passphrase-file (never asked for in argv), and a file
// of two keys signs with the one --key-id or FILE#ID picks; the error for a
// file of two keys lists them by id and user id.
func TestProtectedAndMultiKeyFiles(t *testing.T) {
	_, gpg := gnupgEnv(t)
	genKey(gpg, "LOCKED_OP", "s3cret pass")
	genKey(gpg, "FIRST_OP", "")
	genKey(gpg, "SECOND_OP", "")
	dir := ramDir(t)
	locked := writeFile(t, filepath.Join(dir, "locked.sec.asc"), gpg("--passphrase", "s3cret pass", "--armor", "--export-secret-keys", "LOCKED_OP"))
	lockedPub := writeFile(t, filepath.Join(dir, "locked.pub.asc"), gpg("--armor", "--export", "LOCKED_OP"))
	two := writeFile(t, filepath.Join(dir, "two.sec.gpg"), gpg("--passphrase", "", "--export-secret-keys", "FIRST_OP", "SECOND_OP"))
	twoArmored := writeFile(t, filepath.Join(dir, "two.sec.asc"), gpg("--passphrase", "", "--armor", "--export-secret-keys", "FIRST_OP", "SECOND_OP"))
	secondPub := writeFile(t, filepath.Join(dir, "second.pub.asc"), gpg("--armor", "--export", "SECOND_OP"))
	firstPub := writeFile(t, filepath.Join(dir, "first.pub.asc"), gpg("--armor", "--export", "FIRST_OP"))
	var secondID string
	for _, line := range strings.Split(string(gpg("--with-colons", "--list-keys", "SECOND_OP")), "\n") {
		if f := strings.Split(line, ":"); len(f) > 4 && f[0] == "pub" {
			secondID = f[4]
		}
	}
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("r", 3000)))
	passFile := writeFile(t, filepath.Join(dir, "pass"), []byte("s3cret pass\n"))
	wrongPass := writeFile(t, filepath.Join(dir, "wrong"), []byte("nope\n"))
	build := func(out string, extra ...string) (int, string, string) {
		args := append([]string{"image", "build", "--model", "MAG424", "--version", "300", "--desc", "k", "--rootfs", rootfs, "--out", filepath.Join(dir, out)}, extra...)
		return runCLI(t, args...)
	}
	cases := []struct {
		name  string
		args  []string
		code  int
		want  []string // in stderr on failure, stdout on success
		pub   string
		owner string
	}{
		{"protected without a passphrase", []string{"--key", locked}, exitError, []string{"LOCKED_OP", "protected by a passphrase", "--passphrase-file"}, "", ""},
		{"protected, wrong passphrase", []string{"--key", locked, "--passphrase-file", wrongPass}, exitError, []string{"does not unlock", "LOCKED_OP"}, "", ""},
		{"protected, passphrase file", []string{"--key", locked, "--passphrase-file", passFile}, exitOK, []string{"LOCKED_OP"}, lockedPub, "LOCKED_OP"},
		{"two keys, none picked", []string{"--key", two}, exitError, []string{"holds 2 keys", "FIRST_OP", "SECOND_OP", secondID, "--key-id", "FILE#ID"}, "", ""},
		{"two keys, armored, none picked", []string{"--key", twoArmored}, exitError, []string{"holds 2 keys", "FIRST_OP", "SECOND_OP"}, "", ""},
		{"two keys, --key-id by name", []string{"--key", two, "--key-id", "FIRST_OP"}, exitOK, []string{"FIRST_OP"}, firstPub, "FIRST_OP"},
		{"two keys, FILE#ID", []string{"--key", twoArmored + "#" + secondID}, exitOK, []string{"SECOND_OP"}, secondPub, "SECOND_OP"},
		{"two keys, an id not there", []string{"--key", two, "--key-id", "THIRD"}, exitError, []string{"no key \"THIRD\"", "FIRST_OP", "SECOND_OP"}, "", ""},
	}
	for _, c := range cases {
		out := c.name + ".img"
		code, stdout, errs := build(out, c.args...)
		text := errs
		if c.code == exitOK {
			text = stdout
		}
		if code != c.code {
			t.Errorf("%s: exit %d, want %d: %s", c.name, code, c.code, errs)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", c.name, text, w)
			}
		}
		if c.code != exitOK && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: stderr is not one sentence: %q", c.name, errs)
		}
		if c.pub != "" {
			verifies(t, filepath.Join(dir, out), []string{c.pub}, c.owner)
		}
	}
	// A keyring export of several public keys checks blocks with all of
	// them; FILE#ID takes one.
	bothPub := writeFile(t, filepath.Join(dir, "both.pub.gpg"), gpg("--export", "FIRST_OP", "SECOND_OP"))
	signedBySecond := filepath.Join(dir, "two keys, FILE#ID.img")
	verifies(t, signedBySecond, []string{bothPub}, "SECOND_OP")
	if code, out, _ := runCLI(t, "image", "check", signedBySecond, "--key", bothPub, "--json"); code != 0 || !strings.Contains(out, `"kind": "operator"`) {
		t.Errorf("image check with both keys: exit %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "image", "check", signedBySecond, "--key", bothPub+"#FIRST_OP"); code != exitRefused {
		t.Errorf("image check with the first key only: exit %d, want %d", code, exitRefused)
	}

	// The passphrase never appears on the command line: there is no flag for it.
	if code, _, errs := build("p.img", "--key", locked, "--passphrase", "s3cret pass"); code == 0 || !strings.Contains(errs, "unknown flag") {
		t.Errorf("--passphrase: exit %d %s", code, errs)
	}
}

// TestGnuPGProtectedKeyInKeyring: a keyring key behind a passphrase signs
// when gpg-agent holds the passphrase (here preset, as its pinentry would
// leave it cached), and is refused with gpg-agent's reason when the agent
// cannot ask.
func TestGnuPGProtectedKeyInKeyring(t *testing.T) {
	home, gpg := gnupgEnv(t)
	preset := "/usr/lib/gnupg/gpg-preset-passphrase"
	if _, err := os.Stat(preset); err != nil {
		t.Skip("gpg-preset-passphrase is not installed")
	}
	writeFile(t, filepath.Join(home, "gpg-agent.conf"), []byte("allow-preset-passphrase\npinentry-program /bin/false\n"))
	genKey(gpg, "AGENT_OP", "agent secret")
	_ = exec.Command("gpgconf", "--kill", "gpg-agent").Run() // the agent reads its new configuration
	dir := ramDir(t)
	pub := writeFile(t, filepath.Join(dir, "pub.asc"), gpg("--armor", "--export", "AGENT_OP"))
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("a", 2000)))
	build := func(out string) (int, string) {
		code, _, errs := runCLI(t, "image", "build", "--model", "MAG424", "--version", "300", "--desc", "a", "--rootfs", rootfs,
			"--gpg-key", "AGENT_OP", "--out", filepath.Join(dir, out))
		return code, errs
	}
	// The agent cannot ask (its pinentry fails): a plain refusal, in one sentence.
	if code, errs := build("refused.img"); code != exitError || !strings.Contains(errs, "gpg-agent did not sign (No pinentry)") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("without the passphrase: exit %d %q", code, errs)
	} else {
		t.Logf("without the passphrase: %s", errs)
	}
	var grip string
	for _, line := range strings.Split(string(gpg("--with-colons", "--with-keygrip", "--list-secret-keys", "AGENT_OP")), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "grp" && grip == "" {
			grip = f[9]
		}
	}
	c := exec.Command(preset, "--preset", "-P", "agent secret", grip)
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("preset: %v %s", err, out)
	}
	if code, errs := build("signed.img"); code != 0 {
		t.Fatalf("with the passphrase in the agent: exit %d %s", code, errs)
	}
	verifies(t, filepath.Join(dir, "signed.img"), []string{pub}, "AGENT_OP")
}
