package tui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// Golden screens of every update outcome, on the real device and demo kit.

// usbBootstrap opens the Bootloader, Upgrade Tools → USB Bootstrap and
// installs the stick's imageupdate.
func usbBootstrap(t *testing.T, tb *testBox) *session {
	t.Helper()
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 100, 30)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	return s
}

// portalUSB boots the image and runs Settings → Software update → Update from USB.
func portalUSB(t *testing.T, tb *testBox) *session {
	t.Helper()
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, false, 100, 30)
	s.waitFor("Home")
	s.keys("enter", "enter", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	return s
}

func TestOutcomeInstalled(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	s := usbBootstrap(t, tb)
	s.waitFor("Update finished OK")
	s.golden()
}

func TestOutcomeInstalledThenBoot(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	s := usbBootstrap(t, tb)
	s.waitFor("Update finished OK")
	s.keys("enter")
	s.waitFor("Press m (MENU)")
	s.keys("enter")
	s.waitFor("Home", "0.2.19-r1-pub-254")
	s.golden()
}

func TestOutcomeWrongSignatureR1(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "operator-one")
	s := usbBootstrap(t, tb)
	s.waitFor("Wrong digital signature", "Why:")
	s.golden()
}

func TestOutcomeWrongSignatureR1SRU(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
	tb.demoStick(t, "operator-one")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 100, 30)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	s.keys("down", "enter", "enter", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	s.waitFor("17 Wrong signature", "Why:")
	s.golden()
}

// TestOutcomeWrongSignatureR1Scrolled is the refusal at 80×20, where its
// explanation does not fit, scrolled to the end.
func TestOutcomeWrongSignatureR1Scrolled(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "operator-one")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 20)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.keys("enter")
	s.waitFor("Wrong digital signature", "scroll · 0%")
	s.tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	s.tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
	s.waitFor("scroll · 100%")
	s.golden()
}

func TestOutcomeWrongSignatureR2(t *testing.T) {
	keys, err := device.LoadDemoKeys()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := keys.Cert("operator_one")
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "operator_one.key")
	if err := os.WriteFile(certFile, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	tb := newTestBox(t, "MAG254", device.InitOptions{OperatorKey: certFile})
	tb.demoStick(t, "public")
	s := usbBootstrap(t, tb)
	s.waitFor("Wrong digital signature", "Why:")
	s.golden()
}

func TestOutcomeWrongSignatureR3(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	s := portalUSB(t, tb)
	s.waitFor("17 Wrong signature", "Why:")
	s.golden()
}

func TestOutcomeWrongSignatureR5(t *testing.T) {
	probe := newTestBox(t, "MAG254", deviceInit())
	tb := newTestBox(t, "MAG254", device.InitOptions{Image: probe.demoFile(t, "custom-alpha")})
	tb.demoStick(t, "custom-beta")
	s := portalUSB(t, tb)
	s.waitFor("17 Wrong signature", "Why:")
	s.golden()
}

func TestOutcomeWrongModel(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "wrong-model")
	s := usbBootstrap(t, tb)
	s.waitFor("Wrong image", "Why:")
	s.golden()
}

func TestOutcomeInvalidHeader(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.stick(t, []byte("this is not an imageupdate file\n"))
	s := usbBootstrap(t, tb)
	s.waitFor("Wrong image", "update engine: 22")
	s.golden()
}

func TestOutcomeVersionNotNewer(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public-older")
	s := usbBootstrap(t, tb)
	s.waitFor("Image version is not newer", "Why:")
	s.golden()
}

func TestOutcomeSameVersionRefused(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public-same")
	s := usbBootstrap(t, tb)
	s.waitFor("Image version is not newer", "Why:")
	s.golden()
}

func TestOutcomeForcedReinstall(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public-same")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(6)
	s.keys("right") // Image Info
	s.waitFor("Forced")
	s.down(3)
	s.keys("right", "left") // Forced: Yes, back
	s.down(1)
	s.keys("right", "enter") // Upgrade Tools → USB Bootstrap
	s.waitFor("Forced: Yes")
	s.keys("enter")
	s.waitFor("Update finished OK")
	s.golden()
}

// TestOutcomeReadError serves an image whose transfer breaks off half-way.
func TestOutcomeReadError(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
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
	defer srv.Close()
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	s.keys("down", "enter", "enter", "down", "enter")
	s.waitFor("URL:")
	s.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	s.tm.Type(srv.URL + "/mag322/imageupdate")
	s.keys("enter")
	s.waitFor("27 Read error")
	s.golden()
}

// TestOutcomePowerCut cuts the power while the inactive bank is being
// written, then powers on: the box boots its old image.
func TestOutcomePowerCut(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	url := stallingServer(t, tb, "public")
	s := start(t, Env{Box: tb.box, ServerURL: url}, false, 80, 24)
	s.waitFor("Home")
	s.keys("enter", "enter", "down", "enter") // Settings → Software update → Update from URL
	s.waitFor("URL:")
	s.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	s.tm.Type(url + "/image")
	s.keys("enter")
	s.waitFor("Writing the inactive bank")
	s.keys("p")
	s.waitFor("The box has no power.")
	s.keys("p")
	s.waitFor("Home", "0.2.18-r23-254")
	s.keys("i")
	s.waitFor("Inspector")
	st := tb.box.State()
	if st.Active != 0 || st.Banks[1].Valid {
		t.Errorf("after the cut: active %d, bank 1 valid %v; want 0 and false", st.Active, st.Banks[1].Valid)
	}
	s.golden()
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
