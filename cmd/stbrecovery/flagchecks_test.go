package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagChecks(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "box")
	tests := []struct {
		name string
		args []string
		want string // the error line on stderr
	}{
		{"init without --home", []string{"device", "init", "--model", "MAG254"}, "give the box's folder with --home DIR"},
		{"init without --model", []string{"device", "init", "--home", home}, "give the model with --model, e.g. --model MAG254"},
		{"init without both", []string{"device", "init"}, "give the box's folder with --home DIR; give the model with --model, e.g. --model MAG254"},
		{"init with an empty --home", []string{"device", "init", "--home", "", "--model", "MAG254"}, "--home is empty; give the box's folder with --home DIR"},
		{"show without --home", []string{"device", "show"}, "give the box's folder with --home DIR"},
		{"get without --home", []string{"device", "get", "Language"}, "give the box's folder with --home DIR"},
		{"stick without --out", []string{"device", "stick"}, "give the stick's folder with --out DIR"},
		{"update without an image", []string{"device", "update", "--home", home}, "give the image with one of --usb DIR or --url URL"},
		{"update with two images", []string{"device", "update", "--home", home, "--usb", dir, "--url", "http://127.0.0.1:1/x"}, "give the image with only one of --usb DIR or --url URL, not both"},
		{"update with an empty --usb", []string{"device", "update", "--home", home, "--usb", ""}, "--usb is empty; give the image with one of --usb DIR or --url URL"},
		{"verify without --key", []string{"image", "verify", "imageupdate"}, "give at least one public key with --key PUB"},
		{"build without flags", []string{"image", "build"}, "give the box model with --model, e.g. --model MAG254; say where to write the image with --out FILE; give the RootFS with --rootfs DIR or --rootfs FILE; give the image version with --version, e.g. --version 218"},
		{"build without a signer", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", dir, "--out", filepath.Join(dir, "img")}, "give the signing key with --key SIGNER.sec.asc, or --gpg-key ID for a key of your GnuPG keyring"},
		{"build with two signers", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", dir, "--out", filepath.Join(dir, "img"), "--key", "a", "--gpg-key", "b"}, "give the signing key once: --key FILE or --gpg-key ID, not both"},
		{"build with two custom keys", []string{"image", "build", "--model", "MAG254", "--version", "1", "--rootfs", dir, "--out", filepath.Join(dir, "img"), "--key", "a", "--custom-key", "b", "--gpg-custom-key", "c"}, "give the custom key once: --custom-key FILE or --gpg-custom-key ID, not both"},
		{"key gen without --name", []string{"key", "gen", "--out", dir}, "give the key a name with --name NAME"},
		{"key gen with a blank --name", []string{"key", "gen", "--name", "  ", "--out", dir}, "--name is empty; give the key a name with --name NAME"},
		{"key certify without --by", []string{"key", "certify", "--out", "x.key", "k.pub.asc"}, "give the manufacturer's secret key with --by MANUF.sec.asc"},
		{"key demo without --out", []string{"key", "demo"}, "say where to write the demo keys with --out DIR"},
		{"serve without --dir", []string{"serve"}, "give the folder of images with --dir DIR"},
		{"classroom without --code", []string{"classroom", "--dir", dir}, "give the class code trainees log in with: --code CODE"},
		{"classroom report without --dir", []string{"classroom", "report"}, "give the class folder with --dir DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if want := "stbrecovery: " + tt.want + "\n"; stderr != want {
				t.Errorf("stderr = %q\nwant     %q", stderr, want)
			}
		})
	}
}

func TestFlagChecksJSON(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	tests := []struct {
		args      []string
		want      string
		installed bool // the object of a failed install carries "installed": false
	}{
		{[]string{"device", "update", "--home", home, "--json"}, "give the image with one of --usb DIR or --url URL", true},
		{[]string{"device", "show", "--json"}, "give the box's folder with --home DIR", false},
		{[]string{"image", "verify", "imageupdate", "--json"}, "give at least one public key with --key PUB", false},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != exitError || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and the error in the JSON", tt.args, code, stderr)
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(stdout), &obj); err != nil {
			t.Fatalf("%v: stdout is not one JSON object: %v\n%s", tt.args, err, stdout)
		}
		if obj["ok"] != false || obj["error"] != tt.want {
			t.Errorf("%v: %v; want ok false and error %q", tt.args, obj, tt.want)
		}
		if _, has := obj["installed"]; has != tt.installed {
			t.Errorf("%v: installed present = %v, want %v", tt.args, has, tt.installed)
		}
		if strings.Contains(stdout, "required flag") || strings.Contains(stdout, "in the group") {
			t.Errorf("%v: cobra's own words leaked: %s", tt.args, stdout)
		}
	}
}
