package tui

import "testing"

// TestBootNetworkStages: with Boot Mode DHCP and a tftp:// or multicast
// bootstrap_url, the power-on screen goes through the load stage before
// DHCP Error.
func TestBootNetworkStages(t *testing.T) {
	for _, c := range []struct{ url, stage, panel string }{
		{"tftp://192.168.1.10/mag254/Bootstrap", "Tftp load", "tftp"},
		{"udp://224.50.0.50:9000", "Multicast load", "load"},
	} {
		t.Run(c.panel, func(t *testing.T) {
			tb := newTestBox(t, "MAG254", deviceInit())
			if err := tb.box.SaveSettings(map[string]string{"bootmode": "DHCP", "bootstrap_url": c.url}); err != nil {
				t.Fatal(err)
			}
			s := start(t, Env{Box: tb.box}, true, 80, 24)
			s.run([]step{
				{wait: []string{"Press m (MENU)"}},
				{keys: []string{"enter"}, wait: []string{c.stage, "DHCP Error"}},
			}, "")
			s.finish()
		})
	}
}
