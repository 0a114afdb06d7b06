package device

import (
	"strings"
	"testing"
)

// TestBootNetwork: with Boot Mode DHCP, power-on asks DHCP, loads the
// Bootstrap the way bootstrap_url says (TFTP or multicast), and, as no
// network boot server answers here, ends at DHCP Error / Er10.
func TestBootNetwork(t *testing.T) {
	cases := []struct {
		url    string
		panels string
		texts  string
	}{
		{"", "254 dHCP dHCP Er10", "DHCP|DHCP Retry#|DHCP Error"},
		{"tftp://192.168.1.10/mag254/Bootstrap", "254 dHCP tftp dHCP Er10", "DHCP|Tftp load|DHCP Retry#|DHCP Error"},
		{"udp://224.50.0.50:9000", "254 dHCP load dHCP Er10", "DHCP|Multicast load|DHCP Retry#|DHCP Error"},
		{"igmp://239.1.1.1:1234", "254 dHCP load dHCP Er10", "DHCP|Multicast load|DHCP Retry#|DHCP Error"},
		{"http://224.1.2.3:8000/Bootstrap", "254 dHCP load dHCP Er10", "DHCP|Multicast load|DHCP Retry#|DHCP Error"},
		{"http://192.168.1.10/mag254/Bootstrap", "254 dHCP dHCP Er10", "DHCP|DHCP Retry#|DHCP Error"},
	}
	f := newFixture(t)
	m := f.model("MAG254")
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			b := f.box(m, nil, false)
			if err := b.SaveSettings(map[string]string{"bootmode": "DHCP", "bootstrap_url": c.url}); err != nil {
				t.Fatal(err)
			}
			br := b.Boot()
			var panels, texts []string
			for _, s := range br.Stages {
				panels = append(panels, s.Panel)
				if s.Text != "" {
					texts = append(texts, s.Text)
				}
			}
			if br.OK || strings.Join(panels, " ") != c.panels || strings.Join(texts, "|") != c.texts {
				t.Fatalf("boot: ok %v, panels %v, texts %v; want %s / %s", br.OK, panels, texts, c.panels, c.texts)
			}
			if !br.Stages[len(br.Stages)-1].Error || !strings.Contains(br.Hint, "NAND") {
				t.Errorf("the last stage is not the error, or the hint %q does not say how to boot", br.Hint)
			}
		})
	}
	// no cable: the box stops before DHCP, at Erln; plugged in again, DHCP runs
	b := f.box(m, nil, false)
	if err := b.SaveSettings(map[string]string{"bootmode": "DHCP", "bootstrap_url": "tftp://192.168.1.10/mag254/Bootstrap"}); err != nil {
		t.Fatal(err)
	}
	b.SetNetworkCable(false)
	br := b.Boot()
	last := br.Stages[len(br.Stages)-1]
	if br.OK || len(br.Stages) != 2 || last.Text != "No link detected!!!" || last.Panel != "Erln" || !last.Error || !strings.Contains(br.Hint, "network cable") {
		t.Fatalf("boot with no cable: %+v", br)
	}
	b.SetNetworkCable(true)
	if br := b.Boot(); br.Stages[len(br.Stages)-1].Panel != "Er10" {
		t.Fatalf("the cable plugged in again still stops at %+v", br.Stages)
	}
}
