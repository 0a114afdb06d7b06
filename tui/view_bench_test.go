package tui

import (
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// benchModel is a root model at 80×24 with a ready box and a fresh snapshot,
// driven without a program: screens are put on the stack directly.
func benchModel(b *testing.B, model string) (*Model, *testBox) {
	b.Helper()
	tb := newTestBox(b, model, deviceInit())
	tb.demoStick(b, "operator-one")
	m := New(testOptions(Env{Box: tb.box, USBDir: tb.usb}, true))
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	c := m.c
	c.env, c.ready, c.model = Env{Box: tb.box, USBDir: tb.usb}, true, tb.box.Model()
	c.state, c.printenv = tb.box.State(), tb.box.Printenv()
	m.powered = true
	m.insp.refresh()
	return m, tb
}

func benchView(b *testing.B, m *Model, s screen) {
	b.Helper()
	m.stack = []screen{s}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

func BenchmarkViewPowerOn(b *testing.B) {
	m, tb := benchModel(b, "MAG254")
	s := newBootScreen(m.c)
	r := tb.box.Boot()
	s.report, s.windowOver, s.stage = &r, true, 2
	benchView(b, m, s)
}

func BenchmarkViewPowerOff(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	benchView(b, m, newOffScreen(m.c))
}

func BenchmarkViewBootloader(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	benchView(b, m, newBootloaderScreen(m.c))
}

func BenchmarkViewBootloaderImageInfo(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	benchView(b, m, newBootloaderScreen(m.c).sub(blImage))
}

func BenchmarkViewSRU(b *testing.B) {
	m, _ := benchModel(b, "MAG322")
	benchView(b, m, newSRUScreen(m.c, false))
}

func BenchmarkViewDeviceInformation(b *testing.B) {
	m, _ := benchModel(b, "MAG322")
	benchView(b, m, newDeviceInfoScreen(m.c, lookSRU))
}

func BenchmarkViewServiceButton(b *testing.B) {
	m, _ := benchModel(b, "MAG420")
	benchView(b, m, newServiceScreen(m.c))
}

func BenchmarkViewPortal(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	benchView(b, m, newPortalScreen(m.c))
}

func BenchmarkViewUSBList(b *testing.B) {
	m, tb := benchModel(b, "MAG254")
	s := newUSBScreen(m.c, flavorBootloader)
	es, err := stickEntries(tb.usb, tb.model)
	if err != nil {
		b.Fatal(err)
	}
	s.entries, s.loaded = es, true
	benchView(b, m, s)
}

func BenchmarkViewURL(b *testing.B) {
	m, _ := benchModel(b, "MAG322")
	s := newURLScreen(m.c, flavorSRU)
	s.entries = []listEntry{{name: "2.19.1", url: "http://127.0.0.1/mag322/public", typ: "release", date: "21 Feb 2019 00:43:44 GMT+0200", descr: "Public image"}}
	s.loaded = true
	benchView(b, m, s)
}

func BenchmarkViewUpdateProgress(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	s := newUpdateScreen(m.c, flavorBootloader, "USB Bootstrap", nil, false)
	t0 := time.Unix(0, 0)
	s.Update(progressMsg{p: device.Progress{Stage: device.StatusUpdatingImage, Done: 5 << 20, Total: 12 << 20}, at: t0})
	s.Update(progressMsg{p: device.Progress{Stage: device.StatusUpdatingImage, Done: 6 << 20, Total: 12 << 20}, at: t0.Add(time.Second)})
	benchView(b, m, s)
}

func BenchmarkViewUpdateRefused(b *testing.B) {
	m, tb := benchModel(b, "MAG254")
	res := tb.box.Update(context.Background(), device.USBSource(tb.usb, tb.model), device.UpdateOptions{Path: device.PathBoot})
	s := newUpdateScreen(m.c, flavorBootloader, "USB Bootstrap", nil, false)
	s.res = &res
	benchView(b, m, s)
}

func BenchmarkViewUpdateInstalled(b *testing.B) {
	m, tb := benchModel(b, "MAG254")
	tb.demoStick(b, "public")
	res := tb.box.Update(context.Background(), device.USBSource(tb.usb, tb.model), device.UpdateOptions{Path: device.PathBoot})
	s := newUpdateScreen(m.c, flavorBootloader, "USB Bootstrap", nil, false)
	s.res = &res
	benchView(b, m, s)
}

func BenchmarkViewInspector(b *testing.B) {
	m, _ := benchModel(b, "MAG254")
	m.showIns = true
	m.layout()
	benchView(b, m, newPortalScreen(m.c))
}
