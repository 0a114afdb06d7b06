package classroom

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/scenario"
)

// htmlRows: three trainees on one scenario (two met the goal, in 60 s and
// 120 s), one on another scenario whose title would be markup.
func htmlRows() []ReportRow {
	sc := scenario.ReportScenario{Name: "custom-key-lock", Title: "Locked to a Custom image", Model: "MAG254"}
	odd := scenario.ReportScenario{Name: "odd", Title: `<script>alert("x")</script>`, Model: "MAG250"}
	score := 80
	return []ReportRow{
		{Trainee: "ann", Sessions: 1, LastStatus: "boot: ok", Score: &score, Report: scenario.Report{Scenario: sc, GoalMet: true, TimeToGoal: 60, Duration: 90}},
		{Trainee: "bob", Sessions: 1, LastStatus: "17 Wrong signature", Score: &score, Report: scenario.Report{Scenario: sc, GoalMet: true, TimeToGoal: 120, Duration: 130}},
		{Trainee: "cy", Sessions: 2, Report: scenario.Report{Scenario: sc, Duration: 300}},
		{Trainee: "dee", Sessions: 1, Report: scenario.Report{Scenario: odd, Duration: 10}},
	}
}

func TestWriteHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, htmlRows(), time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"2026-01-02 03:04 UTC · 4 trainees · 2 goals met · exam", "<td>ann</td>", "<td>17 Wrong signature</td>",
		`class="notmet">not met`, "Locked to a Custom image", "&lt;script&gt;", "<th>Score</th>", ">1m0s<", ">2m0s<", "goal not met"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// self-contained: no script, nothing loaded from elsewhere
	if strings.Contains(page, "<script") {
		t.Error("the page holds a script")
	}
	if m := regexp.MustCompile(`(?i)(src|href)\s*=`).FindString(page); m != "" {
		t.Errorf("the page loads %q from elsewhere", m)
	}
	// the bars are in proportion: ann's 60 s is half of bob's 120 s
	widths := regexp.MustCompile(`<rect x="160" y="\d+" width="(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(widths) != 2 || widths[0][1] != "210" || widths[1][1] != "420" {
		t.Errorf("bar widths %v, want 210 and 420", widths)
	}
}

// TestHTMLInChromium renders the page in headless Chromium, where it is
// installed, and reads the table back from the DOM it built.
func TestHTMLInChromium(t *testing.T) {
	var browser string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("headless Chromium is not installed")
	}
	file := filepath.Join(t.TempDir(), "class.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, htmlRows(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Chromium started on a busy machine now and then exits at once with
	// nothing drawn: it is given a second try, and its own words on failure.
	var out []byte
	var err error
	var stderr bytes.Buffer
	for try := 0; try < 2; try++ {
		stderr.Reset()
		cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+file)
		cmd.Stderr = &stderr
		if out, err = cmd.Output(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
	}
	dom := string(out)
	for _, want := range []string{"<td>ann</td>", "<td>dee</td>", "<svg", "<rect", "Time to goal"} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %q:\n%s", want, dom)
		}
	}
	if strings.Contains(dom, "<script>alert") {
		t.Error("the title became a script in Chromium's DOM")
	}
}
