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

// TestScreen runs the golden screens of screenCases, and those of the
// other files' tables: servedScreenCases (flows_test.go) and
// opKeyScreenCases (opkey_test.go).
func TestScreen(t *testing.T) {
	var cases []screenCase
	cases = append(cases, screenCases...)
	cases = append(cases, servedScreenCases...)
	cases = append(cases, opKeyScreenCases...)
	runScreenCases(t, cases)
}

var screenCases = []screenCase{
	{name: "PowerOn", model: "MAG254", menu: true, w: 80, h: 24, steps: []step{
		{wait: []string{"Press m (MENU)"}},
	}},
	{name: "PowerOnMAG420", model: "MAG420", menu: true, w: 80, h: 24, steps: []step{
		{wait: []string{"service button"}},
	}},
	{name: "Portal", model: "MAG254", w: 80, h: 24, steps: []step{
		{wait: []string{"Home"}},
	}},
	{name: "PortalSoftwareUpdate", model: "MAG254", w: 80, h: 24, steps: []step{
		{wait: []string{"Home"}},
		{keys: []string{"enter"}, wait: []string{"Software update"}},
		{keys: []string{"enter"}, wait: []string{"Update from URL"}},
	}},
	{name: "PortalDeviceInfo", model: "MAG254", w: 80, h: 24, steps: []step{
		{wait: []string{"Home"}},
		{keys: []string{"down", "enter"}, wait: []string{"Image description"}},
	}},
	{name: "Bootloader", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader()},
	{name: "Bootloader100x30", model: "MAG254", demo: "public", menu: true, w: 100, h: 30, steps: toBootloader()},
	{name: "BootloaderDeviceInfo", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 4, keys: []string{"right"}, wait: []string{"MAC Address"}},
	)},
	{name: "BootloaderLoaderInfo", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 5, keys: []string{"right"}, wait: []string{"Loader Info"}},
	)},
	{name: "BootloaderImageInfo", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 6, keys: []string{"right"}, wait: []string{"Forced"}},
	)},
	{name: "BootloaderUpgradeTools", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 7, keys: []string{"right"}, wait: []string{"Reset Op.KEY"}},
	)},
	{name: "BootloaderMCUpgrade", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 7, keys: []string{"right"}, wait: []string{"Reset Op.KEY"}},
		step{keys: []string{"down", "enter"}, wait: []string{"not simulated"}},
	)},
	{name: "BootloaderChanged", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{keys: []string{"right", "down", "right"}, wait: []string{"changed"}},
	)},
	{name: "BootloaderSaveConfirm", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{keys: []string{"right"}},
		step{down: 9, keys: []string{"enter"}, wait: []string{"Please confirm save change. Press OK"}},
	)},
	{name: "BootloaderDefSettings", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 8, keys: []string{"enter"}, wait: []string{"Press OK"}},
	)},
	{name: "USBBootstrapList", model: "MAG254", demo: "public", menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 7, keys: []string{"right", "enter"}, wait: []string{"Forced: No"}},
	)},
	{name: "SRU", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU()},
	{name: "SRUFullHelp", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"?"}, wait: []string{"Reconstruction"}},
	)},
	{name: "SRUDeviceInformation", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"enter"}, wait: []string{"Image description"}},
	)},
	{name: "SRUUpgradeTools", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
	)},
	{name: "SRUUpdateSoftware", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
		step{keys: []string{"enter"}, wait: []string{"Using HTTP"}},
	)},
	{name: "SRUMulticast", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "enter"}, wait: []string{"Using multicast"}},
		step{keys: []string{"down", "enter"}, wait: []string{"not simulated"}},
	)},
	{name: "SRUResetSettings", model: "MAG322", demo: "public", menu: true, w: 80, h: 24, steps: toSRU(
		step{keys: []string{"down", "down", "enter"}, wait: []string{"factory values?"}},
	)},
	{name: "ServiceButton", model: "MAG420", menu: true, w: 80, h: 24, steps: []step{
		{wait: []string{"service button"}},
		{keys: []string{"s"}, wait: []string{"Emergency startup"}},
	}},
	{name: "EmergencyStartup", model: "MAG420", demo: "public", menu: true, w: 80, h: 24, steps: []step{
		{wait: []string{"service button"}},
		{keys: []string{"s"}, wait: []string{"Emergency startup"}},
		{keys: []string{"down", "down", "enter"}, wait: []string{"from USB)"}},
	}},
	{name: "PowerOff", model: "MAG254", w: 80, h: 24, steps: []step{
		{wait: []string{"Home"}},
		{keys: []string{"p"}, wait: []string{"The box has no power."}},
	}},
	{name: "Inspector", model: "MAG254", w: 80, h: 24, steps: []step{
		{wait: []string{"Home"}},
		{keys: []string{"i"}, wait: []string{"Inspector"}},
	}},
	{name: "Inspector100x30", model: "MAG254", w: 100, h: 30, steps: []step{
		{wait: []string{"Home"}},
		{keys: []string{"i"}, wait: []string{"Inspector"}},
	}},
	// USBDemoStick lists the demo kit's stick: every image with its line.
	{name: "USBDemoStick", model: "MAG254", kit: true, menu: true, w: 100, h: 30, steps: toBootloader(
		step{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
	)},
	{name: "USBDemoStick80x24", model: "MAG254", kit: true, menu: true, w: 80, h: 24, steps: toBootloader(
		step{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
		step{down: 14, wait: []string{"wrong-model"}},
	)},
}

// toBootloader holds MENU at power-on, waits for the Bootloader, then takes more.
func toBootloader(more ...step) []step {
	return append([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"m"}, wait: []string{"Exit & Discard"}},
	}, more...)
}

// toSRU holds MENU at power-on of a later model, waits for the System
// Recovery Utility, then takes more.
func toSRU(more ...step) []step {
	return append([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"m"}, wait: []string{"Boot from backup bank"}},
	}, more...)
}

// TestScreenUpdate draws the update screen from its messages, without a
// device: the states between the start and the result, which a program
// run passes too fast to catch.
func TestScreenUpdate(t *testing.T) {
	for _, c := range []struct {
		name     string
		model    string
		flavor   flavor
		title    string
		progress []device.Progress // sent in order
	}{
		{name: "Checking", model: "MAG254", flavor: flavorBootloader, title: "USB Bootstrap", progress: []device.Progress{
			{Stage: device.StatusInspectingFile, Total: -1},
		}},
		{name: "Progress", model: "MAG322", flavor: flavorSRU, title: "Using USB", progress: []device.Progress{
			{Stage: device.StatusErasing, Total: 12 << 20},
			{Stage: device.StatusUpdatingImage, Done: 7 << 20, Total: 12 << 20},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := New(testOptions(Env{}, true))
			m.Update(teaSize(80, 24))
			cm := m.c
			cm.ready, cm.model = true, mustModel(t, c.model)
			u := newUpdateScreen(cm, c.flavor, c.title, nil, false)
			for _, p := range c.progress {
				u.Update(progressMsg{p: p})
			}
			m.stack, m.powered = []screen{u}, true
			goldenView(t, m.View())
		})
	}
}

func mustModel(t *testing.T, name string) device.Model {
	t.Helper()
	md, err := device.LookupModel(name)
	if err != nil {
		t.Fatal(err)
	}
	return md
}
