package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// hintBoxes are the boxes of the decision matrix: what they run and whether
// the operator key One is installed.
var hintBoxes = []struct {
	running string
	op      bool
}{
	{"factory", false}, {"public", false}, {"custom-alpha", false},
	{"factory", true}, {"public", true}, {"custom-alpha", true}, {"operator-one", true},
}

// hintExtraImages are demo images beyond the matrix's incoming ones, whose
// refusals are decided by the model, hash, data and version checks.
var hintExtraImages = []string{"public-same", "public-older", "wrong-hash", "tampered", "wrong-model", "operator-one-next"}

// TestEveryHintInstalls follows the next step of every refusal: every refused
// cell of the decision matrix (each box × incoming image × path) for MAG254
// and MAG322, and the demo images the model, hash, data and version checks
// refuse. On a fresh copy of the box it does what the step says through the
// device API — install the operator key that made the image, set Forced,
// confirm, change the path — and checks that the image then installs; a
// step that says nothing on this box takes the image is checked by trying
// every path, with Forced and with the confirmation. Both the command
// line's step and the screens' are followed.
func TestEveryHintInstalls(t *testing.T) {
	for _, model := range []string{"MAG254", "MAG322"} {
		t.Run(model, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			m := f.model(model)
			cells, err := Matrix(f.keys, m)
			if err != nil {
				t.Fatal(err)
			}
			matrix := map[MatrixCase]Decision{}
			for _, c := range cells {
				matrix[c.Case] = c.Decision
			}
			// The images, each with the demo key that made its Global block.
			type image struct {
				data   []byte
				signer string
			}
			images := map[string]image{}
			for _, inc := range matrixIncoming {
				s, _ := MatrixCase{Incoming: inc}.IncomingSpec(m)
				images[inc] = image{f.image(m, s), s.Signer}
			}
			for _, name := range hintExtraImages {
				d, err := demoimage.Lookup(m.DemoModel(), name)
				if err != nil {
					t.Fatal(err)
				}
				images[name] = image{f.image(m, d.Spec), d.Spec.Signer}
			}
			refused, followed := 0, 0
			for _, bx := range hintBoxes {
				run, _ := matrixSpec(bx.running, m.FactoryVersion)
				tmpl := f.box(m, &run, bx.op)
				for _, name := range append(append([]string{}, matrixIncoming[:]...), hintExtraImages...) {
					img := images[name]
					for _, p := range []Path{PathBoot, PathPortal} {
						c := MatrixCase{Path: p, Running: bx.running, OperatorKey: bx.op, Incoming: name}
						b := copyBox(t, tmpl)
						res := f.update(b, img.data, UpdateOptions{Path: p})
						if res.Installed {
							continue
						}
						refused++
						if res.Next == nil || res.NextMenu == nil || res.Hint == "" || res.HintMenu == "" {
							t.Errorf("%s %+v: refused (%d %s) without a next step: %+v", model, c, res.Status, res.Rule, res)
							continue
						}
						if d, ok := matrix[c]; ok && (d.Hint != res.Hint || d.HintMenu != res.HintMenu) {
							t.Errorf("%s %+v: the rules table advises %q, the update %q", model, c, d.Hint, res.Hint)
						}
						delete(matrix, c)
						for _, s := range []struct {
							on   surface
							step NextStep
							hint string
						}{{onCommandLine, *res.Next, res.Hint}, {onScreens, *res.NextMenu, res.HintMenu}} {
							followed++
							follow(t, f, tmpl, img.data, img.signer, s.on, s.step, s.hint, model, c)
						}
					}
				}
			}
			for c, d := range matrix {
				if !d.Accept {
					t.Errorf("%s %+v: a refused cell of the rules table was not followed", model, c)
				}
			}
			t.Logf("%s: %d refusals, %d steps followed", model, refused, followed)
			if refused < 150 {
				t.Errorf("%s: only %d refusals were followed", model, refused)
			}
		})
	}
}

// follow does step on a fresh copy of tmpl and checks its promise.
func follow(t *testing.T, f *fixture, tmpl *Box, data []byte, signer string, on surface, step NextStep, hint string, model string, c MatrixCase) {
	t.Helper()
	m := tmpl.Model()
	where := map[surface]string{onCommandLine: "command line", onScreens: "screens"}[on]
	if err := checkStepWords(m, c.Path, on, step, hint); err != "" {
		t.Errorf("%s %+v on the %s: %s (%q)", model, c, where, err, hint)
	}
	if step.None {
		// "nothing on the screens": nothing their menus offer takes it
		within := onCommandLine
		if strings.HasPrefix(hint, "nothing on the screens") {
			within = onScreens
		}
		b := copyBox(t, tmpl)
		if p, ok := anyPathTakes(f, b, data, within); ok {
			t.Errorf("%s %+v on the %s: the hint says nothing takes it, but the %s path does (%q)", model, c, where, p, hint)
		}
		return
	}
	b := copyBox(t, tmpl)
	if step.OperatorKey {
		cert, err := f.keys.Cert(signer)
		if err != nil {
			// Not an operator's image: the hint's other branch, nothing
			// takes it, whatever operator key is installed.
			if p, ok := anyPathTakes(f, copyBox(t, tmpl), data, onCommandLine); ok {
				t.Errorf("%s %+v on the %s: not an operator's image, yet the %s path takes it (%q)", model, c, where, p, hint)
			}
			for _, op := range []string{"operator_one", "operator_two"} {
				b := copyBox(t, tmpl)
				cert, _ := f.keys.Cert(op)
				if r := b.InstallOperatorKey(cert); r.Installed {
					if p, ok := anyPathTakes(f, b, data, onCommandLine); ok {
						t.Errorf("%s %+v on the %s: with %s installed the %s path takes it", model, c, where, op, p)
					}
				}
			}
			return
		}
		if r := b.InstallOperatorKey(cert); !r.Installed {
			t.Errorf("%s %+v on the %s: the hint says install the operator key, which is refused: %d %s", model, c, where, r.Status, r.Explain)
			return
		}
	}
	opts := UpdateOptions{Path: step.Path, Force: step.Force && on == onCommandLine}
	if step.Force && on == onScreens {
		// the Bootloader's Image Info › Forced, saved
		if err := b.Set(map[string]string{"Ver_Forced": "Yes"}); err != nil {
			t.Fatal(err)
		}
	}
	if step.Confirm {
		opts.Confirm = func(string) bool { return true }
	}
	if r := f.update(b, data, opts); !r.Installed {
		t.Errorf("%s %+v on the %s: following %+v gives %d %s (%s): %q", model, c, where, step, r.Status, r.Rule, r.Explain, hint)
	}
}

// checkStepWords checks that the hint says what its step is: the flags on
// the command line, the menu items on the screens, and never a Forced on
// the System Recovery Utility's screens.
func checkStepWords(m Model, refused Path, on surface, s NextStep, hint string) string {
	if s.None {
		if !strings.HasPrefix(hint, "nothing on this box will take this image") && !strings.HasPrefix(hint, "nothing on the screens will take this image") {
			return "a step that takes nothing must say so"
		}
		return ""
	}
	var want []string
	if on == onCommandLine {
		want = append(want, "--via "+string(s.Path))
		if s.Force {
			want = append(want, "--force")
		}
		if s.Confirm {
			want = append(want, "--confirm")
		}
		if s.OperatorKey {
			want = append(want, "device install-key")
		}
	} else {
		if s.Menu != menuFor(m, s.Path) {
			return "the step names the menu " + s.Menu
		}
		want = append(want, s.Menu)
		if s.Force {
			if m.Menu != MenuBootloader {
				return "Forced is named on a System Recovery Utility"
			}
			want = append(want, "Image Info › Forced")
		}
		if s.OperatorKey {
			want = append(want, keyMenuFor(refused))
		}
	}
	if s.OperatorKey {
		want = append(want, "if this is an operator's image", "if not, nothing on this box will take it")
	}
	for _, w := range want {
		if !strings.Contains(hint, w) {
			return "the hint does not name " + w
		}
	}
	if on == onScreens && strings.Contains(hint, "--") {
		return "a screen's hint names a flag"
	}
	return ""
}

// anyPathTakes tries every path with the confirmation, and the boot path
// with Forced too where the surface offers it (not on the System Recovery
// Utility's screens); a refusal changes nothing, so one box serves every try.
func anyPathTakes(f *fixture, b *Box, data []byte, on surface) (Path, bool) {
	yes := func(string) bool { return true }
	tries := []UpdateOptions{{Path: PathBoot}, {Path: PathPortal, Confirm: yes}}
	if on == onCommandLine || b.Model().Menu == MenuBootloader {
		tries = append(tries, UpdateOptions{Path: PathBoot, Force: true})
	}
	for _, o := range tries {
		if r := f.update(b, data, o); r.Installed {
			return o.Path, true
		}
	}
	return "", false
}

// copyBox is a new box with the same state and banks as b.
func copyBox(t *testing.T, b *Box) *Box {
	t.Helper()
	dir := filepath.Join(tempDir(t), "home")
	if err := os.CopyFS(dir, os.DirFS(b.Home())); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHintWrongCells pins the refusals whose advice used to name a step that
// fails, and the System Recovery Utility's same-version refusal, whose
// screens have no Forced: each now names the step that works, in the words
// of its surface, or says that none does.
func TestHintWrongCells(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		model, running, image string
		path                  Path
		cli, menu             []string
		not                   string
	}{
		{"MAG254", "public", "operator-one", PathPortal, []string{"certified key", "device install-key", "--via portal"}, []string{"Settings › Install Op.KEY", "Settings › Software update"}, "Custom"},
		{"MAG254", "factory", "operator-one", PathPortal, []string{"certified key", "--via portal"}, []string{"Settings › Install Op.KEY"}, "USB Bootstrap"},
		{"MAG254", "factory", "wrong-hash", PathBoot, []string{"nothing on this box will take this image", "SHA-1", "--hash sha1"}, []string{"nothing on this box", "SHA-1 blocks"}, "built for MAG254"},
		{"MAG254", "factory", "wrong-hash", PathPortal, []string{"nothing on this box will take this image", "SHA-1"}, []string{"nothing on this box"}, "built for MAG254"},
		{"MAG254", "factory", "public-same", PathBoot, []string{"--via boot --force"}, []string{"Image Info › Forced", "Upgrade Tools › USB Bootstrap"}, "turn Forced on"},
		{"MAG322", "factory", "public-same", PathBoot, []string{"--via boot --force"}, []string{"nothing on the screens", "no Forced setting"}, "Image Info"},
		{"MAG322", "public", "public-same", PathBoot, []string{"--via boot --force"}, []string{"Settings › Software update", "answer OK"}, "Image Info"},
	} {
		m := f.model(c.model)
		run, _ := matrixSpec(c.running, m.FactoryVersion)
		b := f.box(m, &run, false)
		r := f.update(b, f.named(m, c.image), UpdateOptions{Path: c.path})
		for _, w := range c.cli {
			if !strings.Contains(r.Hint, w) {
				t.Errorf("%s %s box, %s via %s: hint %q lacks %q", c.model, c.running, c.image, c.path, r.Hint, w)
			}
		}
		for _, w := range c.menu {
			if !strings.Contains(r.HintMenu, w) {
				t.Errorf("%s %s box, %s via %s: screens' hint %q lacks %q", c.model, c.running, c.image, c.path, r.HintMenu, w)
			}
		}
		if strings.Contains(r.Hint, c.not) || strings.Contains(r.HintMenu, c.not) {
			t.Errorf("%s %s box, %s via %s: hint %q / %q still says %q", c.model, c.running, c.image, c.path, r.Hint, r.HintMenu, c.not)
		}
	}
}
