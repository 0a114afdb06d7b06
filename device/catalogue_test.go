package device

import "testing"

// TestCatalogueFront: the 4-character front panel is the MAG250/254/270
// generation's (the Bootloader models); every later model shows an LED.
func TestCatalogueFront(t *testing.T) {
	for _, m := range Catalogue() {
		if want := m.Menu == MenuSRU; m.LED != want {
			t.Errorf("%s: LED %v, want %v", m.Name, m.LED, want)
		}
	}
}
