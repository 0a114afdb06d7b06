package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// good is a small valid scenario; the bad cases below change one thing in it.
const good = `title: A test
model: MAG254
difficulty: easy
summary: One line.
story: |
  A story.
box:
  bank0: custom-alpha
  operator_key: operator_one
  settings:
    autoupdate_cond: "0"
usb:
  mag254/imageupdate: public
goal:
  running:
    kind: public
hints:
  - One hint.
solution:
  - action: update
    from: usb
    via: boot
`

func TestParseGood(t *testing.T) {
	sc, err := Parse("good.yaml", []byte(strings.Replace(good, "  operator_key: operator_one\n", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "good" || sc.Model.Name != "MAG254" || len(sc.Solution) != 1 || sc.Solution[0].Via != "boot" {
		t.Fatalf("parsed %+v", sc)
	}
	if sc.Box.Settings["autoupdate_cond"] != "0" || sc.USB[0].Path != "mag254/imageupdate" || sc.USB[0].Image.Name != "public" {
		t.Fatalf("parsed box %+v usb %+v", sc.Box, sc.USB)
	}
}

// TestParseBadFiles: each mistake gives one error naming the file, the line and the field.
func TestParseBadFiles(t *testing.T) {
	cases := []struct {
		name, from, to string
		want           string
	}{
		{"unknown operator key", "operator_key: operator_one", "operator_key: operator_three",
			`wrong.yaml:9: box.operator_key: unknown key "operator_three" (use operator_one or operator_two)`},
		{"goal that checks nothing", "  running:\n    kind: public\n", "  running: {}\n",
			`wrong.yaml:15: goal.running: give at least one check`},
		{"unknown model", "model: MAG254", "model: MAG999",
			`wrong.yaml:2: model: unknown model "MAG999" (use MAG250, MAG254,`},
		{"missing model", "model: MAG254\n", "",
			`wrong.yaml:1: model: missing: give the box's model, e.g. MAG254`},
		{"missing goal", "goal:\n  running:\n    kind: public\n", "",
			`wrong.yaml:1: goal: missing:`},
		{"unknown image", "mag254/imageupdate: public", "mag254/imageupdate: publik",
			`wrong.yaml:13: usb.mag254/imageupdate: unknown image "publik" (use factory, factory-next, public,`},
		{"unknown bank image", "bank0: custom-alpha", "bank0: custom-gamma",
			`wrong.yaml:8: box.bank0: unknown image "custom-gamma"`},
		{"unknown step action", "action: update", "action: upgrade",
			`wrong.yaml:20: solution[0].action: unknown action "upgrade" (use update, emergency, set,`},
		{"unknown field", "difficulty: easy", "difficulty: easy\ncolour: blue",
			`wrong.yaml:4: colour: unknown field (use name, title, model,`},
		{"bad difficulty", "difficulty: easy", "difficulty: extreme",
			`wrong.yaml:3: difficulty: unknown difficulty "extreme" (use easy, medium or hard)`},
		{"step field of another action", "    via: boot\n", "    via: boot\n    bank: 1\n",
			`wrong.yaml:23: solution[0].bank: is not a field of update (use action, from, via,`},
		{"bad source", "from: usb", "from: ftp",
			`wrong.yaml:21: solution[0].from: unknown source "ftp" (use usb or server)`},
		{"unknown setting", `autoupdate_cond: "0"`, `autoupdate_kond: "0"`,
			`wrong.yaml:11: box.settings.autoupdate_kond: unknown setting (use Ver_Forced,`},
		{"bad setting value", `autoupdate_cond: "0"`, `autoupdate_cond: "7"`,
			`wrong.yaml:11: box.settings.autoupdate_cond: cannot be "7" (use 0, 1 or 2)`},
		{"read-only setting", `autoupdate_cond: "0"`, `Image_Version: "300"`,
			`wrong.yaml:11: box.settings.Image_Version: is set by the box itself and cannot be given`},
		{"path leaves the stick", "mag254/imageupdate: public", "../mag254/imageupdate: public",
			`wrong.yaml:13: usb.../mag254/imageupdate: a path must stay inside the USB stick`},
		{"empty hints", "hints:\n  - One hint.\n", "hints: []\n",
			`wrong.yaml:17: hints: must not be empty`},
		{"bad power cut", "    via: boot\n", "    via: boot\n    power_cut: 1.5\n",
			`wrong.yaml:23: solution[0].power_cut: must be a fraction of the image between 0 and 1`},
		{"operator image without its key", "bank0: custom-alpha", "bank0: operator-two",
			`wrong.yaml:8: box.bank0: the image "operator-two" is signed by operator_two: set box.operator_key: operator_two`},
		{"emergency on a Bootloader model", "action: update\n    from: usb\n    via: boot\n", "action: emergency\n",
			`wrong.yaml:20: solution[0].action: the MAG254 has no Emergency startup`},
		{"alias", "  - One hint.\n", "  - &h One hint.\n  - *h\n",
			`wrong.yaml:19: hints[1]: anchors and aliases (*name) are not supported`},
		{"bad expect", "    via: boot\n", "    via: boot\n    expect: 99\n",
			`wrong.yaml:23: solution[0].expect: must be a status code from 1 to 30`},
		{"text with a colon", "  - One hint.", "  - Look here: there.",
			`wrong.yaml:18: hints[0]: must be text, not a mapping (text that holds ": " must be in quotes)`},
		{"not YAML", "title: A test", "title: [A test",
			`wrong.yaml:1: not valid YAML:`},
		{"bad network cable", `autoupdate_cond: "0"`, "autoupdate_cond: \"0\"\n  network_cable: unplugged",
			`wrong.yaml:12: box.network_cable: must be true or false`},
		{"download in a folder", "goal:\n", "downloads:\n  mag254/imageupdate: public\ngoal:\n",
			`wrong.yaml:15: downloads.mag254/imageupdate: Downloads holds files only: give a plain file name`},
		{"download that leaves the folder", "goal:\n", "downloads:\n  ../imageupdate: public\ngoal:\n",
			`wrong.yaml:15: downloads.../imageupdate: Downloads holds files only`},
		{"unknown download image", "goal:\n", "downloads:\n  imageupdate: publik\ngoal:\n",
			`wrong.yaml:15: downloads.imageupdate: unknown image "publik"`},
		{"downloads not a mapping", "goal:\n", "downloads: imageupdate\ngoal:\n",
			`wrong.yaml:14: downloads:`},
		{"two documents", "title: A test", "title: A test\n---\nx: 1",
			`wrong.yaml:2: a scenario file holds one YAML document`},
		{"the first mistake in the file's order", "goal:\n  running:", "  text: Done.\n  running:",
			`wrong.yaml:14: usb.text: unknown image "Done."`},
		{"settings of a set step not a mapping", "    via: boot\n", "    via: boot\n  - action: set\n    settings: [a]\n",
			`wrong.yaml:24: solution[1].settings: must be a mapping of names to values`},
		{"a step given as a word", "  - action: update\n    from: usb\n    via: boot\n", "  - update\n",
			`wrong.yaml:20: solution[0]: must be a mapping of names to values`},
		{"type of an image on the stick", "mag254/imageupdate: public", "mag254/imageupdate: {image: public, type: beta}",
			`wrong.yaml:13: usb.mag254/imageupdate.type: unknown field (use image, version, model or hash)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(good, c.from) {
				t.Fatalf("the good file has no %q", c.from)
			}
			data := strings.Replace(good, c.from, c.to, 1)
			_, err := Parse("wrong.yaml", []byte(data))
			if err == nil {
				t.Fatalf("no error; want %s", c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error\n  %s\nwant it to start with\n  %s", err, c.want)
			}
			if strings.Count(err.Error(), "wrong.yaml") != 1 || strings.Contains(err.Error(), "\n") {
				t.Errorf("want one error on one line, got %q", err)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != "wrong.yaml" {
				t.Errorf("error %T does not carry the file", err)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n", "# only a comment\n", "---\n"} {
		if _, err := Parse("empty.yaml", []byte(data)); err == nil || !strings.HasPrefix(err.Error(), "empty.yaml") {
			t.Errorf("%q: %v", data, err)
		}
	}
	if _, err := Parse("list.yaml", []byte("- a\n- b\n")); err == nil || !strings.Contains(err.Error(), "must be a mapping") {
		t.Errorf("a list: %v", err)
	}
}

func TestLoadByPathAndName(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(p, []byte(strings.Replace(good, "  operator_key: operator_one\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "mine" || sc.File != p {
		t.Errorf("name %q file %q", sc.Name, sc.File)
	}
	if _, err := Load("custom-key-lock"); err != nil {
		t.Error(err)
	}
	_, err = Load("no-such-scenario")
	if err == nil || !strings.Contains(err.Error(), "custom-key-lock") {
		t.Errorf("unknown name: %v; want the list of names", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("big file: %v", err)
	}
}

func TestList(t *testing.T) {
	list, err := List()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, sc := range list {
		if i > 0 && list[i-1].Difficulty.rank() > sc.Difficulty.rank() {
			t.Errorf("%s (%s) listed after %s (%s)", sc.Name, sc.Difficulty, list[i-1].Name, list[i-1].Difficulty)
		}
		if sc.Summary == "" || sc.Story == "" || len(sc.Hints) == 0 || sc.Goal.Show() == "" {
			t.Errorf("%s: summary, story, hints and goal are all needed", sc.Name)
		}
		seen[sc.Model.Name] = true
	}
	if len(seen) < 8 {
		t.Errorf("the scenarios use %d models; want a spread", len(seen))
	}
}
