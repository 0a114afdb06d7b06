package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/scenario"
)

func TestScenariosList(t *testing.T) {
	code, out, errs := runCLI(t, "scenarios")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"NAME", "custom-key-lock", "MAG254", "emergency-startup", "MAG420", "hard", "--scenario NAME"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "scenarios", "--json")
	var rows []map[string]string
	if code != exitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) < 12 {
		t.Fatalf("exit %d, %d rows: %s", code, len(rows), out)
	}
}

func TestScenariosShowAndPlay(t *testing.T) {
	code, out, errs := runCLI(t, "scenarios", "show", "operator-lock", "--hints", "--solution")
	if code != exitOK || !strings.Contains(out, "One IPTV") || !strings.Contains(out, "Hints:") || !strings.Contains(out, "Reset Op.KEY") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errs = runCLI(t, "scenarios", "play", "sha1-on-mag322", "--report", report)
	if code != exitOK || !strings.Contains(out, "17 Wrong signature") || !strings.Contains(out, "Goal met") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	data, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(data), `"goal_met": true`) {
		t.Fatalf("report: %v %s", err, data)
	}
}

func TestScenariosBadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "wrong.yaml")
	if err := os.WriteFile(p, []byte("title: x\nmodel: MAG999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "scenarios", "show", p)
	if code != exitError || !strings.Contains(errs, "wrong.yaml:2: model: unknown model \"MAG999\"") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs = runCLI(t, "scenarios", "show", "no-such-one")
	if code != exitError || !strings.Contains(errs, "custom-key-lock") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestStartScenarioForScreens(t *testing.T) {
	report := filepath.Join(t.TempDir(), "r.json")
	sc, err := scenario.Load("dhcp-boot")
	if err != nil {
		t.Fatal(err)
	}
	ss := &scenarioScreens{sc: sc, dir: t.TempDir(), report: report}
	if env, err := ss.start(context.Background()); err != nil || env.Box == nil {
		t.Fatalf("%+v %v", env, err)
	}
	run := ss.ready.Load()
	if run.World.ServerURL == "" || run.World.Box == nil {
		t.Fatalf("world %+v", run.World)
	}
	if env := run.env(); env.Box != run.World.Box || env.USBDir == "" || env.ServerURL == "" {
		t.Errorf("env %+v", env)
	}
	if b := ss.Brief(); b.Title == "" || b.Goal == "" || len(b.Hints) == 0 {
		t.Errorf("brief %+v", b)
	}
	if err := run.World.Box.FactoryReset(); err != nil {
		t.Fatal(err)
	}
	summary, err := run.finish()
	if err != nil || !strings.Contains(summary, "Goal met") || !strings.Contains(summary, report) {
		t.Fatalf("%q %v", summary, err)
	}
	if _, err := os.Stat(report); err != nil {
		t.Fatal(err)
	}
}
