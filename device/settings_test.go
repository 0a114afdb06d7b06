package device

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// TestSetEveryName: every setting of the catalogue with a good value, a bad
// value, and the read-only ones refused; after every refusal the state
// file's bytes are what they were.
func TestSetEveryName(t *testing.T) {
	good := map[SettingKind]string{SettingURL: "http://ops.example/mag254/", SettingText: "pool.ntp.org", SettingColor: "0x00112233"}
	bad := map[SettingKind]string{SettingURL: "ops.example/mag254", SettingColor: "blue", SettingText: "a\x1bb"}
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	for _, s := range Settings() {
		t.Run(s.Name, func(t *testing.T) {
			if s.ReadOnly {
				before := stateBytes(t, b)
				err := b.Set(map[string]string{s.Name: "x"})
				var se *SettingError
				if !errors.As(err, &se) || !se.ReadOnly || !strings.Contains(err.Error(), "no user may change it") {
					t.Fatalf("read-only %s: %v", s.Name, err)
				}
				if !bytes.Equal(before, stateBytes(t, b)) {
					t.Fatal("state changed after a refusal")
				}
				return
			}
			v := good[s.Kind]
			if s.Kind == SettingChoice {
				v = s.Choices[len(s.Choices)-1]
				if s.Name == "bootmode" {
					v = "NAND" // NAND2 would boot the empty bank 1; DHCP is tested with the bank choice
				}
			}
			if err := b.Set(map[string]string{s.Name: v}); err != nil {
				t.Fatalf("%s=%s: %v", s.Name, v, err)
			}
			if got := b.State().Settings[s.Name]; got != v {
				t.Fatalf("%s is %q after setting %q", s.Name, got, v)
			}
			wrong := bad[s.Kind]
			if s.Kind == SettingChoice {
				wrong = "maybe"
			}
			before := stateBytes(t, b)
			err := b.Set(map[string]string{s.Name: wrong})
			if err == nil {
				t.Fatalf("%s=%q was taken", s.Name, wrong)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, s.Name+"=") || strings.ContainsRune(msg, 0x1b) {
				t.Errorf("the refusal %q does not name the pair first, or shows a control character", msg)
			}
			if s.Kind == SettingChoice && !strings.Contains(msg, strings.Join(s.Choices, ", ")) {
				t.Errorf("the refusal %q does not list the allowed values", msg)
			}
			if !bytes.Equal(before, stateBytes(t, b)) {
				t.Fatal("state changed after a refusal")
			}
		})
	}
}

// TestSetAllOrNothing: one bad pair among good ones changes nothing.
func TestSetAllOrNothing(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	before := stateBytes(t, b)
	cases := []map[string]string{
		{"autoupdate_cond": "0", "tvsystem": "PAL", "betaupdate_cond": "7"},
		{"autoupdateURL": "http://ops.example/", "serial#": "1"},
		{"autoupdate_cond": "0", "no_such_setting": "1"},
		{"autoupdate_cond": "0", "bad name": "1"},
		{"autoupdate_cond": "0", "language": strings.Repeat("x", maxSettingValue+1)},
		{"autoupdate_cond": "0", "language": "\xff"},
	}
	for _, c := range cases {
		if err := b.Set(c); err == nil {
			t.Errorf("%v was taken", c)
		}
		if !bytes.Equal(before, stateBytes(t, b)) {
			t.Fatalf("%v changed the state", c)
		}
	}
	if err := b.Set(map[string]string{"autoupdate_cond": "0", "autoupdateURL": ""}); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.State().Settings["autoupdateURL"]; ok {
		t.Error("an empty autoupdateURL was not removed")
	}
}

// TestSetBootmodePicksBank: NAND2 boots bank 1, as the Bootloader's Boot Mode does.
func TestSetBootmodePicksBank(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	if err := b.Set(map[string]string{"bootmode": "NAND2"}); err != nil {
		t.Fatal(err)
	}
	if b.State().Active != 1 {
		t.Fatalf("active bank %d after bootmode=NAND2", b.State().Active)
	}
}

// TestInitSettingsAreFactoryDefaults: `device init --set` records the factory
// settings; a factory reset restores them, not the model's.
func TestInitSettingsAreFactoryDefaults(t *testing.T) {
	home := filepath.Join(tempDir(t), "box")
	url := "http://127.0.0.1:9/mag254/update_list.txt"
	b, err := Init(home, InitOptions{Model: "MAG254", Settings: map[string]string{"autoupdateURL": url, "autoupdate_cond": "0"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Set(map[string]string{"autoupdateURL": "http://elsewhere.example/", "autoupdate_cond": "2", "language": "de"}); err != nil {
		t.Fatal(err)
	}
	if err := b.FactoryReset(); err != nil {
		t.Fatal(err)
	}
	b2, err := Open(home) // what was recorded, not what is in memory
	if err != nil {
		t.Fatal(err)
	}
	st := b2.State()
	if st.Settings["autoupdateURL"] != url || st.Settings["autoupdate_cond"] != "0" || st.Settings["language"] != "en" {
		t.Fatalf("after a factory reset: %v", st.Settings)
	}
	if st.Factory["autoupdateURL"] != url {
		t.Errorf("factory settings %v", st.Factory)
	}
	for _, bad := range []map[string]string{{"autoupdate_cond": "5"}, {"serial#": "x"}, {"bootmode": "NAND2"}} {
		if _, err := Init(filepath.Join(tempDir(t), "box"), InitOptions{Model: "MAG254", Settings: bad}); err == nil {
			t.Errorf("init with %v was taken", bad)
		}
	}
}

// TestEnvSectionApplied: an installed image's Env lines become settings, the
// names a user may not change are skipped, and the result lists both.
func TestEnvSectionApplied(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	serial := b.State().Serial
	env := "autoupdateURL=http://ops.example/mag254/update_list.txt\r\n# a comment\n\nserial#=0000\nautoupdate_cond=9\n" +
		"bootmode=NAND\nportal1=http://portal.ops.example/\x00operator_id=alpha\nno equals sign\nlanguage=en\n"
	res := f.update(b, f.image(m, demoimage.Spec{Signer: "manufacturer", Version: m.FactoryVersion + 1, Env: env}), UpdateOptions{})
	if !res.Installed {
		t.Fatalf("%d %s: %s", res.Status, res.Text, res.Explain)
	}
	st := b.State().Settings
	want := map[string]string{"autoupdateURL": "http://ops.example/mag254/update_list.txt", "portal1": "http://portal.ops.example/",
		"operator_id": "alpha", "serial#": serial, "autoupdate_cond": "1", "bootmode": "NAND2"}
	for n, v := range want {
		if st[n] != v {
			t.Errorf("%s=%q; want %q", n, st[n], v)
		}
	}
	got := map[string]EnvSetting{}
	for _, e := range res.Env {
		got[e.Name] = e
	}
	for _, n := range []string{"autoupdateURL", "portal1", "operator_id"} {
		if e, ok := got[n]; !ok || e.Skipped != "" {
			t.Errorf("%s not listed as changed: %+v", n, e)
		}
	}
	for _, n := range []string{"serial#", "autoupdate_cond", "bootmode", "no equals sign"} {
		if e, ok := got[n]; !ok || e.Skipped == "" {
			t.Errorf("%s not listed as skipped: %+v", n, e)
		}
	}
	if _, ok := got["language"]; ok {
		t.Error("an unchanged setting was listed")
	}
}

// TestEnvSectionNotAppliedOnRefusal: a refused image's Env changes nothing.
func TestEnvSectionNotAppliedOnRefusal(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	before := stateBytes(t, b)
	res := f.update(b, f.image(m, demoimage.Spec{Signer: "operator_one", Version: m.FactoryVersion + 1, Env: "autoupdateURL=http://evil.example/\n"}), UpdateOptions{})
	if res.Installed || len(res.Env) != 0 {
		t.Fatalf("installed %v, env %v", res.Installed, res.Env)
	}
	if !bytes.Equal(before, stateBytes(t, b)) {
		t.Fatal("a refused image changed the state")
	}
}

// TestAutoupdateSendsPortalHeaders: every request of Check now carries the
// X- headers of the real portal.
func TestAutoupdateSendsPortalHeaders(t *testing.T) {
	f := newFixture(t)
	b := f.box(f.model("MAG254"), nil, false)
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	if err := b.Set(map[string]string{"autoupdate_cond": "0", "autoupdateURL": srv.URL + "/mag254/"}); err != nil {
		t.Fatal(err)
	}
	rep := b.Autoupdate(context.Background(), AutoupdateOptions{})
	if rep.Outcome != AutoupdateFailed || !rep.TurnedOff {
		t.Fatalf("%s, turned off %v", rep.Outcome, rep.TurnedOff)
	}
	st := b.State()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no request reached the server")
	}
	want := map[string]string{"X-CurrentVersion": st.Settings["Image_Version"], "X-SerialNumber": st.Serial, "X-MacAddress": st.MAC, "X-ModelNameEx": "MAG254"}
	for n, v := range want {
		if got := seen[0].Get(n); got != v || v == "" {
			t.Errorf("%s: %q; want %q", n, got, v)
		}
	}
	if st.Settings["autoupdate_cond"] != "2" {
		t.Errorf("autoupdate_cond %q after a failure; want 2", st.Settings["autoupdate_cond"])
	}
}

// FuzzParseEnv: any Env section is read without a panic, and every line it
// would apply passes the same check as `device set`.
func FuzzParseEnv(f *testing.F) {
	f.Add([]byte("bg_color=0x00006498\nfg_color=0x00FFFFFF\nlanguage=en\nntpurl=pool.ntp.org\n"))
	f.Add([]byte("a=b\x00c=d\r\n#x\n=\n==\nserial#=1\nautoupdateURL=http://x/\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := &stateFile{Settings: map[string]string{"serial#": "S"}}
		for _, e := range applyEnv(st, data, false) {
			if e.Skipped == "" && !validSettingName(e.Name) {
				t.Fatalf("applied a bad name %q", e.Name)
			}
		}
		if st.Settings["serial#"] != "S" {
			t.Fatal("the Env section changed serial#")
		}
		for n, v := range st.Settings {
			if checkSettingValue(v) != "" || strings.ContainsAny(n, "=\n") {
				t.Fatalf("stored %q=%q", n, v)
			}
		}
	})
}

// FuzzSetting: a NAME=VALUE argument never panics; a taken value holds no
// control character, and a refusal shows none.
func FuzzSetting(f *testing.F) {
	for _, s := range []string{"autoupdate_cond=0", "autoupdateURL=http://x/y", "serial#=1", "=", "a", "bg_color=0xFFFFFFFF", "x=\x1b[2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		name, value, err := ParseAssignment(arg)
		if err != nil {
			return
		}
		err = CheckSetting(name, value, false)
		if err == nil {
			for _, r := range value {
				if unicode.IsControl(r) {
					t.Fatalf("took a control character in %q", value)
				}
			}
			return
		}
		for _, r := range err.Error() {
			if unicode.IsControl(r) {
				t.Fatalf("the refusal %q shows a control character", err)
			}
		}
	})
}
