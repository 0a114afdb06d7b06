package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// classWithRecords is a class folder as the classroom leaves it: ann solved
// custom-key-lock in her second session (the first, older one, did not), bob
// opened it and did nothing.
func classWithRecords(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sc, err := scenario.Load("custom-key-lock")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) func() time.Time {
		tm, _ := time.Parse(time.RFC3339, s)
		return func() time.Time { return tm }
	}
	annDir := filepath.Join(dir, "trainees", "ann", sc.Name)
	w, err := sc.Setup(annDir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	old := scenario.NewSession(sc, at("2026-01-01T09:00:00Z"))
	if err := old.WriteReport(filepath.Join(annDir, "report-1.json")); err != nil {
		t.Fatal(err)
	}
	sess := scenario.NewSession(sc, nil)
	if err := w.Play(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	sess.Check(w.Box)
	if err := sess.WriteReport(filepath.Join(annDir, "report-2.json")); err != nil {
		t.Fatal(err)
	}
	bobDir := filepath.Join(dir, "trainees", "bob", sc.Name)
	if _, err := sc.Setup(bobDir); err != nil {
		t.Fatal(err)
	}
	if err := scenario.NewSession(sc, nil).WriteReport(filepath.Join(bobDir, "report-1.json")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestClassroomReport(t *testing.T) {
	dir := classWithRecords(t)
	code, out, errs := runCLI(t, "classroom", "report", "--dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "ann") || !strings.Contains(lines[1], " met") || !strings.Contains(lines[2], "not met") {
		t.Errorf("table:\n%s", out)
	}

	code, out, errs = runCLI(t, "classroom", "report", "--dir", dir, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Rows []struct {
			Trainee  string          `json:"trainee"`
			Sessions int             `json:"sessions"`
			Report   scenario.Report `json:"report"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(doc.Rows) != 2 {
		t.Fatalf("%d rows: %s", len(doc.Rows), out)
	}
	ann, bob := doc.Rows[0], doc.Rows[1]
	if ann.Trainee != "ann" || ann.Sessions != 2 || !ann.Report.GoalMet || len(ann.Report.Steps) == 0 {
		t.Errorf("ann: %+v", ann)
	}
	if bob.Trainee != "bob" || bob.Sessions != 1 || bob.Report.GoalMet || bob.Report.Scenario.Name != "custom-key-lock" {
		t.Errorf("bob: %+v", bob)
	}

	page := filepath.Join(t.TempDir(), "class.html")
	code, out, errs = runCLI(t, "classroom", "report", "--dir", dir, "--html", page)
	if code != exitOK || !strings.Contains(out, page) {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "<td>ann</td>") || !strings.Contains(string(html), "<svg") {
		t.Errorf("page: %v\n%s", err, html)
	}

	code, out, errs = runCLI(t, "classroom", "report", "--dir", dir, "--csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%v, %d records: %s", err, len(recs), out)
	}
	if recs[0][0] != "trainee" || recs[1][0] != "ann" || recs[1][3] != "true" || recs[1][4] == "" || recs[2][3] != "false" || recs[2][4] != "" {
		t.Errorf("csv:\n%s", out)
	}
}

func TestClassroomCLIErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"classroom", "--code", "x"}, "--dir"},
		{[]string{"classroom", "--dir", t.TempDir()}, "--code"},
		{[]string{"classroom", "--dir", t.TempDir(), "--code", "x", "--scenario", "no-such-thing"}, "no-such-thing"},
		{[]string{"classroom", "--dir", t.TempDir(), "--code", "x", "--pace", "warp"}, "--pace"},
		{[]string{"classroom", "report"}, "--dir"},
		{[]string{"classroom", "report", "--dir", t.TempDir()}, "no trainees folder"},
		{[]string{"classroom", "report", "--dir", t.TempDir(), "--json", "--csv"}, "one at a time"},
		{[]string{"classroom", "report", "--dir", t.TempDir(), "--json", "--html", "x.html"}, "one at a time"},
		{[]string{"classroom", "--dir", t.TempDir(), "--code", "x", "--time-limit", "5m"}, "--exam"},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != exitError || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want one line naming %q", tc.args, code, errs, tc.want)
		}
	}
}

// TestClassroomCommand starts the class in a child process, logs a trainee
// in over SSH, ends the class with SIGINT and reads its report.
func TestClassroomCommand(t *testing.T) {
	dir := t.TempDir()
	cmd := helperCmd("classroom", "--dir", dir, "--addr", "127.0.0.1:0", "--code", "c0de", "--scenario", "custom-key-lock")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("no first line; stderr: %s", stderr.String())
	}
	addr, _, _ := strings.Cut(strings.TrimPrefix(lines.Text(), "Classroom on "), ": ")
	if host, port, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("first line %q", lines.Text())
	}
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "ann", Auth: []gossh.AuthMethod{gossh.Password("c0de")},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var screen syncBuffer
	sess.Stdout = &screen
	if err := sess.RequestPty("xterm", 30, 100, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(screen.String(), "Locked to a Custom image") {
		if time.Now().After(deadline) {
			t.Fatalf("the screens never came:\n%s", screen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the class did not end cleanly: %v; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(rest.String(), "classroom report --dir") {
		t.Errorf("last words: %q", rest.String())
	}
	if !strings.Contains(stderr.String(), "ann connect") {
		t.Errorf("the log does not note the login:\n%s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "host_ed25519")); err != nil {
		t.Errorf("no host key kept: %v", err)
	}
	code, out, errs := runCLI(t, "classroom", "report", "--dir", dir)
	if code != exitOK || !strings.Contains(out, "ann") || !strings.Contains(out, "custom-key-lock") {
		t.Errorf("report: exit %d %s%s", code, out, errs)
	}
}
