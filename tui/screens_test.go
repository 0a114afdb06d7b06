package tui

import (
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// Golden screens: each screen at 80×24 (and a few at 100×30), no colour.

func TestScreenSetup(t *testing.T) {
	m := New(testOptions(Env{}, true))
	m.Update(teaSize(80, 24))
	goldenView(t, m.View())
}

func TestScreenPowerOn(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.golden()
}

func TestScreenPowerOnMAG420(t *testing.T) {
	tb := newTestBox(t, "MAG420", deviceInit())
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("service button")
	s.golden()
}

func TestScreenPortal(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Home")
	s.golden()
}

func TestScreenPortalSoftwareUpdate(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Home")
	s.keys("enter")
	s.waitFor("Software update")
	s.keys("enter")
	s.waitFor("Update from URL")
	s.golden()
}

func TestScreenPortalDeviceInfo(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Home")
	s.keys("down", "enter")
	s.waitFor("Image description")
	s.golden()
}

func TestScreenBootloader(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.golden()
}

func TestScreenBootloader100x30(t *testing.T) {
	s := bootloader(t, 100, 30)
	s.golden()
}

func TestScreenBootloaderDeviceInfo(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(4)
	s.keys("right")
	s.waitFor("MAC Address")
	s.golden()
}

func TestScreenBootloaderLoaderInfo(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(5)
	s.keys("right")
	s.waitFor("Loader Info")
	s.golden()
}

func TestScreenBootloaderImageInfo(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(6)
	s.keys("right")
	s.waitFor("Forced")
	s.golden()
}

func TestScreenBootloaderUpgradeTools(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(7)
	s.keys("right")
	s.waitFor("Reset Op.KEY")
	s.golden()
}

func TestScreenBootloaderMCUpgrade(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(7)
	s.keys("right")
	s.waitFor("Reset Op.KEY")
	s.keys("down", "enter")
	s.waitFor("not simulated")
	s.golden()
}

func TestScreenBootloaderChanged(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.keys("right", "down", "right")
	s.waitFor("changed")
	s.golden()
}

func TestScreenBootloaderSaveConfirm(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.keys("right")
	s.down(9)
	s.keys("enter")
	s.waitFor("Please confirm save change. Press OK")
	s.golden()
}

func TestScreenBootloaderDefSettings(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(8)
	s.keys("enter")
	s.waitFor("Press OK")
	s.golden()
}

func TestScreenUSBBootstrapList(t *testing.T) {
	s := bootloader(t, 80, 24)
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("Forced: No")
	s.golden()
}

func TestScreenSRU(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.golden()
}

func TestScreenSRUFullHelp(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("?")
	s.waitFor("Reconstruction")
	s.golden()
}

func TestScreenSRUDeviceInformation(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("enter")
	s.waitFor("Image description")
	s.golden()
}

func TestScreenSRUUpgradeTools(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("down", "enter")
	s.waitFor("Using multicast")
	s.golden()
}

func TestScreenSRUUpdateSoftware(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("down", "enter")
	s.waitFor("Using multicast")
	s.keys("enter")
	s.waitFor("Using HTTP")
	s.golden()
}

func TestScreenSRUMulticast(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("down", "enter")
	s.waitFor("Using multicast")
	s.keys("down", "enter")
	s.waitFor("not simulated")
	s.golden()
}

func TestScreenSRUResetSettings(t *testing.T) {
	s := sru(t, "MAG322", 80, 24)
	s.keys("down", "down", "enter")
	s.waitFor("factory values?")
	s.golden()
}

func TestScreenServiceButton(t *testing.T) {
	tb := newTestBox(t, "MAG420", deviceInit())
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.waitFor("service button")
	s.keys("s")
	s.waitFor("Emergency startup")
	s.golden()
}

func TestScreenEmergencyStartup(t *testing.T) {
	tb := newTestBox(t, "MAG420", deviceInit())
	tb.demoStick(t, "public")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("service button")
	s.keys("s")
	s.waitFor("Emergency startup")
	s.keys("down", "down", "enter")
	s.waitFor("from USB)")
	s.golden()
}

func TestScreenPowerOff(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Home")
	s.keys("p")
	s.waitFor("The box has no power.")
	s.golden()
}

func TestScreenInspector(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 80, 24)
	s.waitFor("Home")
	s.keys("i")
	s.waitFor("Inspector")
	s.golden()
}

func TestScreenInspector100x30(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	s := start(t, Env{Box: tb.box}, false, 100, 30)
	s.waitFor("Home")
	s.keys("i")
	s.waitFor("Inspector")
	s.golden()
}

// bootloader powers a MAG254 on and holds MENU.
func bootloader(t *testing.T, w, h int) *session {
	t.Helper()
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.demoStick(t, "public")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, w, h)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	return s
}

// sru powers a later model on and holds MENU.
func sru(t *testing.T, model string, w, h int) *session {
	t.Helper()
	tb := newTestBox(t, model, deviceInit())
	tb.demoStick(t, "public")
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, w, h)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Boot from backup bank")
	return s
}

// TestScreenUSBDemoStick lists the demo kit's stick: every image with its line.
func TestScreenUSBDemoStick(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.usb = t.TempDir()
	if err := device.WriteDemoStick(tb.usb, tb.model); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 100, 30)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.golden()
}

func TestScreenUSBDemoStick80x24(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.usb = t.TempDir()
	if err := device.WriteDemoStick(tb.usb, tb.model); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box, USBDir: tb.usb}, true, 80, 24)
	s.waitFor("Press m (MENU)")
	s.keys("m")
	s.waitFor("Exit & Discard")
	s.down(7)
	s.keys("right", "enter")
	s.waitFor("OK installs")
	s.down(14)
	s.waitFor("wrong-model")
	s.golden()
}

// TestScreenUpdateChecking and TestScreenUpdateProgress draw the update
// screen from its messages, without a device: the states between the
// start and the result, which a program run passes too fast to catch.
func TestScreenUpdateChecking(t *testing.T) {
	m := New(testOptions(Env{}, true))
	m.Update(teaSize(80, 24))
	c := m.c
	c.ready, c.model = true, mustModel(t, "MAG254")
	u := newUpdateScreen(c, flavorBootloader, "USB Bootstrap", nil, false)
	u.Update(progressMsg{p: device.Progress{Stage: device.StatusInspectingFile, Total: -1}})
	m.stack, m.powered = []screen{u}, true
	goldenView(t, m.View())
}

func TestScreenUpdateProgress(t *testing.T) {
	m := New(testOptions(Env{}, true))
	m.Update(teaSize(80, 24))
	c := m.c
	c.ready, c.model = true, mustModel(t, "MAG322")
	u := newUpdateScreen(c, flavorSRU, "Using USB", nil, false)
	u.Update(progressMsg{p: device.Progress{Stage: device.StatusErasing, Total: 12 << 20}})
	u.Update(progressMsg{p: device.Progress{Stage: device.StatusUpdatingImage, Done: 7 << 20, Total: 12 << 20}})
	m.stack, m.powered = []screen{u}, true
	goldenView(t, m.View())
}

func mustModel(t *testing.T, name string) device.Model {
	t.Helper()
	md, err := device.LookupModel(name)
	if err != nil {
		t.Fatal(err)
	}
	return md
}
