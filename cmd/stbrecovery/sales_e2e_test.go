package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSalesDemoEndToEnd walks README's sales demo with the real program, each
// step a separate process, all on loopback: an operator-locked box installs
// the operator's image, whose Env section points autoupdateURL at the
// operator's server; `device autoupdate` then installs the newer release
// from that server, and the server's log shows the portal's X- headers.
func TestSalesDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	tmp := t.TempDir()
	bin := programPath(t)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = tmp
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String()
	}
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := run(args...)
		if code != 0 {
			t.Fatalf("stbrecovery %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr

	// The operator's key and a box locked to it.
	must("key", "demo", "--out", "keys")
	must("device", "init", "--home", "box", "--model", "MAG254", "--operator-key", "keys/operator_one.key")

	// The operator's images: 219 (with the Env section) on the stick, 220 on the server.
	if err := os.MkdirAll(filepath.Join(tmp, "rootfs", "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(tmp, "rootfs", "etc", "version"), []byte("operator build\n"), 0o644)
	os.WriteFile(filepath.Join(tmp, "env.txt"), []byte("autoupdateURL="+base+"/mag254/update_list.txt\nautoupdate_cond=0\nserial#=0000\n"), 0o644)
	os.MkdirAll(filepath.Join(tmp, "stick", "mag254"), 0o755)
	os.MkdirAll(filepath.Join(tmp, "www", "mag254"), 0o755)
	for _, img := range []struct{ version, date, out string }{
		{"219", "Mon Mar 02 10:00:00 EET 2020", "stick/mag254/imageupdate"},
		{"220", "Mon Jun 01 10:00:00 EET 2020", "www/mag254/imageupdate"},
	} {
		must("image", "build", "--model", "MAG254", "--version", img.version, "--desc", "0.2."+img.version+"-op-254",
			"--date", img.date, "--rootfs", "rootfs", "--env", "env.txt", "--key", "keys/operator_one.sec.asc", "--out", img.out)
	}

	// The operator's server.
	serve := exec.Command(bin, "serve", "--dir", filepath.Join(tmp, "www"), "--addr", addr)
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var serveLog bytes.Buffer
	serve.Stderr = &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		serve.Process.Kill()
		serve.Wait()
	}()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), base) {
				close(ready)
				for sc.Scan() {
				}
				return
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}

	// The operator's image from the stick: its Env section is applied.
	out := must("device", "update", "--home", "box", "--usb", "stick")
	for _, want := range []string{"16 Update finished OK", "autoupdateURL=" + base + "/mag254/update_list.txt", "serial#=0000 skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("device update printed no %q:\n%s", want, out)
		}
	}
	if got := must("device", "get", "--home", "box", "autoupdateURL", "autoupdate_cond"); got != "autoupdateURL="+base+"/mag254/update_list.txt\nautoupdate_cond=0\n" {
		t.Errorf("device get: %q", got)
	}

	// Check now against the operator's server.
	code, js, errs := run("device", "autoupdate", "--home", "box", "--json")
	var rep struct {
		Outcome string `json:"outcome"`
		Status  int    `json:"status"`
		Steps   []struct {
			Name string `json:"name"`
			Pass bool   `json:"pass"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("device autoupdate --json printed %q (%v) %s", js, err, errs)
	}
	if code != 0 || rep.Outcome != "installed" || rep.Status != 16 {
		t.Fatalf("device autoupdate: exit %d, %s %d\n%s", code, rep.Outcome, rep.Status, js)
	}
	var names []string
	for _, s := range rep.Steps {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "autoupdate_cond,update_list.txt,list date,image date,type,install" {
		t.Errorf("steps %v", names)
	}
	if got := must("device", "get", "--home", "box", "Image_Version"); got != "Image_Version=220\n" {
		t.Errorf("after Autoupdate: %q", got)
	}
	boot := must("device", "boot", "--home", "box")
	if !strings.Contains(boot, "[GO__]") || !strings.Contains(boot, "0.2.220-op-254") {
		t.Errorf("device boot: %s", boot)
	}

	// The server saw the portal's headers.
	serve.Process.Signal(os.Interrupt)
	serve.Wait()
	log := serveLog.String()
	for _, want := range []string{"X-SerialNumber", "X-MacAddress", "X-ModelNameEx=MAG254", "X-CurrentVersion=219"} {
		if !strings.Contains(log, want) {
			t.Errorf("the server's log lacks %q:\n%s", want, log)
		}
	}
}
