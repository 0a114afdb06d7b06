package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// demoKeys writes the embedded demo keys into a temp folder and returns it.
func demoKeys(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	names, _ := fs.Glob(assets.Keys(), "*")
	for _, n := range names {
		data, err := fs.ReadFile(assets.Keys(), n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type verifyJSON struct {
	OK     bool   `json:"ok"`
	Status int    `json:"status"`
	Text   string `json:"text"`
	Error  string `json:"error"`
	Blocks []struct {
		Name, Key, Hash string
		KeyID           string `json:"key_id"`
		OK              bool
		Status          int
	} `json:"blocks"`
}

type infoJSONOut struct {
	Model, Date, Description string
	Version                  int
	Sections                 []struct {
		Name     string
		DataSize int64 `json:"data_size"`
		Version  string
	}
	Blocks []struct {
		Name        string
		CreatedUnix uint32 `json:"created_unix"`
	}
	Unknown []any `json:"unknown_fields"`
}

// TestImageBuildInfoVerify goes through the command line: build (public and
// custom, with every optional section, both hashes) → info --json → verify --json.
func TestImageBuildInfoVerify(t *testing.T) {
	keys := demoKeys(t)
	dir := t.TempDir()
	rootDir := filepath.Join(dir, "rootfs")
	writeFile(t, filepath.Join(rootDir, "etc", "hostname"), []byte("mag\n"))
	writeFile(t, filepath.Join(rootDir, "usr", "bin", "app"), []byte(strings.Repeat("x", 5000)))
	sections := map[string]string{
		"--kernel":     writeFile(t, filepath.Join(dir, "uImage"), []byte(strings.Repeat("k", 1000))),
		"--env":        writeFile(t, filepath.Join(dir, "env.txt"), []byte("bootdelay=1\n")),
		"--bootstrap":  writeFile(t, filepath.Join(dir, "bootstrap"), []byte("bs")),
		"--userfs":     writeFile(t, filepath.Join(dir, "userfs"), []byte("userfs data")),
		"--secondboot": writeFile(t, filepath.Join(dir, "secondboot"), []byte("sb")),
		"--logo":       writeFile(t, filepath.Join(dir, "logo.bmp.gz"), []byte("logo bytes")),
	}
	cases := []struct {
		name, hash, custom string
		wantHash           string
	}{
		{"public sha1", "sha1", "", "SHA-1"},
		{"public sha256", "sha256", "", "SHA-256"},
		{"custom sha1", "sha1", "custom_alpha", "SHA-1"},
		{"custom default hash of MAG254", "", "custom_beta", "SHA-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".img")
			args := []string{"image", "build", "--model", "MAG254", "--version", "218", "--desc", "0.2.18-r19-pub-254",
				"--rootfs", rootDir, "--key", filepath.Join(keys, "stb_public.sec.asc"), "--out", out,
				"--date", "Thu Feb 21 00:43:44 EET 2019", "--bootstrap-version", "7", "--userfs-version", "3"}
			for flag, path := range sections {
				args = append(args, flag, path)
			}
			if c.hash != "" {
				args = append(args, "--hash", c.hash)
			}
			if c.custom != "" {
				args = append(args, "--custom-key", filepath.Join(keys, c.custom+".sec.asc"))
			}
			if code, _, errs := runCLI(t, args...); code != 0 {
				t.Fatalf("build: %d %s", code, errs)
			}
			code, stdout, errs := runCLI(t, "image", "info", out, "--json")
			if code != 0 {
				t.Fatalf("info: %d %s", code, errs)
			}
			var info infoJSONOut
			if err := json.Unmarshal([]byte(stdout), &info); err != nil {
				t.Fatalf("info json: %v\n%s", err, stdout)
			}
			if info.Model != "MAG254" || info.Version != 218 || info.Date != "Thu Feb 21 00:43:44 EET 2019" || len(info.Sections) != 7 || len(info.Blocks) != 8 {
				t.Errorf("info: %+v", info)
			}
			for _, b := range info.Blocks {
				if b.CreatedUnix != 1550702624 { // 2019-02-20 22:43:44 UTC, the --date in EET
					t.Errorf("block %s created %d", b.Name, b.CreatedUnix)
				}
			}
			if code, text, _ := runCLI(t, "image", "info", out); code != 0 || !strings.Contains(text, "SecondBoot") || !strings.Contains(text, "2019-02-20 22:43:44") {
				t.Errorf("info text:\n%s", text)
			}

			verifyArgs := []string{"image", "verify", out, "--json", "--key", filepath.Join(keys, "manufacturer.pub.asc"),
				"--key", filepath.Join(keys, "stb_public.pub.asc")}
			if c.custom != "" {
				verifyArgs = append(verifyArgs, "--key", filepath.Join(keys, c.custom+".pub.asc"))
			}
			code, stdout, errs = runCLI(t, verifyArgs...)
			var v verifyJSON
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatalf("verify json: %v\n%s", err, stdout)
			}
			if code != 0 || !v.OK || v.Status != 0 || len(v.Blocks) != 8 {
				t.Fatalf("verify: %d %s %+v", code, errs, v)
			}
			for _, b := range v.Blocks {
				want := "STB_PUBLIC"
				if b.Name == "RootFS" && c.custom != "" {
					want = strings.ToUpper(c.custom)
				}
				if !b.OK || b.Key != want || b.Hash != c.wantHash || len(b.KeyID) != 16 {
					t.Errorf("block %+v, want key %s hash %s", b, want, c.wantHash)
				}
			}
			// Without the custom key, the RootFS block fails: exit 3.
			if c.custom != "" {
				code, stdout, errs := runCLI(t, "image", "verify", out, "--json", "--key", filepath.Join(keys, "stb_public.pub.asc"))
				var v verifyJSON
				_ = json.Unmarshal([]byte(stdout), &v)
				if code != exitRefused || v.OK || v.Status != 17 || !strings.Contains(errs, "--key") {
					t.Errorf("verify without the custom key: exit %d %+v %s", code, v, errs)
				}
				// The RootFS of a Custom image carries the custom key.
				f, err := imagefmt.OpenFile(out)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				for {
					s, err := f.Next()
					if err != nil {
						t.Fatal(err)
					}
					if s.Kind == imagefmt.RootFS {
						break
					}
				}
				found, err := imagefmt.FindCustomKey(f)
				if err != nil || found == nil {
					t.Fatalf("no custom key in the RootFS: %v", err)
				}
			}
		})
	}

	// A build with the same --date repeats byte for byte.
	t.Run("reproducible", func(t *testing.T) {
		var outs [2][]byte
		for i := range outs {
			out := filepath.Join(dir, fmt.Sprintf("repeat%d.img", i))
			if code, _, errs := runCLI(t, "image", "build", "--model", "MAG322", "--version", "1", "--desc", "r",
				"--rootfs", rootDir, "--key", filepath.Join(keys, "stb_public.sec.asc"), "--out", out,
				"--custom-key", filepath.Join(keys, "custom_alpha.sec.asc"), "--date", "Tue Mar  5 10:00:00 MSK 2019"); code != 0 {
				t.Fatal(errs)
			}
			outs[i], _ = os.ReadFile(out)
		}
		if string(outs[0]) != string(outs[1]) {
			t.Error("two builds with the same inputs and --date differ")
		}
	})
}

// TestImageCLIErrors: every failure is one sentence on stderr with the right exit code,
// and --json still prints one object.
func TestImageCLIErrors(t *testing.T) {
	keys := demoKeys(t)
	dir := t.TempDir()
	pub := filepath.Join(keys, "stb_public.pub.asc")
	sec := filepath.Join(keys, "stb_public.sec.asc")
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("r", 3000)))
	good := filepath.Join(dir, "good.img")
	if code, _, errs := runCLI(t, "image", "build", "--model", "MAG324", "--version", "5", "--desc", "d",
		"--rootfs", rootfs, "--key", sec, "--out", good); code != 0 {
		t.Fatal(errs)
	}
	img, _ := os.ReadFile(good)
	flipped := append([]byte(nil), img...)
	flipped[len(flipped)-1000] ^= 1
	files := map[string]string{
		"empty":   writeFile(t, filepath.Join(dir, "empty.img"), nil),
		"cut":     writeFile(t, filepath.Join(dir, "cut.img"), img[:len(img)-10]),
		"flipped": writeFile(t, filepath.Join(dir, "flipped.img"), flipped),
		"garbage": writeFile(t, filepath.Join(dir, "garbage.img"), []byte("hello\nworld\n")),
		"notkey":  writeFile(t, filepath.Join(dir, "notkey.asc"), []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxx\n")),
	}
	cases := []struct {
		name   string
		args   []string
		exit   int
		status int // in the --json object (7 Internal error for a usage error); 0 for build, which has no --json
	}{
		{"verify good", []string{"image", "verify", good, "--key", pub}, 0, 0},
		{"verify with another key", []string{"image", "verify", good, "--key", filepath.Join(keys, "manufacturer.pub.asc")}, exitRefused, 17},
		{"verify flipped", []string{"image", "verify", files["flipped"], "--key", pub}, exitRefused, 17},
		{"verify empty", []string{"image", "verify", files["empty"], "--key", pub}, exitFormat, 22},
		{"verify garbage", []string{"image", "verify", files["garbage"], "--key", pub}, exitFormat, 22},
		{"verify cut", []string{"image", "verify", files["cut"], "--key", pub}, exitFormat, 22},
		{"verify missing", []string{"image", "verify", filepath.Join(dir, "nope.img"), "--key", pub}, exitError, 25},
		{"verify folder", []string{"image", "verify", dir, "--key", pub}, exitError, 25},
		{"info empty", []string{"image", "info", files["empty"]}, exitFormat, 22},
		{"info cut", []string{"image", "info", files["cut"]}, exitFormat, 22},
		{"info missing", []string{"image", "info", filepath.Join(dir, "nope.img")}, exitError, 25},
		{"info folder", []string{"image", "info", dir}, exitError, 25},
		{"info flipped is fine", []string{"image", "info", files["flipped"]}, 0, 0},
		{"verify without key", []string{"image", "verify", good}, exitError, 7},
		{"verify with a missing key", []string{"image", "verify", good, "--key", filepath.Join(dir, "none.asc")}, exitError, 7},
		{"verify with a broken key", []string{"image", "verify", good, "--key", files["notkey"]}, exitError, 7},
		{"verify two files", []string{"image", "verify", good, good, "--key", pub}, exitError, 7},
		{"build without model", []string{"image", "build", "--version", "1", "--rootfs", rootfs, "--key", sec, "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build with a public key", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", rootfs, "--key", pub, "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build with a missing rootfs", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", filepath.Join(dir, "none"), "--key", sec, "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build custom from a non-tar", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", rootfs, "--key", sec, "--custom-key", filepath.Join(keys, "custom_alpha.sec.asc"), "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build with a version that is not digits", []string{"image", "build", "--model", "MAG254", "--version", "2.18", "--rootfs", rootfs, "--key", sec, "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build with a bad hash", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", rootfs, "--key", sec, "--hash", "md5", "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build into a missing folder", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", rootfs, "--key", sec, "--out", filepath.Join(dir, "no", "x.img")}, exitError, 0},
		{"build with a newline in desc", []string{"image", "build", "--model", "MAG254", "--version", "1", "--desc", "a\nb", "--rootfs", rootfs, "--key", sec, "--out", filepath.Join(dir, "x.img")}, exitError, 0},
		{"build with a missing logo", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", rootfs, "--key", sec, "--logo", filepath.Join(dir, "none"), "--out", filepath.Join(dir, "x.img")}, exitError, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, c.args...)
			if code != c.exit {
				t.Errorf("exit %d, want %d (%s)", code, c.exit, errs)
			}
			if c.exit != 0 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", errs)
			}
			if c.exit != 0 && errs == "" {
				t.Error("nothing on stderr")
			}
			if c.args[1] == "build" {
				return
			}
			code, stdout, _ := runCLI(t, append(c.args, "--json")...)
			var v verifyJSON
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatalf("--json output is not one object: %v\n%s", err, stdout)
			}
			if code != c.exit || v.Status != c.status || v.OK != (c.exit == 0) {
				t.Errorf("--json: exit %d status %d ok %v, want %d %d", code, v.Status, v.OK, c.exit, c.status)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.img")); err == nil {
		t.Error("a failed build left an output file")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

// TestGnuPGKeysSignImages: a key made by gpg (exported binary and armored,
// public and secret) signs an image that `image verify` checks.
func TestGnuPGKeysSignImages(t *testing.T) {
	gpg, gpgFails := gpgHome(t)
	gpg(nil, "--quick-gen-key", "GPG_TEST", "rsa2048", "sign", "never")
	dir := t.TempDir()
	exports := map[string][]string{
		"pub.gpg": {"--export", "GPG_TEST"},
		"pub.asc": {"--armor", "--export", "GPG_TEST"},
		"sec.gpg": {"--export-secret-keys", "GPG_TEST"},
		"sec.asc": {"--armor", "--export-secret-keys", "GPG_TEST"},
	}
	for name, args := range exports {
		writeFile(t, filepath.Join(dir, name), gpg(nil, args...))
	}
	var fpr string
	for _, line := range strings.Split(string(gpg(nil, "--with-colons", "--list-keys", "GPG_TEST")), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" && fpr == "" {
			fpr = f[9]
		}
	}
	if len(fpr) != 40 {
		t.Fatalf("no fingerprint from gpg")
	}
	rootfs := writeFile(t, filepath.Join(dir, "rootfs.bin"), []byte(strings.Repeat("gpg", 2000)))
	env := writeFile(t, filepath.Join(dir, "env"), []byte("a=b\n"))
	for _, secName := range []string{"sec.gpg", "sec.asc"} {
		for _, hash := range []string{"sha1", "sha256"} {
			out := filepath.Join(dir, secName+"."+hash+".img")
			if code, _, errs := runCLI(t, "image", "build", "--model", "MAG256", "--version", "9", "--desc", "gpg",
				"--rootfs", rootfs, "--env", env, "--key", filepath.Join(dir, secName), "--hash", hash, "--out", out); code != 0 {
				t.Fatalf("build with %s: %s", secName, errs)
			}
			for _, pubName := range []string{"pub.gpg", "pub.asc"} {
				code, stdout, errs := runCLI(t, "image", "verify", out, "--key", filepath.Join(dir, pubName), "--json")
				var v verifyJSON
				_ = json.Unmarshal([]byte(stdout), &v)
				if code != 0 || !v.OK {
					t.Fatalf("%s signed, %s verify: %d %s", secName, pubName, code, errs)
				}
				for _, b := range v.Blocks {
					if b.Key != "GPG_TEST" || b.KeyID != fpr[24:] {
						t.Errorf("block %s: key %s %s, want GPG_TEST %s", b.Name, b.Key, b.KeyID, fpr[24:])
					}
				}
			}
			// Cross-check with gpg itself: the Env block, wrapped as the
			// OpenPGP version-3 signature packet it is, verifies with gpg --verify.
			pub, err := imagefmt.LoadKeyFile(filepath.Join(dir, "pub.gpg"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := imagefmt.OpenFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.ReadAll(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			var envBlock imagefmt.Block
			for _, s := range f.Signed() {
				if s.Name == "Env" {
					envBlock = s.Block
				}
			}
			sig := v3Signature(t, envBlock, pub)
			sigPath := writeFile(t, filepath.Join(dir, "env."+hash+".sig"), sig)
			gpg(nil, "--verify", sigPath, env)
			if !gpgFails("--verify", sigPath, rootfs) {
				t.Error("gpg --verify accepted the Env signature over other data")
			}
		}
	}
}

// v3Signature wraps a 263-byte block as an OpenPGP version-3 signature packet
// (RFC 4880 §5.2.2): the block is such a packet without the key id, the
// algorithm numbers and the digest's first two bytes, which the key restores.
func v3Signature(t *testing.T, blk imagefmt.Block, key *imagefmt.Key) []byte {
	t.Helper()
	alg, digest, ok := blk.Recover(key.Public)
	if !ok {
		t.Fatal("the block was not made by the key")
	}
	hashID := map[string]byte{"SHA-1": 2, "SHA-256": 8}[imagefmt.HashName(alg)]
	raw := blk.Bytes()
	body := []byte{3, 5}
	body = append(body, raw[0:5]...) // class and creation time
	for i := 7; i >= 0; i-- {
		body = append(body, byte(key.ID>>(8*i)))
	}
	body = append(body, 1, hashID, digest[0], digest[1])
	sig := raw[7:]
	for len(sig) > 0 && sig[0] == 0 {
		sig = sig[1:]
	}
	body = append(body, raw[5], raw[6]) // the MPI's bit count
	body = append(body, sig...)
	n := len(body) - 192
	return append([]byte{0xc2, byte(n>>8) + 192, byte(n)}, body...)
}

// TestRealBlocksVerifyWithGnuPG: the manufacturer's real Env and Logotype
// blocks, wrapped as OpenPGP version-3 signatures, verify with gpg and the
// real STB_PUBLIC key: the block format is OpenPGP's, byte for byte.
func TestRealBlocksVerifyWithGnuPG(t *testing.T) {
	const vectors = "../../../shared/vectors"
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(vectors, name))
		if os.IsNotExist(err) {
			t.Skipf("real vectors not found at %s; skipping", vectors)
		}
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	keyFile, global := read("stb_pub_sign.key"), read("global_sig")
	gpg, gpgFails := gpgHome(t)
	key, err := imagefmt.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gpg(nil, "--import", writeFile(t, filepath.Join(dir, "stb_public.gpg"), key.PublicBytes()))
	for i, c := range []struct{ name, data string }{{"Env", "env_mag250.txt"}, {"Logotype", "logo.bmp.gz"}} {
		blk, err := imagefmt.ParseBlock(global[206+(i+1)*imagefmt.BlockSize : 206+(i+2)*imagefmt.BlockSize])
		if err != nil {
			t.Fatal(err)
		}
		sig := writeFile(t, filepath.Join(dir, c.name+".sig"), v3Signature(t, blk, key))
		data := filepath.Join(vectors, c.data)
		gpg(nil, "--verify", sig, data)
		if !gpgFails("--verify", sig, filepath.Join(vectors, "stb_pub_sign.bin")) {
			t.Errorf("gpg accepted the real %s block over other data", c.name)
		}
	}
}
