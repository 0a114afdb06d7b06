package tui

import (
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
)

// TestFlowBackupBankEmpty: on a fresh box bank 1 is empty; Boot from backup
// bank says so in plain words and the box keeps its bank. The service
// button's Alternative NAND does the same.
func TestFlowBackupBankEmpty(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model string
		open  []step
	}{
		{"SRU", "MAG322", toSRU(step{down: 3, keys: []string{"enter"}})},
		{"service button", "MAG420", []step{
			{wait: []string{"Press m (MENU)"}},
			{keys: []string{"s"}, wait: []string{"Emergency startup"}},
			{keys: []string{"enter"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTestBox(t, tc.model, deviceInit())
			s := start(t, Env{Box: tb.box}, true, 80, 24)
			s.run(append(tc.open, step{wait: []string{"Bank 1 holds no image that can start", "keeps starting from bank 0"}}), "")
			v := s.finish()
			if strings.Contains(v, "not valid from now on") {
				t.Errorf("the garbled question is back:\n%s", v)
			}
			if st := tb.box.State(); st.Active != 0 {
				t.Errorf("active bank %d after declining an empty bank", st.Active)
			}
		})
	}
}

// TestFlowBackupBankValid: with a valid image in the other bank, the SRU
// asks a plain question naming that image, then the box starts it.
func TestFlowBackupBankValid(t *testing.T) {
	tb := newTestBox(t, "MAG322", deviceInit())
	tb.demoStick(t, "public")
	res := tb.box.Update(t.Context(), device.USBSource(tb.usb, tb.model), device.UpdateOptions{})
	if !res.Installed {
		t.Fatalf("setup: %d %s", res.Status, res.Explain)
	}
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.run(toSRU(
		step{down: 3, keys: []string{"enter"}, wait: []string{"Start the image in bank 0 (version 218"}},
		step{keys: []string{"enter"}, wait: []string{"Press m (MENU)"}},
	), "")
	s.finish()
	if st := tb.box.State(); st.Active != 0 {
		t.Errorf("active bank %d, want 0 (the backup)", st.Active)
	}
}

// TestFlowServiceFactoryReset: the MAG420's service button → Factory reset
// says what it did before the box starts, and the settings are reset.
func TestFlowServiceFactoryReset(t *testing.T) {
	tb := newTestBox(t, "MAG420", deviceInit())
	if err := tb.box.SaveSettings(map[string]string{"tvsystem": "NTSC"}); err != nil {
		t.Fatal(err)
	}
	s := start(t, Env{Box: tb.box}, true, 80, 24)
	s.run([]step{
		{wait: []string{"Press m (MENU)"}},
		{keys: []string{"s"}, wait: []string{"Emergency startup"}},
		{down: 1, keys: []string{"enter"}, wait: []string{"Settings were reset to their factory values", "OK to start the box"}},
	}, "")
	if got := tb.box.State().Settings["tvsystem"]; got == "NTSC" {
		t.Errorf("tvsystem still %q after the factory reset", got)
	}
	s.run([]step{{keys: []string{"enter"}, wait: []string{"front LED"}}}, "")
	s.finish()
}
