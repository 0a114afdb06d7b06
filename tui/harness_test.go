package tui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

// loopback matches the address of a test server, whose port changes every run.
var loopback = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)

func TestMain(m *testing.M) {
	// bubbles' own default styles use the default renderer: no colour in goldens
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// testRenderer renders without colour, whatever the terminal running the tests.
func testRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

// testBox is a fresh box of model with the stick holding the named demo
// images (first one in the standard place, "" for no drive).
type testBox struct {
	box   *device.Box
	model device.Model
	usb   string
	keys  *demoimage.Keys
}

func newTestBox(t testing.TB, model string, init device.InitOptions) *testBox {
	t.Helper()
	m, err := device.LookupModel(model)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	init.Model = m.Name
	box, err := device.Init(filepath.Join(t.TempDir(), "box"), init)
	if err != nil {
		t.Fatal(err)
	}
	return &testBox{box: box, model: m, keys: keys}
}

// configureServer points the box's update_url and autoupdateURL at the
// server at url, as the default run does with its demo server; "" leaves
// the box with no configured server. Settings a case's prep changed stay.
func (tb *testBox) configureServer(t testing.TB, url string) {
	t.Helper()
	set := map[string]string{}
	st := tb.box.State()
	for name, file := range map[string]string{"autoupdateURL": device.UpdateListName, "update_url": "imageupdate"} {
		if st.Settings[name] != st.Factory[name] {
			continue
		}
		set[name] = ""
		if url != "" {
			set[name] = url + "/" + tb.model.USBFolder() + "/" + file
		}
	}
	if err := tb.box.Set(set); err != nil {
		t.Fatal(err)
	}
}

// demoFile builds the named demo image into a file.
func (tb *testBox) demoFile(t testing.TB, name string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := demoimage.BuildNamed(&buf, tb.keys, tb.model.DemoModel(), name); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// stick makes a USB drive with data as <model>/imageupdate.
func (tb *testBox) stick(t testing.TB, data []byte) {
	t.Helper()
	dir := t.TempDir()
	folder := filepath.Join(dir, tb.model.USBFolder())
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "imageupdate"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.usb = dir
}

// demoStick makes a USB drive holding the named demo image in the standard place.
func (tb *testBox) demoStick(t testing.TB, name string) {
	t.Helper()
	data, err := os.ReadFile(tb.demoFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	tb.stick(t, data)
}

// testTiming: MENU listened for a long time (menuWindow true) or not at all.
func testTiming(menuWindow bool) Timing {
	t := Timing{MenuWindow: time.Nanosecond, BootStep: time.Nanosecond, Message: time.Nanosecond, Reboot: -1}
	if menuWindow {
		t.MenuWindow = time.Hour
	}
	return t
}

func testOptions(env Env, menuWindow bool) Options {
	return Options{
		Start:     func(context.Context) (Env, error) { return env, nil },
		Renderer:  testRenderer(),
		Timing:    testTiming(menuWindow),
		Clock:     func() time.Time { return time.Unix(0, 0) },
		Static:    true,
		HideSpeed: true,
	}
}

// session drives a program with teatest.
type session struct {
	t    *testing.T
	tm   *teatest.TestModel
	m    *Model
	w, h int
}

func start(t *testing.T, env Env, menuWindow bool, w, h int) *session {
	t.Helper()
	return startWith(t, testOptions(env, menuWindow), w, h)
}

func startWith(t *testing.T, opts Options, w, h int) *session {
	t.Helper()
	m := New(opts)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	return &session{t: t, tm: tm, m: m, w: w, h: h}
}

// waitFor waits until the output shows every one of texts.
func (s *session) waitFor(texts ...string) {
	s.t.Helper()
	teatest.WaitFor(s.t, s.tm.Output(), func(b []byte) bool {
		for _, x := range texts {
			if !bytes.Contains(b, []byte(x)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// namedKeys are the keys session.keys takes by name; any other string is
// typed as runes.
var namedKeys = map[string]tea.KeyType{
	"up":     tea.KeyUp,
	"down":   tea.KeyDown,
	"left":   tea.KeyLeft,
	"right":  tea.KeyRight,
	"enter":  tea.KeyEnter,
	"esc":    tea.KeyEsc,
	"pgdown": tea.KeyPgDown,
	"ctrl+u": tea.KeyCtrlU,
}

func (s *session) keys(ks ...string) {
	for _, k := range ks {
		if kt, ok := namedKeys[k]; ok {
			s.tm.Send(tea.KeyMsg{Type: kt})
		} else {
			s.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// down presses Down n times.
func (s *session) down(n int) {
	for i := 0; i < n; i++ {
		s.keys("down")
	}
}

// step is one move of a golden case: Down pressed down times, then keys,
// then text typed, then a wait until the screen shows every one of wait
// (none: no wait).
type step struct {
	down int
	keys []string
	text string // typed a rune at a time; $URL stands for the server's URL
	wait []string
}

// run plays steps in order; url replaces $URL in their text.
func (s *session) run(steps []step, url string) {
	s.t.Helper()
	for _, st := range steps {
		s.down(st.down)
		s.keys(st.keys...)
		if st.text != "" {
			s.tm.Type(strings.ReplaceAll(st.text, "$URL", url))
		}
		if len(st.wait) > 0 {
			s.waitFor(st.wait...)
		}
	}
}

// screenCase is one golden screen: a fresh box, what is put on its stick,
// a program started at a size, and the steps that lead to the screen.
type screenCase struct {
	name  string
	model string
	// init gives the box's init options; nil for deviceInit().
	init func(t *testing.T) device.InitOptions
	demo string // demo image put on the stick as <model>/imageupdate
	raw  []byte // or these bytes
	kit  bool   // or the demo kit's whole stick
	// prep readies the box after the stick and returns the update
	// server's URL, if any: the box's configured server, and $URL in steps.
	prep func(t *testing.T, tb *testBox) string
	// typedOnly leaves the box without a configured server: prep's URL
	// is only typed.
	typedOnly bool
	menu      bool // MENU listened for at power-on
	w, h      int
	steps     []step
	// check, if set, looks at the box once the steps are done, before
	// the screen is compared.
	check func(t *testing.T, tb *testBox)
}

// runScreenCases runs each case as a subtest, compared with
// testdata/<test>/<case>.golden.
func runScreenCases(t *testing.T, cases []screenCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			init := deviceInit()
			if c.init != nil {
				init = c.init(t)
			}
			tb := newTestBox(t, c.model, init)
			switch {
			case c.demo != "":
				tb.demoStick(t, c.demo)
			case c.raw != nil:
				tb.stick(t, c.raw)
			case c.kit:
				tb.usb = t.TempDir()
				if err := demokit.WriteStick(tb.usb, tb.model); err != nil {
					t.Fatal(err)
				}
			}
			var url string
			if c.prep != nil {
				url = c.prep(t, tb)
			}
			env := Env{Box: tb.box, USBDir: tb.usb, ServerURL: url}
			if c.typedOnly {
				env.ServerURL = ""
			}
			if url != "" {
				tb.configureServer(t, env.ServerURL) // "" when the URL is only typed
			}
			s := start(t, env, c.menu, c.w, c.h)
			s.run(c.steps, url)
			if c.check != nil {
				c.check(t, tb)
			}
			s.golden()
		})
	}
}

// finish quits and returns the last screen as the golden compares it.
func (s *session) finish() string {
	s.t.Helper()
	s.tm.Send(finalMsg{})
	if err := s.tm.Quit(); err != nil {
		s.t.Fatal(err)
	}
	fm := s.tm.FinalModel(s.t, teatest.WithFinalTimeout(20*time.Second))
	raw := fm.View()
	// every screen fits the terminal exactly
	lines := strings.Split(raw, "\n")
	if len(lines) != s.h {
		s.t.Errorf("the screen has %d lines, the terminal %d", len(lines), s.h)
	}
	for i, l := range lines {
		if n := lipgloss.Width(l); n > s.w {
			s.t.Errorf("line %d is %d cells wide, the terminal %d: %q", i+1, n, s.w, l)
		}
	}
	v := normalise(raw)
	s.m.Shutdown() // an update still in flight sees a power cut
	return v
}

// finalMsg lets the last key presses settle before quitting.
type finalMsg struct{}

// golden compares the screen with testdata/<test>.golden.
func (s *session) golden() {
	s.t.Helper()
	golden.RequireEqual(s.t, []byte(s.finish()))
}

// normalise takes out what varies between runs: trailing spaces, temp paths.
func normalise(v string) string {
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	out := strings.Join(lines, "\n")
	if tmp := os.TempDir(); tmp != "" {
		out = strings.ReplaceAll(out, tmp, "$TMP")
	}
	out = loopback.ReplaceAllString(out, "127.0.0.1:PORT")
	return out + "\n"
}

func deviceInit() device.InitOptions { return device.InitOptions{} }

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func goldenView(t *testing.T, v string) {
	t.Helper()
	golden.RequireEqual(t, []byte(normalise(v)))
}
