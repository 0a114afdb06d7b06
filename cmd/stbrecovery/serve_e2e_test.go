package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// TestServeEndToEnd builds the program, runs `stbrecovery serve` in one
// process and `stbrecovery device init` / `device update --url` in others,
// all on loopback: one image installs (exit 0, status 16), one is refused
// (exit 3, status 17) and leaves the box as it was.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	tmp := t.TempDir()
	bin := programPath(t)

	// The images: a Public image (installs at the boot stage of a factory
	// box) and an operator image (refused: R1, the box has no operator key).
	m, err := device.LookupModel("MAG254")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "www")
	for folder, name := range map[string]string{"mag254": "public", "operator": "operator-one"} {
		var b bytes.Buffer
		if err := demoimage.BuildNamed(&b, keys, m.DemoModel(), name); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, folder), 0o755)
		if err := os.WriteFile(filepath.Join(dir, folder, "imageupdate"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The server, on a free loopback port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serve := exec.Command(bin, "serve", "--dir", dir, "--addr", addr)
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var serveLog bytes.Buffer
	serve.Stderr = &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			serve.Process.Kill()
			serve.Wait()
		}
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	base := "http://" + addr
	select {
	case l := <-lines:
		if !strings.Contains(l, base) {
			t.Fatalf("serve says %q", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}

	// `device` runs the program and returns its exit code and stdout.
	device := func(args ...string) (int, []byte) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"device"}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if errb.Len() > 0 {
			t.Logf("device %s: stderr %s", args[0], errb.String())
		}
		return code, out.Bytes()
	}
	type result struct {
		Status    int    `json:"status"`
		Text      string `json:"text"`
		Rule      string `json:"rule"`
		Installed bool   `json:"installed"`
		Explain   string `json:"explain"`
	}
	for _, c := range []struct {
		name, url string
		code      int
		status    int
		installed bool
	}{
		{"installs", base + "/mag254/imageupdate", exitOK, 16, true},
		{"refused", base + "/operator/imageupdate", exitRefused, 17, false},
		{"not found", base + "/nothing/imageupdate", exitError, 25, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := filepath.Join(tmp, "box-"+strings.ReplaceAll(c.name, " ", "-"))
			if code, out := device("init", "--home", home, "--model", "MAG254"); code != 0 {
				t.Fatalf("device init: exit %d: %s", code, out)
			}
			_, before := device("show", "--home", home, "--json")
			code, out := device("update", "--home", home, "--url", c.url, "--json")
			var r result
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("device update --json printed %q: %v", out, err)
			}
			if code != c.code || r.Status != c.status || r.Installed != c.installed {
				t.Fatalf("exit %d, %+v; want exit %d, status %d", code, r, c.code, c.status)
			}
			if r.Explain == "" {
				t.Error("no explanation")
			}
			_, after := device("show", "--home", home, "--json")
			if changed := !bytes.Equal(before, after); changed != c.installed {
				t.Errorf("device show changed: %v; installed: %v", changed, c.installed)
			}
		})
	}

	// The list names both images, with their URLs on this server.
	resp, err := http.Get(base + "/update_list.txt")
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Type string `json:"type"`
	}
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("update_list.txt: %v (HTTP %d)", err, resp.StatusCode)
	}
	urls := map[string]bool{}
	for _, e := range list {
		urls[e.URL] = true
		if e.Name == "" || e.Type != "release" {
			t.Errorf("list entry %+v", e)
		}
	}
	if len(list) != 2 || !urls[base+"/mag254/imageupdate"] || !urls[base+"/operator/imageupdate"] {
		t.Errorf("update_list.txt lists %+v", list)
	}

	// Ctrl+C stops the server cleanly. Its output is read to the end before
	// Wait, which closes the pipe.
	if err := serve.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []string
	timeout := time.After(10 * time.Second)
read:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break read
			}
			rest = append(rest, l)
		case <-timeout:
			t.Fatal("serve did not stop on SIGINT")
		}
	}
	stopped = true
	if err := serve.Wait(); err != nil {
		t.Errorf("serve exited with %v; log:\n%s", err, serveLog.String())
	}
	if !strings.Contains(strings.Join(rest, "\n"), "Stopped.") {
		t.Errorf("serve output: %q", rest)
	}
	log := serveLog.String()
	for _, want := range []string{"GET /mag254/imageupdate 200", "GET /operator/imageupdate 200", "GET /nothing/imageupdate 404"} {
		if !strings.Contains(log, want) {
			t.Errorf("serve log lacks %q:\n%s", want, log)
		}
	}
}
