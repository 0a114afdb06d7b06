package scenario

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
)

// fakeClock moves on by step at every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func TestSessionReport(t *testing.T) {
	sc, w := setupShipped(t, "custom-key-lock")
	clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), step: 16 * time.Second}
	sess := NewSession(sc, clock.now)
	if h, ok := sess.NextHint(); !ok || h != sc.Hints[0] {
		t.Fatalf("first hint %q %v", h, ok)
	}
	ctx := context.Background()
	res := w.Box.Update(ctx, device.USBSource(w.USBDir, w.Box.Model()), device.UpdateOptions{Path: device.PathPortal})
	sess.Record(UpdateRecord("update", "USB via the portal", res))
	if met, _ := sess.Check(w.Box); met {
		t.Fatal("met after a refused update")
	}
	res = w.Box.Update(ctx, device.USBSource(w.USBDir, w.Box.Model()), device.UpdateOptions{Path: device.PathBoot})
	sess.Record(UpdateRecord("update", "USB Bootstrap", res))
	sess.Record(BootRecord(w.Box.Boot()))
	met, why := sess.Check(w.Box)
	if !met {
		t.Fatalf("not met: %s", why)
	}
	if s := sess.Summary(); !strings.HasPrefix(s, "Goal met in 1m20s, 3 steps, 1 hint") {
		t.Errorf("summary %q", s)
	}
	// a step after the goal was met (the reboot after an update) does not
	// change the count the screens showed when it was met
	sess.Record(BootRecord(w.Box.Boot()))
	if n := sess.MetSteps(); n != 3 {
		t.Errorf("MetSteps() = %d after a later step, want 3", n)
	}
	if s := sess.Summary(); !strings.HasPrefix(s, "Goal met in 1m20s, 3 steps, 1 hint") {
		t.Errorf("summary after a later step %q", s)
	}
	path := filepath.Join(t.TempDir(), "report.json")
	if err := sess.WriteReport(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r["goal_met"] != true || r["hints_used"] != float64(1) || r["time_to_goal_seconds"] != float64(80) {
		t.Errorf("report: %s", data)
	}
	steps := r["steps"].([]any)
	if len(steps) != 4 {
		t.Fatalf("steps %v", steps)
	}
	first := steps[0].(map[string]any)
	if first["status"] != float64(17) || first["ok"] != false || first["at"] != "2026-03-02T09:00:32Z" {
		t.Errorf("first step %v", first)
	}
	if sc := r["scenario"].(map[string]any); sc["name"] != "custom-key-lock" || sc["model"] != "MAG254" {
		t.Errorf("scenario %v", sc)
	}
	// The goal stays met in the report even if the box changes later.
	if err := w.Box.DamageBank(w.Box.State().Active); err != nil {
		t.Fatal(err)
	}
	if met, _ := sess.Check(w.Box); met {
		t.Error("a damaged box still meets the goal")
	}
	if ok, d := sess.Met(); !ok || d != 80*time.Second {
		t.Errorf("Met() = %v %v", ok, d)
	}
	if err := sess.WriteReport(filepath.Join(t.TempDir(), "no", "such", "dir", "r.json")); err == nil {
		t.Error("a report written into a missing folder")
	}
}

func TestSessionHintsRunOut(t *testing.T) {
	sc, err := Load("dhcp-boot")
	if err != nil {
		t.Fatal(err)
	}
	sess := NewSession(sc, nil)
	for i := range sc.Hints {
		if h, ok := sess.NextHint(); !ok || h != sc.Hints[i] {
			t.Fatalf("hint %d: %q %v", i, h, ok)
		}
	}
	if _, ok := sess.NextHint(); ok {
		t.Error("a hint after the last")
	}
	if sess.HintsUsed() != len(sc.Hints) {
		t.Errorf("hints used %d", sess.HintsUsed())
	}
	if s := sess.Summary(); !strings.HasPrefix(s, "Goal not met after") {
		t.Errorf("summary %q", s)
	}
}

func TestPlayReportsUnexpectedOutcome(t *testing.T) {
	sc, err := Parse("bad-solution.yaml", []byte(strings.Replace(strings.Replace(good, "  operator_key: operator_one\n", "", 1), "via: boot", "via: portal", 1)))
	if err != nil {
		t.Fatal(err)
	}
	w, err := sc.Setup(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	err = w.Play(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "bad-solution.yaml:19: solution[0]") || !strings.Contains(err.Error(), "got 17 Wrong signature") {
		t.Fatalf("error %v", err)
	}
}

func TestGoalDescribe(t *testing.T) {
	sc, err := Load("operator-lock")
	if err != nil {
		t.Fatal(err)
	}
	d := sc.Goal.Describe()
	for _, want := range []string{"an Operator image of version 220 or newer signed by operator_one", "the operator key operator_one is installed"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe() = %q; want %q in it", d, want)
		}
	}
}

// TestWorldStaysOnLoopback: a step that names another server is refused
// before anything is sent; the box's update URLs point at the local server.
func TestWorldStaysOnLoopback(t *testing.T) {
	_, w := setupShipped(t, "factory-portal")
	st := w.Box.State().Settings
	if !strings.HasPrefix(st["autoupdateURL"], w.ServerURL+"/mag256/") || !strings.HasPrefix(st["update_url"], w.ServerURL+"/mag256/") {
		t.Errorf("update URLs %q %q; want the scenario's server %s", st["autoupdateURL"], st["update_url"], w.ServerURL)
	}
	if err := w.Box.FactoryReset(); err != nil { // back to the manufacturer's URL
		t.Fatal(err)
	}
	if err := w.Box.SaveSettings(map[string]string{"autoupdate_cond": "0"}); err != nil {
		t.Fatal(err)
	}
	rec, err := w.Do(context.Background(), Step{Action: ActionAutoupdate})
	if err == nil || rec.OK || !strings.Contains(rec.Result, "cannot be reached from a training box") {
		t.Fatalf("autoupdate to the manufacturer: %+v %v", rec, err)
	}
}
