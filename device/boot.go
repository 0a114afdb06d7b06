package device

import (
	"net"
	"net/url"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// BootStage is one step of power-on, with its TV text and front-panel code.
type BootStage struct {
	Text  string // e.g. "Load from nand"; "" for the logo
	Panel string // e.g. "nand"
	Error bool   // the stage is a failure the box stops at
}

// BootReport is what power-on does with the current state.
type BootReport struct {
	Stages []BootStage
	OK     bool       // the image started
	Bank   int        // the bank it started from (or failed to)
	Image  *ImageInfo // the image running, nil when none
	// Hint says how to recover when OK is false.
	Hint string
}

// Boot runs power-on with the current state. It never switches banks by
// itself: a box whose active bank is invalid stops at Er20 even when the other
// bank is valid, and the person picks NAND2 / the backup bank.
func (b *Box) Boot() BootReport {
	r := BootReport{Bank: b.state().Active}
	r.Stages = append(r.Stages, BootStage{Text: "", Panel: b.model.Number()})
	fail := func(text, panel, hint string) BootReport {
		r.Stages = append(r.Stages, BootStage{Text: text, Panel: panel, Error: true})
		r.Hint = hint
		return r
	}
	if b.state().Settings["bootmode"] == "DHCP" {
		if b.noCable.Load() {
			return fail("No link detected!!!", "Erln", "the box has no network cable: plug one in, or set Boot Mode to NAND")
		}
		r.Stages = append(r.Stages, BootStage{Text: "DHCP", Panel: "dHCP"})
		if load, ok := networkLoad(b.state().Settings["bootstrap_url"]); ok {
			r.Stages = append(r.Stages, load)
		}
		r.Stages = append(r.Stages, BootStage{Text: "DHCP Retry#", Panel: "dHCP"})
		return fail("DHCP Error", "Er10", "no network boot server answers: set Boot Mode to NAND")
	}
	r.Stages = append(r.Stages, BootStage{Text: "Load from nand", Panel: "nand"})
	other := 1 - b.state().Active
	recover := "update the box at the boot stage (" + toolName(b.model) + ")"
	if b.state().Banks[other].Valid {
		if b.model.Menu == MenuBootloader {
			recover = "set Boot Mode to " + bankMode(other) + " in the Bootloader to start the image in the other bank, or " + recover
		} else {
			recover = "choose Boot from backup bank in the System Recovery Utility, or " + recover
		}
	}
	bk := b.state().Banks[b.state().Active]
	if !bk.Valid || bk.Image == nil {
		return fail("Active partition not valid", "Er20", recover)
	}
	r.Stages = append(r.Stages, BootStage{Text: "Checking image", Panel: "chec"})
	if !b.bankLooksRight(b.state().Active, bk.Image) {
		return fail("Error loading image from nand", "Er20", recover)
	}
	r.Stages = append(r.Stages, BootStage{Text: "Loading ...", Panel: "GO__"})
	img := *bk.Image
	r.OK, r.Image = true, &img
	return r
}

// bankUsable reports whether bank n is valid and its file holds the image
// its record describes.
func (b *Box) bankUsable(n int) bool {
	bk := b.state().Banks[n]
	return bk.Valid && bk.Image != nil && b.bankLooksRight(n, bk.Image)
}

// bankLooksRight checks bank n's file (a plain file inside the home, never a
// link) against what was installed: its size and its header.
func (b *Box) bankLooksRight(n int, img *ImageInfo) bool {
	h, err := openHome(b.home)
	if err != nil {
		return false
	}
	defer h.Close()
	f, fi, err := h.openRead(bankFileName(n))
	if err != nil {
		return false
	}
	defer f.Close()
	if fi.Size() != img.Size {
		return false
	}
	rd, err := imagefmt.NewReader(f, fi.Size())
	if err != nil {
		return false
	}
	h2 := rd.Header()
	return h2.Version == img.Version && h2.Description == img.Description && h2.Model == img.Model
}

// networkLoad is the stage through which a network boot loads the Bootstrap
// named by bootstrap_url: "Tftp load" for a tftp:// address, "Multicast
// load" for a udp://, igmp:// or multicast (224.0.0.0/4, ff00::/8) address;
// false for anything else, which the network boot does not load from.
func networkLoad(bootstrapURL string) (BootStage, bool) {
	u, err := url.Parse(strings.TrimSpace(bootstrapURL))
	if err != nil || u.Host == "" {
		return BootStage{}, false
	}
	switch strings.ToLower(u.Scheme) {
	case "tftp":
		return BootStage{Text: "Tftp load", Panel: "tftp"}, true
	case "udp", "igmp", "mcast", "rtp":
		return BootStage{Text: "Multicast load", Panel: "load"}, true
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsMulticast() {
		return BootStage{Text: "Multicast load", Panel: "load"}, true
	}
	return BootStage{}, false
}

// SetNetworkCable plugs the box's network cable in (true) or pulls it out.
// Only a network boot (Boot Mode DHCP) needs it; without it power-on stops
// at "No link detected!!!" (Erln). The cable is not saved with the box.
func (b *Box) SetNetworkCable(in bool) { b.noCable.Store(!in) }
