package tui

import (
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

// TestFlowPacedPowerCut: at a paced write the demo stick's image takes
// seconds, long enough to read the bar (stage code, bytes, rate, time left)
// and to cut the power mid-write; the box then boots its old image.
func TestFlowPacedPowerCut(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.usb = t.TempDir()
	if err := demokit.WriteStick(tb.usb, tb.model); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
	opts.Pace, opts.HideSpeed, opts.Clock = device.PaceFast, false, nil
	s := startWith(t, opts, 80, 24)
	s.run(toBootloader(
		step{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
		step{keys: []string{"enter"}, wait: []string{" 6 Updating image", "KiB/s", "s left", "(pace fast)"}},
		step{keys: []string{"p"}, wait: []string{"The box has no power."}},
	), "")
	st := tb.box.State()
	if st.Active != 0 || st.Banks[1].Valid || !st.Banks[0].Valid {
		t.Errorf("after a cut mid-write: active %d, bank 0 valid %v, bank 1 valid %v", st.Active, st.Banks[0].Valid, st.Banks[1].Valid)
	}
	s.finish()
}
