package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

// TestDeviceHelperProcess is the command line in a child process, for the
// tests that kill it; it runs only when a test starts it.
func TestDeviceHelperProcess(t *testing.T) {
	if os.Getenv("STBRECOVERY_HELPER") != "1" {
		t.Skip("runs only as a child process of another test")
	}
	os.Exit(run(context.Background(), flag.Args(), os.Stdout, os.Stderr))
}

func helperCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestDeviceHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "STBRECOVERY_HELPER=1")
	return cmd
}

// ramDir is a test folder on a RAM disk when there is one (the box syncs every write).
func ramDir(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "stbcli"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

func demoImage(t *testing.T, m device.Model, name string, rootfs int64) []byte {
	t.Helper()
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	d, err := demoimage.Lookup(m.DemoModel(), name)
	if err != nil {
		t.Fatal(err)
	}
	d.Spec.RootFSSize = rootfs
	var buf bytes.Buffer
	if err := demoimage.Build(&buf, keys, m.DemoModel(), d.Spec); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func stickWith(t *testing.T, m device.Model, data []byte) string {
	t.Helper()
	dir := ramDir(t)
	writeFile(t, filepath.Join(dir, m.USBFolder(), "imageupdate"), data)
	return dir
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeviceInitShowUpdate(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	home := filepath.Join(ramDir(t), "box")
	code, out, errOut := runCLI(t, "device", "init", "--home", home, "--model", "mag254")
	if code != 0 || !strings.Contains(out, "0.2.18-r23-254") {
		t.Fatalf("init: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != exitError || !strings.Contains(errOut, "already holds a box") {
		t.Fatalf("second init: %d %q", code, errOut)
	}
	code, out, _ = runCLI(t, "device", "show", "--home", home)
	for _, want := range []string{"Model:          MAG254", "Bank 0 *", "MANUFACTURER", "Image_Version=218", "ethaddr=00:1A:79:", "bootmode=NAND"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	stick := stickWith(t, m, demoImage(t, m, "public", 0))
	code, out, _ = runCLI(t, "device", "update", "--home", home, "--usb", stick, "--json")
	var res device.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitOK || res.Status != 16 || !res.Installed || res.Rule != "R1" {
		t.Fatalf("update: %d %v %+v", code, err, res)
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"status", "text", "rule", "installed", "explain"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("the JSON lacks %q", k)
		}
	}
	code, out, _ = runCLI(t, "device", "show", "--home", home, "--json")
	var st device.State
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 || st.Active != 1 || st.Settings["Image_Version"] != "219" {
		t.Fatalf("show --json: %d %v %+v", code, err, st)
	}
	// Refused by the rules: exit 3, one sentence on stderr.
	code, _, errOut = runCLI(t, "device", "update", "--home", home, "--usb", stick)
	if code != exitRefused || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "--force") {
		t.Fatalf("same version: %d %q", code, errOut)
	}
	// Other errors: exit 1.
	for _, args := range [][]string{
		{"device", "update", "--home", home},
		{"device", "update", "--home", home, "--usb", filepath.Join(stick, "nope")},
		{"device", "update", "--home", filepath.Join(home, "nope"), "--usb", stick},
		{"device", "update", "--home", home, "--usb", stick, "--via", "sideways"},
		{"device", "show"},
		{"device", "init", "--home", home + "2", "--model", "MAG999"},
	} {
		if code, _, errOut := runCLI(t, args...); code != exitError || errOut == "" {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
	}
	if code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", filepath.Join(stick, "nope"), "--json"); code != exitError || !json.Valid([]byte(out)) {
		t.Errorf("--json failure: %d %q", code, out)
	}
}

// TestDeviceRefusedUpdateLeavesShowUnchanged: refusals and failures change nothing that `device show` prints.
func TestDeviceRefusedUpdateLeavesShowUnchanged(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	home := filepath.Join(ramDir(t), "box")
	if code, _, e := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatal(e)
	}
	// Both banks valid, so that the inactive one has something to lose.
	if code, _, e := runCLI(t, "device", "update", "--home", home, "--usb", stickWith(t, m, demoImage(t, m, "public", 0))); code != 0 {
		t.Fatal(e)
	}
	_, before, _ := runCLI(t, "device", "show", "--home", home)
	_, beforeJSON, _ := runCLI(t, "device", "show", "--home", home, "--json")
	cases := []struct {
		name string
		data []byte
		via  string
		code int
	}{
		{"tampered", demoImage(t, m, "tampered", 0), "boot", exitRefused},
		{"wrong-model", demoImage(t, m, "wrong-model", 0), "boot", exitRefused},
		{"older", demoImage(t, m, "public-older", 0), "boot", exitRefused},
		{"operator", demoImage(t, m, "operator-one", 0), "boot", exitRefused},
		{"wrong-hash", demoImage(t, m, "wrong-hash", 0), "boot", exitRefused},
		{"factory on public portal, older", demoImage(t, m, "factory", 0), "portal", exitRefused},
		{"custom on the portal", demoImage(t, m, "custom-alpha-next", 0), "portal", exitRefused},
		{"cut short", demoImage(t, m, "cut-short", 0), "boot", exitError},
		{"garbage", []byte("STB Model:MAG254\nDate:x\n"), "boot", exitError},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, "device", "update", "--home", home, "--usb", stickWith(t, m, c.data), "--via", c.via)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d (%s)", c.name, code, c.code, errOut)
		}
		_, after, _ := runCLI(t, "device", "show", "--home", home)
		_, afterJSON, _ := runCLI(t, "device", "show", "--home", home, "--json")
		if after != before || afterJSON != beforeJSON {
			t.Fatalf("%s changed device show:\n%s\n---\n%s", c.name, before, after)
		}
	}
}

// TestDeviceUpdateSurvivesSIGKILL kills `device update` with SIGKILL at 20
// points of the transfer (the image comes from a loopback server that sends
// part of it and then holds the connection, so the kill lands where the test
// wants it); every time, `device show` still reads the box and
// it still boots an image: the old one, or the new one once it was switched to.
func TestDeviceUpdateSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 processes")
	}
	m, _ := device.LookupModel("MAG254")
	base := filepath.Join(ramDir(t), "box")
	if _, err := device.Init(base, device.InitOptions{Model: "MAG254"}); err != nil {
		t.Fatal(err)
	}
	if code, _, e := runCLI(t, "device", "update", "--home", base, "--usb", stickWith(t, m, demoImage(t, m, "public", 0))); code != 0 {
		t.Fatal(e)
	}
	data := demoImage(t, m, "public-next", 4<<20)
	const points = 20
	midWrite, invalidAfter, switched := 0, 0, 0
	for i := 1; i <= points; i++ {
		home := filepath.Join(ramDir(t), "box")
		copyTree(t, base, home)
		const whole = points - 2 // the last points send everything
		n := len(data) * i / whole
		if i >= whole {
			n = len(data) // the kill lands in writing, verify or commit, or after
		}
		hold := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.Write(data[:n])
			w.(http.Flusher).Flush()
			if n < len(data) {
				select {
				case <-hold:
				case <-r.Context().Done():
				}
			}
		}))
		cmd := helperCmd("device", "update", "--home", home, "--url", srv.URL+"/imageupdate")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if n == len(data) {
			waitBankFile(filepath.Join(home, "bank0"))
			time.Sleep(time.Duration(1+(i-whole)*30) * time.Millisecond)
		} else {
			// Let the box write what it has read: wait for the bank file to
			// appear, then for it to stop growing.
			waitSettled(filepath.Join(home, "bank0"))
		}
		tmps, _ := filepath.Glob(filepath.Join(home, "bank0", ".imageupdate.*.tmp"))
		wasMid := len(tmps) > 0
		if wasMid {
			midWrite++
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		close(hold)
		srv.Close()

		code, out, errOut := runCLI(t, "device", "show", "--home", home)
		if code != 0 || !strings.Contains(out, "Bank 1") {
			t.Fatalf("point %d (%d of %d bytes): show failed: %d %s", i, n, len(data), code, errOut)
		}
		if code, out, _ := runCLI(t, "device", "show", "--home", home, "--json"); code != 0 || !json.Valid([]byte(out)) {
			t.Fatalf("point %d: show --json failed", i)
		}
		if code, out, errOut := runCLI(t, "device", "boot", "--home", home); code != 0 || !strings.Contains(out, "[GO__]") {
			t.Fatalf("point %d: device boot: %d %s%s", i, code, out, errOut)
		}
		b, err := device.Open(home)
		if err != nil {
			t.Fatalf("point %d: %v", i, err)
		}
		br := b.Boot()
		st := b.State()
		switch {
		case !br.OK:
			t.Fatalf("point %d (%d of %d bytes): the box does not boot: %+v", i, n, len(data), br.Stages)
		case br.Image.Version == m.FactoryVersion+1 && br.Bank == 1:
			if !st.Banks[0].Valid {
				invalidAfter++
			} else if wasMid {
				// RULES.md: a power cut while writing leaves the inactive bank invalid.
				t.Errorf("point %d: killed while bank 0 was being written, yet bank 0 is valid", i)
			}
		case br.Image.Version == m.FactoryVersion+2 && br.Bank == 0 && n == len(data):
			switched++
		default:
			t.Fatalf("point %d: boots %+v from bank %d", i, br.Image, br.Bank)
		}
		// The box recovers: the same update, now uncut, installs.
		if i%5 == 0 && br.Bank == 1 {
			if code, _, e := runCLI(t, "device", "update", "--home", home, "--usb", stickWith(t, m, data)); code != 0 {
				t.Fatalf("point %d: update after the cut: %s", i, e)
			}
		}
	}
	t.Logf("%d kills: %d landed while the bank file was being written, %d left the inactive bank invalid, %d after the switch", points, midWrite, invalidAfter, switched)
	if midWrite < points-4 {
		t.Errorf("only %d of %d kills landed mid-write", midWrite, points)
	}
}

// waitSettled waits (up to 5 s) until a temporary bank file exists in dir and
// its size holds still for 20 ms.
func waitSettled(dir string) {
	deadline := time.Now().Add(5 * time.Second)
	last := int64(-1)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		tmps, _ := filepath.Glob(filepath.Join(dir, ".imageupdate.*.tmp"))
		if len(tmps) == 0 {
			continue
		}
		fi, err := os.Stat(tmps[0])
		if err != nil {
			continue
		}
		if fi.Size() == last {
			return
		}
		last = fi.Size()
	}
}

// waitBankFile waits (up to 5 s) until dir holds a temporary bank file or
// the bank's image.
func waitBankFile(dir string) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if tmps, _ := filepath.Glob(filepath.Join(dir, "*imageupdate*")); len(tmps) > 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestRulesCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "rules")
	if code != 0 {
		t.Fatalf("%d %s", code, errOut)
	}
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := device.LookupModel("MAG254")
	cells, err := device.Matrix(keys, m)
	if err != nil || len(cells) == 0 {
		t.Fatalf("Matrix: %d cells, %v", len(cells), err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(cells)+3 {
		t.Fatalf("%d lines for %d cells", len(lines), len(cells))
	}
	// Each row shows the decision of its cell: its result and its rule.
	for i, c := range cells {
		row := strings.Fields(lines[i+3])
		want := fmt.Sprintf("%d %s", c.Decision.Status, c.Decision.Text)
		if !strings.Contains(lines[i+3], want) || len(row) == 0 || row[len(row)-1] != string(c.Decision.Rule) || row[0] != string(c.Case.Path) || row[3] != c.Case.Incoming {
			t.Errorf("row %d %q; want %+v: %s %s", i, lines[i+3], c.Case, want, c.Decision.Rule)
		}
	}
	if !strings.Contains(out, "portal  custom-alpha  -          custom-beta") || !strings.Contains(out, "17 Wrong signature") {
		t.Errorf("unexpected table:\n%s", out)
	}
	code, out, _ = runCLI(t, "rules", "--model", "MAG322", "--json")
	var got struct {
		Cells []struct {
			Path        string
			Running     string
			OperatorKey bool `json:"operator_key"`
			Incoming    string
			Status      int
			Rule        string
			Installed   bool
		}
	}
	m322, _ := device.LookupModel("MAG322")
	cells322, err := device.Matrix(keys, m322)
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Cells) != len(cells322) {
		t.Fatalf("rules --json: %d %q", code, out)
	}
	accepted := 0
	for i, c := range cells322 {
		g := got.Cells[i]
		if g.Path != string(c.Case.Path) || g.Running != c.Case.Running || g.OperatorKey != c.Case.OperatorKey || g.Incoming != c.Case.Incoming ||
			g.Status != int(c.Decision.Status) || g.Rule != string(c.Decision.Rule) || g.Installed != c.Decision.Accept {
			t.Errorf("cell %d: --json says %+v; Matrix says %+v %d %s", i, g, c.Case, c.Decision.Status, c.Decision.Rule)
		}
		if g.Installed {
			accepted++
		}
	}
	if accepted == 0 || accepted == len(cells322) {
		t.Errorf("%d of %d cells accepted; a real matrix accepts some and refuses others", accepted, len(cells322))
	}
	if code, _, _ := runCLI(t, "rules", "--model", "XYZ"); code != exitError {
		t.Errorf("unknown model: %d", code)
	}
}

func TestDeviceUpdateFlags(t *testing.T) {
	m, _ := device.LookupModel("MAG322")
	home := filepath.Join(ramDir(t), "box")
	if code, _, e := runCLI(t, "device", "init", "--home", home, "--model", "MAG322"); code != 0 {
		t.Fatal(e)
	}
	same := stickWith(t, m, demoImage(t, m, "public-same", 0))
	if code, _, _ := runCLI(t, "device", "update", "--home", home, "--usb", same); code != exitRefused {
		t.Errorf("same version without --force: %d", code)
	}
	if code, _, e := runCLI(t, "device", "update", "--home", home, "--usb", same, "--force"); code != exitOK {
		t.Fatalf("same version with --force: %d %s", code, e)
	}
	// The box now runs a Public image of version 218; the factory-next image
	// (219) is accepted on its portal, the factory one (218, older date) only when confirmed.
	older := stickWith(t, m, demoImage(t, m, "public-older", 0))
	code, out, _ := runCLI(t, "device", "update", "--home", home, "--usb", older, "--via", "portal", "--json")
	var res device.Result
	if json.Unmarshal([]byte(out), &res); code != exitRefused || res.Confirm == "" || res.Rule != "version" {
		t.Fatalf("older on the portal: %d %+v", code, res)
	}
	if code, _, e := runCLI(t, "device", "update", "--home", home, "--usb", older, "--via", "portal", "--confirm"); code != exitOK {
		t.Fatalf("older on the portal, confirmed: %d %s", code, e)
	}
	if code, out, _ := runCLI(t, "device", "stick", "--out", filepath.Join(ramDir(t), "stick"), "--model", "MAG322"); code != 0 || !strings.Contains(out, "wrong-hash") {
		t.Errorf("device stick: %d %s", code, out)
	}
}
