package tui

import (
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

// stickIndex is the row of the named image in the USB screen's list of the
// demo kit's stick ("imageupdate" or a variant's name).
func stickIndex(t *testing.T, tb *testBox, name string) int {
	t.Helper()
	imgs, err := demokit.ListStick(tb.usb, tb.model)
	if err != nil {
		t.Fatal(err)
	}
	for i, im := range imgs {
		if im.Name == name {
			return i
		}
	}
	t.Fatalf("the demo stick has no %s", name)
	return 0
}

// TestStatusesFromTheDemoKit: every status a trainee should meet is reached
// on the screens with the demo kit alone: its USB stick (with the u key to
// pull it out), its update server's images, and typing.
func TestStatusesFromTheDemoKit(t *testing.T) {
	usbBootstrap := func(variant string, wait ...string) func(t *testing.T, s *session, tb *testBox) {
		return func(t *testing.T, s *session, tb *testBox) {
			s.run(toBootloader(
				step{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
				step{down: stickIndex(t, tb, variant), keys: []string{"enter"}, wait: wait},
			), "")
		}
	}
	portalURL := func(path string, wait ...string) func(t *testing.T, s *session, tb *testBox) {
		return func(t *testing.T, s *session, tb *testBox) {
			url := updateServer(t, tb, "public", "cut-short")
			s.run([]step{
				{wait: []string{"Press m (MENU)"}},
				{keys: []string{"enter"}, wait: []string{"Home"}}, // boot at once
				{keys: []string{"enter", "enter", "down", "enter"}, wait: []string{"URL:"}},
				{keys: []string{"ctrl+u"}, text: "$URL/" + tb.model.USBFolder() + "/" + path},
				{keys: []string{"enter"}, wait: wait},
			}, url)
		}
	}
	for _, tc := range []struct {
		name   string
		status device.Status
		play   func(t *testing.T, s *session, tb *testBox)
	}{
		{"1 an uncertified key on the stick", device.StatusSignatureInit, func(t *testing.T, s *session, tb *testBox) {
			s.run(toBootloader(
				step{down: 7, keys: []string{"right"}, wait: []string{"Install Op.KEY"}},
				step{down: 3, keys: []string{"enter"}, wait: []string{"keys/uncertified.key"}},
				step{down: 2, keys: []string{"enter"}, wait: []string{"Install the operator key"}},
				step{keys: []string{"y"}, wait: []string{"1 Signature init error"}},
			), "")
		}},
		{"2 an image for another model", device.StatusWrongModel, usbBootstrap("wrong-model", "Wrong image", "2 Wrong device model")},
		{"17 a tampered image", device.StatusWrongSignature, usbBootstrap("tampered", "Wrong digital signature")},
		{"22 a file cut short on the stick", device.StatusInvalidHeader, usbBootstrap("cut-short", "Wrong image", "22 Invalid file header")},
		{"24 an older image", device.StatusFileCheckDone, usbBootstrap("public-older", "Image version is not newer", "24 File check finished")},
		{"25 a path the server does not have", device.StatusFileNotFound, portalURL("no-such-image", "25 File not found")},
		{"27 a download cut short", device.StatusReadError, portalURL("cut-short", "27 Read error")},
		{"29 the stick pulled out", device.StatusUSBNotFound, func(t *testing.T, s *session, tb *testBox) {
			s.run(toBootloader(
				step{keys: []string{"u"}, wait: []string{"USB out ·"}},
				step{down: 7, keys: []string{"right", "enter"}, wait: []string{"none plugged in"}},
				step{keys: []string{"enter"}, wait: []string{"No USB drive found", "29 USB device not found!"}},
			), "")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBox(t, "MAG254", deviceInit())
			tb.usb = t.TempDir()
			if err := demokit.WriteStick(tb.usb, tb.model); err != nil {
				t.Fatal(err)
			}
			var got []device.Status
			opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
			opts.Training = &fakeTraining{
				brief: ScenarioBrief{Name: "statuses"},
				record: func(step Step) {
					if st, ok := step.(UpdateStep); ok {
						got = append(got, st.Result.Status)
					}
				},
			}
			s := startWith(t, opts, 100, 30)
			tc.play(t, s, tb)
			s.finish()
			if len(got) == 0 || got[len(got)-1] != tc.status {
				t.Errorf("statuses recorded %v, want the last to be %d", got, tc.status)
			}
		})
	}
}

// TestFlowUSBPulledMidWrite: pulling the stick while its image is written
// ends the read with 27, the running image untouched; plugging it back in
// lists the stick again.
func TestFlowUSBPulledMidWrite(t *testing.T) {
	tb := newTestBox(t, "MAG254", deviceInit())
	tb.usb = t.TempDir()
	if err := demokit.WriteStick(tb.usb, tb.model); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(Env{Box: tb.box, USBDir: tb.usb}, true)
	opts.Pace = device.PaceFast
	s := startWith(t, opts, 80, 24)
	s.run(toBootloader(
		step{down: 7, keys: []string{"right", "enter"}, wait: []string{"OK installs"}},
		step{keys: []string{"enter"}, wait: []string{"Writing the inactive bank"}},
		step{keys: []string{"u"}, wait: []string{"27 Read error", "pulled out"}},
	), "")
	st := tb.box.State()
	if st.Active != 0 || st.Banks[1].Valid {
		t.Errorf("after the stick was pulled: active %d, bank 1 valid %v", st.Active, st.Banks[1].Valid)
	}
	s.run([]step{
		{keys: []string{"enter"}, wait: []string{"USB drive: none plugged in"}},
		{keys: []string{"u"}, wait: []string{"USB drive: plugged in"}},
	}, "")
	s.finish()
}
