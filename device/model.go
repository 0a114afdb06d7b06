package device

import (
	"crypto"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// Model is one entry of the model catalogue.
type Model struct {
	Name            string      // e.g. "MAG254w1"
	Base            string      // the model whose images it takes, e.g. "MAG254"
	Menu            Menu        // Bootloader or System Recovery Utility
	Hash            crypto.Hash // block hash of its generation
	FactoryVersion  int         // Image Version of its factory image
	FactoryDate     string      // header Date of its factory image
	FactoryDesc     string      // Image Description of its factory image
	BootVersion     string      // Boot_Version (bootloader / SRU version and build date)
	HardwareVersion string
	Emergency       bool       // a service button at power-on offers Emergency startup (MAG420/424)
	Partitions      Partitions // the flash partitions of one bank
	// WriteRate is how many bytes per second its flash takes during an
	// update, and ImageSize the size of its release image; together they
	// give the time an update takes on the box (the real pace).
	WriteRate int64
	ImageSize int64
	// LED: the box has no 4-character front panel display for the boot
	// codes (Er20, GO__); a single front LED shows its state instead.
	LED bool
}

// USBFolder is the folder on a USB drive that the recovery tool looks in ("mag254").
func (m Model) USBFolder() string { return lower(m.Base) }

// DemoModel is what a demo image of package demoimage needs to know of m.
func (m Model) DemoModel() demoimage.Model {
	return demoimage.Model{Base: m.Base, Hash: m.Hash, FactoryVersion: m.FactoryVersion, FactoryDate: m.FactoryDate, FactoryDesc: m.FactoryDesc}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
