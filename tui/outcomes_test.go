package tui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// Golden screens of every update outcome, on the real device and demo kit.

// TestOutcome runs the golden outcomes of outcomeCases, and those of
// servedOutcomeCases (flows_test.go).
func TestOutcome(t *testing.T) {
	var cases []screenCase
	cases = append(cases, outcomeCases...)
	cases = append(cases, servedOutcomeCases...)
	runScreenCases(t, cases)
}

var outcomeCases = []screenCase{
	{name: "Installed", model: "MAG254", demo: "public", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Update finished OK"}},
	)},
	{name: "InstalledThenBoot", model: "MAG254", demo: "public", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Update finished OK"}},
		step{keys: []string{"enter"}, wait: []string{"Press m (MENU)"}},
		step{keys: []string{"enter"}, wait: []string{"Home", "0.2.19-r1-pub-254"}},
	)},
	{name: "WrongSignatureR1", model: "MAG254", demo: "operator-one", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Wrong digital signature", "Why:"}},
	)},
	{name: "WrongSignatureR1SRU", model: "MAG322", demo: "operator-one", menu: true, w: 100, h: 30, steps: toSRU(
		step{keys: []string{"down", "enter", "enter", "enter"}, wait: []string{"OK installs"}},
		step{keys: []string{"enter"}, wait: []string{"17 Wrong signature", "Why:"}},
	)},
	// WrongSignatureR1Scrolled is the refusal at 80×20, where its
	// explanation does not fit, scrolled to the end.
	{name: "WrongSignatureR1Scrolled", model: "MAG254", demo: "operator-one", menu: true, w: 80, h: 20, steps: usbBootstrap(
		step{wait: []string{"Wrong digital signature", "scroll · 0%"}},
		step{keys: []string{"pgdown", "pgdown"}, wait: []string{"scroll · 100%"}},
	)},
	{name: "WrongSignatureR2", model: "MAG254", init: withOperatorKey("operator_one"), demo: "public", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Wrong digital signature", "Why:"}},
	)},
	{name: "WrongSignatureR3", model: "MAG254", demo: "public", w: 100, h: 30, steps: portalUSB(
		step{wait: []string{"17 Wrong signature", "Why:"}},
	)},
	{name: "WrongSignatureR5", model: "MAG254", init: runningDemo("custom-alpha"), demo: "custom-beta", w: 100, h: 30, steps: portalUSB(
		step{wait: []string{"17 Wrong signature", "Why:"}},
	)},
	{name: "WrongModel", model: "MAG254", demo: "wrong-model", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Wrong image", "Why:"}},
	)},
	{name: "InvalidHeader", model: "MAG254", raw: []byte("this is not an imageupdate file\n"), menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Wrong image", "update engine: 22"}},
	)},
	{name: "VersionNotNewer", model: "MAG254", demo: "public-older", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Image version is not newer", "Why:"}},
	)},
	{name: "SameVersionRefused", model: "MAG254", demo: "public-same", menu: true, w: 100, h: 30, steps: usbBootstrap(
		step{wait: []string{"Image version is not newer", "Why:"}},
	)},
	{name: "ForcedReinstall", model: "MAG254", demo: "public-same", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 6, keys: []string{"right"}, wait: []string{"Forced"}},               // Image Info
		step{down: 3, keys: []string{"right", "left"}},                                 // Forced: Yes, back
		step{down: 1, keys: []string{"right", "enter"}, wait: []string{"Forced: Yes"}}, // Upgrade Tools → USB Bootstrap
		step{keys: []string{"enter"}, wait: []string{"Update finished OK"}},
	)},
	// ReadError serves an image whose transfer breaks off half-way.
	{name: "ReadError", model: "MAG322", prep: breakingServer, typedOnly: true, menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter", "enter", "down", "enter"}, wait: []string{"URL:"}},
		step{keys: []string{"ctrl+u"}, text: "$URL/mag322/imageupdate"},
		step{keys: []string{"enter"}, wait: []string{"27 Read error"}},
	)},
	// PowerCut cuts the power while the inactive bank is being written,
	// then powers on: the box boots its old image.
	{name: "PowerCut", model: "MAG254", prep: stalling("public"), w: 80, h: 24, steps: toURLWriting(
		step{keys: []string{"p"}, wait: []string{"The box has no power."}},
		step{keys: []string{"p"}, wait: []string{"Home", "0.2.18-r23-254"}},
		step{keys: []string{"i"}, wait: []string{"Inspector"}},
	), check: func(t *testing.T, tb *testBox) {
		st := tb.box.State()
		if st.Active != 0 || st.Banks[1].Valid {
			t.Errorf("after the cut: active %d, bank 1 valid %v; want 0 and false", st.Active, st.Banks[1].Valid)
		}
	}},
}

// usbBootstrap opens the Bootloader, Upgrade Tools → USB Bootstrap and
// installs the stick's imageupdate, then takes more.
func usbBootstrap(more ...step) []step {
	return toBootloader(append([]step{
		{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
		{keys: []string{"enter"}},
	}, more...)...)
}

// portalUSB boots the image and runs Settings → Software update → Update
// from USB, then takes more.
func portalUSB(more ...step) []step {
	return append([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter", "enter", "enter"}, wait: []string{"OK installs"}},
		{keys: []string{"enter"}},
	}, more...)
}

// toURLWriting boots the image, runs Settings → Software update → Update
// from URL with $URL/image and waits for the inactive bank being written,
// then takes more.
func toURLWriting(more ...step) []step {
	return append([]step{
		{wait: []string{"Home"}},
		{keys: []string{"enter", "enter", "down", "enter"}, wait: []string{"URL:"}},
		{keys: []string{"ctrl+u"}, text: "$URL/image"},
		{keys: []string{"enter"}, wait: []string{"Writing the inactive bank"}},
	}, more...)
}

// withOperatorKey inits the box with the certified demo operator key name installed.
func withOperatorKey(name string) func(*testing.T) device.InitOptions {
	return func(t *testing.T) device.InitOptions {
		t.Helper()
		keys, err := demoimage.LoadKeys()
		if err != nil {
			t.Fatal(err)
		}
		cert, err := keys.Cert(name)
		if err != nil {
			t.Fatal(err)
		}
		certFile := filepath.Join(t.TempDir(), name+".key")
		if err := os.WriteFile(certFile, cert, 0o644); err != nil {
			t.Fatal(err)
		}
		return device.InitOptions{OperatorKey: certFile}
	}
}

// runningDemo inits a MAG254 running the named demo image.
func runningDemo(name string) func(*testing.T) device.InitOptions {
	return func(t *testing.T) device.InitOptions {
		t.Helper()
		probe := newTestBox(t, "MAG254", deviceInit())
		return device.InitOptions{Image: probe.demoFile(t, name)}
	}
}

// breakingServer serves tb's public demo image, breaking the transfer off
// half-way.
func breakingServer(t *testing.T, tb *testBox) string {
	t.Helper()
	data, err := os.ReadFile(tb.demoFile(t, "public"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		if hj, ok := w.(http.Hijacker); ok {
			conn, _, _ := hj.Hijack()
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// stalling serves the named demo image with stallingServer.
func stalling(name string) func(*testing.T, *testBox) string {
	return func(t *testing.T, tb *testBox) string {
		t.Helper()
		return stallingServer(t, tb, name)
	}
}

// stallingServer serves the first half of the named demo image at /image,
// then stalls until the client goes away (the box is cut off first).
func stallingServer(t *testing.T, tb *testBox, name string) string {
	t.Helper()
	data, err := os.ReadFile(tb.demoFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:len(data)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
