package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

type checkJSONOut struct {
	OK       bool   `json:"ok"`
	Status   int    `json:"status"`
	Kind     string `json:"kind"`
	Hash     string `json:"hash"`
	Verdict  string `json:"verdict"`
	Error    string `json:"error"`
	Verdicts []struct {
		Box, Via, Text, Rule, Why, Hint, Mistake string
		Status                                   int
		Accepted                                 bool
	} `json:"verdicts"`
}

// TestImageCheck runs image check on demo images: exit codes, kind, the
// verdict table, and one verdict against device update --json on a real box.
func TestImageCheck(t *testing.T) {
	dir := ramDir(t)
	m254, _ := device.LookupModel("MAG254")
	m424, _ := device.LookupModel("MAG424")
	img := func(m device.Model, name string) string {
		return writeFile(t, filepath.Join(dir, m.Name+"-"+name), demoImage(t, m, name, 0))
	}
	cases := []struct {
		file, model string
		code        int
		kind        string
		accepted    int // verdicts that take the image
	}{
		{img(m254, "public"), "", 0, "public", 4},
		{img(m254, "custom-alpha"), "", 0, "custom", 4},
		{img(m254, "operator-one"), "", 0, "operator", 2},
		{img(m254, "public"), "MAG424", 3, "public", 0},
		{img(m424, "wrong-hash"), "", 3, "public", 0},
		{img(m254, "unknown-signer"), "", 3, "unknown", 0},
		{img(m254, "tampered"), "", 3, "public", 0},
		{img(m254, "cut-short"), "", 4, "", 0},
	}
	for _, c := range cases {
		plain := []string{"image", "check", c.file}
		if c.model != "" {
			plain = append(plain, "--model", c.model)
		}
		args := append(append([]string(nil), plain...), "--json")
		code, stdout, errs := runCLI(t, args...)
		var out checkJSONOut
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%v: not one JSON object (%v): %s", args, err, stdout)
		}
		if code != c.code || out.OK != (c.code == 0) || out.Kind != c.kind {
			t.Errorf("%v: exit %d ok %v kind %q, want %d %q (%s)", args, code, out.OK, out.Kind, c.code, c.kind, errs)
		}
		if c.code == 4 {
			if out.Status != 27 && out.Status != 22 {
				t.Errorf("%v: status %d", args, out.Status)
			}
			continue
		}
		n := 0
		for _, v := range out.Verdicts {
			if v.Accepted {
				n++
				if v.Status != 16 {
					t.Errorf("%v: accepted with status %d", args, v.Status)
				}
			} else if v.Why == "" || v.Hint == "" || v.Rule == "" {
				t.Errorf("%v: a refusal without why, hint or rule: %+v", args, v)
			}
		}
		if len(out.Verdicts) != 8 || n != c.accepted {
			t.Errorf("%v: %d verdicts, %d accepted, want 8 and %d", args, len(out.Verdicts), n, c.accepted)
		}
		if c.code != 0 && (errs == "" || strings.Count(strings.TrimSpace(errs), "\n") != 0) {
			t.Errorf("%v: stderr %q, want one sentence", args, errs)
		}
		// The table on the terminal says the same.
		code2, table, _ := runCLI(t, plain...)
		if code2 != code || !strings.Contains(table, "BOX") || !strings.Contains(table, "operator  portal") {
			t.Errorf("%v: table exit %d:\n%s", args, code2, table)
		}
	}

	// image verify, which checks signatures only, points at image check
	// when the blocks are not of the model's hash.
	pub := filepath.Join(demoKeys(t), "stb_public.pub.asc")
	if code, out, _ := runCLI(t, "image", "verify", img(m424, "wrong-hash"), "--key", pub); code != 0 ||
		!strings.Contains(out, "MAG424 boxes read only SHA-256 blocks") || !strings.Contains(out, "image check") {
		t.Errorf("verify of a SHA-1 MAG424 image: exit %d\n%s", code, out)
	}
	if _, out, _ := runCLI(t, "image", "verify", img(m424, "public"), "--key", pub); strings.Contains(out, "Note:") {
		t.Errorf("verify of a right image notes a hash:\n%s", out)
	}

	// One verdict against the real command: a box running Custom Alpha,
	// through its portal, given Custom Beta.
	file := img(m254, "custom-beta")
	_, stdout, _ := runCLI(t, "image", "check", file, "--json")
	var out checkJSONOut
	_ = json.Unmarshal([]byte(stdout), &out)
	home := filepath.Join(dir, "box")
	running := img(m254, "custom-alpha")
	if code, _, errs := runCLI(t, "device", "init", "--home", home, "--model", "MAG254", "--image", running); code != 0 {
		t.Fatal(errs)
	}
	_, upd, _ := runCLI(t, "device", "update", "--home", home, "--usb", stickWith(t, m254, demoImage(t, m254, "custom-beta", 0)), "--via", "portal", "--json")
	var res struct {
		Status  int
		Rule    string
		Explain string
	}
	if err := json.Unmarshal([]byte(upd), &res); err != nil {
		t.Fatal(err)
	}
	// The check's custom box runs Custom Beta itself (the key the image is
	// made for): it takes the image; a Custom Alpha box refuses it by R5.
	for _, v := range out.Verdicts {
		if v.Box == "custom" && v.Via == "portal" && (!v.Accepted || v.Rule != "R5") {
			t.Errorf("custom box via portal: %+v", v)
		}
	}
	if res.Status != 17 || res.Rule != "R5" || !strings.Contains(res.Explain, "CUSTOM_BETA") {
		t.Errorf("device update: %+v", res)
	}
}
