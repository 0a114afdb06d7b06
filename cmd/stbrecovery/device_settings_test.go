package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageInfoShowsEnvSection: image info lists the Env section's lines,
// in text and in JSON, as the settings they will set.
func TestImageInfoShowsEnvSection(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "key", "demo", "--out", filepath.Join(dir, "keys")); code != 0 {
		t.Fatal(errs)
	}
	os.MkdirAll(filepath.Join(dir, "rootfs"), 0o755)
	os.WriteFile(filepath.Join(dir, "rootfs", "hello"), []byte("hi\n"), 0o644)
	env := filepath.Join(dir, "env.txt")
	os.WriteFile(env, []byte("autoupdateURL=http://ops.example/mag254/\nnot a pair\n"), 0o644)
	img := filepath.Join(dir, "img")
	if code, _, errs := runCLI(t, "image", "build", "--model", "MAG254", "--version", "219", "--desc", "0.2.19-op", "--rootfs", filepath.Join(dir, "rootfs"),
		"--env", env, "--key", filepath.Join(dir, "keys", "operator_one.sec.asc"), "--out", img); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCLI(t, "image", "info", img)
	if code != 0 || !strings.Contains(out, "Env section") || !strings.Contains(out, "  autoupdateURL=http://ops.example/mag254/\n") || !strings.Contains(out, "not a pair  (the line is not NAME=VALUE: skipped)") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "image", "info", "--json", img)
	var info struct {
		Env []map[string]string `json:"env"`
	}
	if err := json.Unmarshal([]byte(out), &info); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s", code, err, out)
	}
	if len(info.Env) != 2 || info.Env[0]["name"] != "autoupdateURL" || info.Env[1]["problem"] == "" {
		t.Errorf("env %v", info.Env)
	}
}

// TestDeviceSetGetCLI: device set is all or nothing, names the bad pair and
// exits 1; device get prints fw_printenv lines and fails on a missing name.
func TestDeviceSetGetCLI(t *testing.T) {
	home := filepath.Join(t.TempDir(), "box")
	if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254", "--set", "autoupdate_cond=0"); code != 0 {
		t.Fatal(errs)
	}
	state := func() string {
		data, err := os.ReadFile(filepath.Join(home, "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	before := state()
	for _, bad := range [][]string{{"tvsystem=PAL", "autoupdate_cond=7"}, {"serial#=1"}, {"Image_Version=999"}, {"nosuch=1"}, {"autoupdateURL=x"}, {"novalue"}} {
		code, _, errs := runCLI(t, append([]string{"device", "set", "--home", home}, bad...)...)
		if code != 1 || !strings.Contains(errs, "nothing was changed") && !strings.Contains(errs, "NAME=VALUE") {
			t.Errorf("set %v: exit %d %q", bad, code, errs)
		}
		if state() != before {
			t.Fatalf("set %v changed the state", bad)
		}
	}
	if code, out, errs := runCLI(t, "device", "set", "--home", home, "autoupdate_cond=2", "betaupdate_cond=0"); code != 0 || out != "autoupdate_cond=2\nbetaupdate_cond=0\n" {
		t.Fatalf("exit %d %q %s", code, out, errs)
	}
	if code, out, _ := runCLI(t, "device", "get", "--home", home, "betaupdate_cond", "autoupdate_cond"); code != 0 || out != "betaupdate_cond=0\nautoupdate_cond=2\n" {
		t.Errorf("get: exit %d %q", code, out)
	}
	if code, _, errs := runCLI(t, "device", "get", "--home", home, "nosuch"); code != 1 || !strings.Contains(errs, "no setting nosuch") {
		t.Errorf("get nosuch: exit %d %q", code, errs)
	}
	code, out, _ := runCLI(t, "device", "set", "--home", home, "--json", "autoupdate_cond=9")
	var fail map[string]any
	if err := json.Unmarshal([]byte(out), &fail); err != nil || code != 1 || fail["ok"] != false || !strings.Contains(fail["error"].(string), "autoupdate_cond=9") {
		t.Errorf("set --json failure: exit %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "device", "boot", "--home", home, "--json"); code != 0 || !strings.Contains(out, `"panel": "GO__"`) {
		t.Errorf("boot: exit %d %s", code, out)
	}
}
