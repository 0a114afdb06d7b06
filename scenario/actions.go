package scenario

// The actions a solution step can take. Each action is one entry of the
// table in actions(): the fields a step of it takes, how they are read and
// checked, how the step reads for people, and what it does to the world.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
)

// Action is what one solution step does.
type Action string

// Solution step actions.
const (
	ActionUpdate       Action = "update"               // from usb|server via boot|portal
	ActionEmergency    Action = "emergency"            // MAG420/424: Emergency startup from USB
	ActionSet          Action = "set"                  // change settings (Exit & Save)
	ActionInstallKey   Action = "install_operator_key" // a certified demo operator key
	ActionResetKey     Action = "reset_operator_key"   // Reset Op.KEY
	ActionFactoryReset Action = "factory_reset"        // Def. Settings / Reset settings
	ActionSelectBank   Action = "select_bank"          // Boot Mode NAND/NAND2, Boot from backup bank
	ActionAutoupdate   Action = "autoupdate"           // run the portal's Autoupdate module
	ActionBoot         Action = "boot"                 // power the box on
	ActionRename       Action = "rename"               // rename a file or folder on the USB stick
)

// Step is one step of a solution.
type Step struct {
	Action   Action
	From     string      // update: "usb" or "server"
	Via      device.Path // update: boot or portal
	File     string      // update from server: the path on the server; rename: the path on the stick
	To       string      // rename: the new path on the stick
	Force    bool        // update: Forced = Yes for this run
	Confirm  bool        // update, autoupdate: answer yes when the box asks
	PowerCut float64     // update: cut the power after this fraction of the image was read (0: never)
	Settings map[string]string
	Key      string // install_operator_key: operator_one or operator_two
	Bank     int    // select_bank
	Note     string // what the step shows, for people
	Line     int    // where the step starts in its file

	// Expected outcome; the zero value means success.
	Status  device.Status            // update, emergency, install/reset operator key
	Panel   string                   // boot: the last panel code (GO__ when it starts)
	Outcome device.AutoupdateOutcome // autoupdate
}

// actionSpec is everything one action is.
type actionSpec struct {
	name Action
	// fields are the fields a step of this action takes, in the order
	// messages list them; action, note, force, confirm and power_cut are
	// read the same way for every action that takes them.
	fields []string
	// read reads and checks the fields this action alone takes (nil: none).
	read func(c *checker, f stepDoc, st *Step) error
	// expect reads expect:, the outcome the step must have (nil: not taken).
	expect func(l leaf, field string, st *Step) error
	// describe is the step as one line for people.
	describe func(st Step) string
	// do runs the step on the world's box; the error is set when the
	// outcome is not the expected one.
	do func(ctx context.Context, w *World, st Step, rec StepRecord) (StepRecord, error)
}

// actions is the table of every action, in the order messages list them.
func actions() []actionSpec {
	return []actionSpec{
		{name: ActionUpdate,
			fields: []string{"action", "from", "via", "file", "force", "confirm", "power_cut", "expect", "note"},
			read:   readUpdate, expect: expectStatus, describe: describeUpdate, do: doUpdate},
		{name: ActionEmergency,
			fields: []string{"action", "force", "power_cut", "expect", "note"},
			read: func(c *checker, f stepDoc, st *Step) error {
				if !c.m.Emergency {
					return errAt(f.val["action"], f.path+".action", "the %s has no Emergency startup (MAG420 and MAG424 have one); use update from usb via boot", c.m.Name)
				}
				st.From, st.Via = "usb", device.PathBoot
				return nil
			},
			expect:   expectStatus,
			describe: func(Step) string { return "Emergency startup from the USB stick, then update" },
			do:       doUpdate},
		{name: ActionSet,
			fields: []string{"action", "settings", "note"},
			read: func(c *checker, f stepDoc, st *Step) error {
				if err := required(&f.keys, f.path, "settings", "the settings to change (name: value)"); err != nil {
					return err
				}
				var p pairs
				if err := p.UnmarshalYAML(f.val["settings"]); err != nil {
					return under(f.path+".settings", err)
				}
				var err error
				st.Settings, err = settings(&p, f.path+".settings")
				return err
			},
			describe: func(s Step) string {
				names := sortedKeys(s.Settings)
				parts := make([]string, len(names))
				for i, n := range names {
					parts[i] = n + "=" + s.Settings[n]
				}
				return "set " + strings.Join(parts, ", ")
			},
			do: func(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
				set := map[string]string{}
				for n, v := range st.Settings {
					set[n] = w.expand(v)
				}
				err := w.Box.SaveSettings(set)
				rec.Settings = set
				return rec.done(err)
			}},
		{name: ActionInstallKey,
			fields: []string{"action", "key", "expect", "note"},
			read: func(c *checker, f stepDoc, st *Step) error {
				if err := required(&f.keys, f.path, "key", "operator_one or operator_two"); err != nil {
					return err
				}
				var err error
				st.Key, err = operatorKey(f.get("key"), f.path+".key")
				return err
			},
			expect:   expectStatus,
			describe: func(s Step) string { return "install the operator key " + s.Key },
			do: func(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
				cert, err := w.keys.Cert(st.Key)
				if err != nil {
					return rec.done(err)
				}
				res := w.Box.InstallOperatorKey(cert)
				rec.fromResult(res)
				if want := wantStatus(st.Status); res.Status != want {
					return rec, fmt.Errorf("expected %s, got %s: %s", want, res.Status, res.Explain)
				}
				return rec, nil
			}},
		{name: ActionResetKey,
			fields:   []string{"action", "expect", "note"},
			expect:   expectStatus,
			describe: func(Step) string { return "Reset Op.KEY" },
			do: func(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
				err := w.Box.ResetOperatorKey()
				got := device.StatusFinishedOK
				rec.OK, rec.Status, rec.Text, rec.Result = true, int(got), got.Text(), "no operator key was installed, or it was removed"
				if err != nil {
					got = device.StatusOf(err)
					rec.OK, rec.Status, rec.Text, rec.Result = false, int(got), got.Text(), err.Error()
				}
				if want := wantStatus(st.Status); got != want {
					return rec, fmt.Errorf("expected %s, got %s", want, got)
				}
				return rec, nil
			}},
		{name: ActionFactoryReset,
			fields:   []string{"action", "note"},
			describe: func(Step) string { return "factory reset (Def. Settings)" },
			do: func(_ context.Context, w *World, _ Step, rec StepRecord) (StepRecord, error) {
				return rec.done(w.Box.FactoryReset())
			}},
		{name: ActionSelectBank,
			fields: []string{"action", "bank", "note"},
			read: func(c *checker, f stepDoc, st *Step) error {
				if err := required(&f.keys, f.path, "bank", "0 or 1"); err != nil {
					return err
				}
				var err error
				st.Bank, err = f.get("bank").integer(f.path+".bank", 0, 1)
				return err
			},
			describe: func(s Step) string { return fmt.Sprintf("boot from bank %d", s.Bank) },
			do: func(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
				return rec.done(w.Box.SetActiveBank(st.Bank))
			}},
		{name: ActionAutoupdate,
			fields: []string{"action", "confirm", "expect", "note"},
			expect: func(l leaf, field string, st *Step) error {
				o, err := l.oneOf(field, "outcome", outcomeNames()...)
				st.Outcome = device.AutoupdateOutcome(o)
				return err
			},
			describe: func(s Step) string {
				if s.Confirm {
					return "run Autoupdate, confirming"
				}
				return "run Autoupdate"
			},
			do: doAutoupdate},
		{name: ActionBoot,
			fields: []string{"action", "expect", "note"},
			expect: func(l leaf, field string, st *Step) error {
				var err error
				st.Panel, err = l.oneOf(field, "front-panel code", "GO__", "Er10", "Er20", "Er30")
				return err
			},
			describe: func(Step) string { return "power the box on" },
			do:       doBoot},
		{name: ActionRename,
			fields: []string{"action", "path", "to", "note"},
			read: func(c *checker, f stepDoc, st *Step) error {
				for _, x := range []struct {
					name string
					dst  *string
				}{{"path", &st.File}, {"to", &st.To}} {
					if err := required(&f.keys, f.path, x.name, "a path on the USB stick"); err != nil {
						return err
					}
					if err := f.path1(x.name, "USB stick", x.dst); err != nil {
						return err
					}
				}
				return nil
			},
			describe: func(s Step) string { return fmt.Sprintf("rename %s to %s on the USB stick", s.File, s.To) },
			do:       doRename},
	}
}

// lookupAction is the table's entry for a, ok false when there is none.
func lookupAction(a Action) (actionSpec, bool) {
	for _, s := range actions() {
		if s.name == a {
			return s, true
		}
	}
	return actionSpec{}, false
}

func actionNames() []string {
	var out []string
	for _, s := range actions() {
		out = append(out, string(s.name))
	}
	return out
}

// Describe is the step as one line for people.
func (s Step) Describe() string {
	if a, ok := lookupAction(s.Action); ok {
		return a.describe(s)
	}
	return string(s.Action)
}

// Do runs one step on the world's box and says what happened; the error is
// set when the outcome is not the step's expected one.
func (w *World) Do(ctx context.Context, st Step) (StepRecord, error) {
	rec := StepRecord{Action: string(st.Action), Detail: st.Describe()}
	a, ok := lookupAction(st.Action)
	if !ok {
		return rec.done(fmt.Errorf("unknown action %q", st.Action))
	}
	return a.do(ctx, w, st, rec)
}

// stepDoc is one step's mapping with its field path, e.g. "solution[2]".
type stepDoc struct {
	*pairs
	path string
}

func (f stepDoc) get(name string) leaf { return leaf{f.val[name]} }

// path1 reads a relative path inside where (the USB stick, the server folder) into dst.
func (f stepDoc) path1(name, where string, dst *string) error {
	l := f.get(name)
	s, err := l.oneLine(f.path + "." + name)
	if err != nil {
		return err
	}
	var ok bool
	if *dst, ok = cleanRel(s); !ok {
		return errAt(l.n, f.path+"."+name, "a path must stay inside the %s: plain names separated by /, no \"..\"", where)
	}
	return nil
}

// step reads one solution step through its action's entry in the table.
func (c *checker) step(p *pairs, field string) (Step, error) {
	st := Step{Line: p.node.Line}
	f := stepDoc{pairs: p, path: field}
	if err := required(&p.keys, field, "action", "what the step does ("+orList(actionNames())+")"); err != nil {
		return st, err
	}
	name, err := f.get("action").oneLine(field + ".action")
	if err != nil {
		return st, err
	}
	a, ok := lookupAction(Action(name))
	if !ok {
		return st, errAt(p.val["action"], field+".action", "unknown action %q (use %s)", clip(name), orList(actionNames()))
	}
	st.Action = a.name
	for _, n := range p.order {
		if !contains(a.fields, n) {
			return st, errAt(p.key[n], field+"."+n, "is not a field of %s (use %s)", name, orList(a.fields))
		}
	}
	if l := f.get("note"); l.given() {
		if st.Note, err = l.trimmed(field + ".note"); err != nil {
			return st, err
		}
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"force", &st.Force}, {"confirm", &st.Confirm}} {
		if l := f.get(b.name); l.given() {
			if *b.dst, err = l.boolean(field + "." + b.name); err != nil {
				return st, err
			}
		}
	}
	if l := f.get("power_cut"); l.given() {
		if st.PowerCut, err = l.fraction(field + ".power_cut"); err != nil {
			return st, err
		}
	}
	if a.read != nil {
		if err := a.read(c, f, &st); err != nil {
			return st, err
		}
	}
	if l := f.get("expect"); l.given() {
		if err := a.expect(l, field+".expect", &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// expectStatus reads expect: as the status code the box must show.
func expectStatus(l leaf, field string, st *Step) error {
	code, err := l.integer(field, 1, 30)
	if err != nil {
		return errAt(l.n, field, "must be a status code from 1 to 30 (16 Update finished OK, 17 Wrong signature, …)")
	}
	st.Status = device.Status(code)
	return nil
}

// wantStatus is the status a step expects: the one given, else 16.
func wantStatus(s device.Status) device.Status {
	if s == 0 {
		return device.StatusFinishedOK
	}
	return s
}

func readUpdate(c *checker, f stepDoc, st *Step) error {
	if err := required(&f.keys, f.path, "from", "usb or server"); err != nil {
		return err
	}
	var err error
	if st.From, err = f.get("from").oneOf(f.path+".from", "source", "usb", "server"); err != nil {
		return err
	}
	st.Via = device.PathBoot
	if l := f.get("via"); l.given() {
		via, err := l.oneOf(f.path+".via", "path", "boot", "portal")
		if err != nil {
			return err
		}
		st.Via = device.Path(via)
	}
	switch {
	case f.has("file") && st.From != "server":
		return errAt(f.key["file"], f.path+".file", "only an update from the server names a file; the USB stick is always read at %s/imageupdate", c.m.USBFolder())
	case f.has("file"):
		return f.path1("file", "server folder", &st.File)
	case st.From == "server":
		st.File = c.m.USBFolder() + "/imageupdate"
	}
	return nil
}

func describeUpdate(s Step) string {
	var b strings.Builder
	src := "the USB stick"
	if s.From == "server" {
		src = "the update server (" + s.File + ")"
	}
	via := "the boot stage"
	if s.Via == device.PathPortal {
		via = "the portal"
	}
	fmt.Fprintf(&b, "update from %s via %s", src, via)
	if s.Force {
		b.WriteString(", Forced = Yes")
	}
	if s.Confirm {
		b.WriteString(", confirming")
	}
	if s.PowerCut > 0 {
		fmt.Fprintf(&b, ", power cut at %d%%", int(s.PowerCut*100+0.5))
	}
	return b.String()
}

// doUpdate runs an update (or Emergency startup) from the step's source,
// cutting the power part-way when the step says so.
func doUpdate(ctx context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
	src, err := w.source(st)
	if err != nil {
		rec.Result = err.Error()
		return rec, err
	}
	opts := device.UpdateOptions{Path: st.Via, Force: st.Force}
	if st.Confirm {
		opts.Confirm = func(string) bool { return true }
	}
	runCtx := ctx
	if st.PowerCut > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithCancel(ctx)
		defer cancel()
		src = &cutSource{Source: src, frac: st.PowerCut, cut: cancel}
	}
	res := w.Box.Update(runCtx, src, opts)
	rec.fromResult(res)
	want := st.Status
	if want == 0 {
		want = device.StatusFinishedOK
		if st.PowerCut > 0 {
			want = device.StatusReadError
		}
	}
	if st.PowerCut > 0 && st.Status == 0 && !res.PowerCut {
		return rec, fmt.Errorf("expected a power cut while writing, got %s: %s", res.Status, res.Explain)
	}
	if res.Status != want {
		return rec, fmt.Errorf("expected %s, got %s: %s", want, res.Status, res.Explain)
	}
	return rec, nil
}

func doAutoupdate(ctx context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
	opts := device.AutoupdateOptions{HTTP: w.HTTPOptions()}
	if st.Confirm {
		opts.Confirm = func(string) bool { return true }
	}
	r := w.Box.Autoupdate(ctx, opts)
	rec.Status, rec.Text = int(r.Status), r.Text
	rec.OK = r.Outcome == device.AutoupdateInstalled
	rec.Result = string(r.Outcome)
	if why := r.Reason(); why != "" {
		rec.Result += ": " + why
	}
	want := st.Outcome
	if want == "" {
		want = device.AutoupdateInstalled
	}
	if r.Outcome != want {
		return rec, fmt.Errorf("expected Autoupdate to end %s, it ended %s", want, rec.Result)
	}
	return rec, nil
}

func doBoot(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
	r := w.Box.Boot()
	rec.OK = r.OK
	rec.Result = lastStage(r)
	want := st.Panel
	if want == "" {
		want = "GO__"
	}
	got := ""
	if n := len(r.Stages); n > 0 {
		got = r.Stages[n-1].Panel
	}
	if got != want {
		return rec, fmt.Errorf("expected the front panel to show %s, it shows %s", want, rec.Result)
	}
	return rec, nil
}

func doRename(_ context.Context, w *World, st Step, rec StepRecord) (StepRecord, error) {
	from, ok1 := cleanRel(st.File)
	to, ok2 := cleanRel(st.To)
	if !ok1 || !ok2 {
		return rec.done(fmt.Errorf("the paths must stay on the USB stick"))
	}
	dst := filepath.Join(w.USBDir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return rec.done(err)
	}
	return rec.done(os.Rename(filepath.Join(w.USBDir, filepath.FromSlash(from)), dst))
}
