package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// vendorName is what the Device information pages show as Vendor.
const vendorName = "Infomir"

// infoScreen is a read-only page of facts, drawn live from the snapshot.
type infoScreen struct {
	c       *common
	title   string
	heading string
	look    look
	rows    func() [][2]string
	note    string
}

func (s *infoScreen) Init() tea.Cmd { return s.c.stateCmd() }

func (s *infoScreen) Update(msg tea.Msg) (tea.Cmd, nav) {
	if k, ok := msg.(tea.KeyMsg); ok && (key.Matches(k, s.c.keys.Left) || key.Matches(k, s.c.keys.Exit) || key.Matches(k, s.c.keys.OK)) {
		return nil, pop()
	}
	return nil, nav{}
}

func (s *infoScreen) View() string {
	st := s.c.st
	head := st.SRUTitle.Render(s.heading) + "\n\n"
	if s.look == lookPortal {
		head = st.PortalTitle.Render(s.heading) + "\n"
	}
	out := head + kvRows(st.Label, st.Value, s.rows())
	if s.note != "" {
		out += "\n\n" + st.Muted.Render(wrap(s.note, min(s.c.width-4, 76)))
	}
	return s.c.st.Page.Render(out)
}

func (s *infoScreen) Title() string       { return s.title }
func (s *infoScreen) Keys() []key.Binding { return []key.Binding{s.c.keys.Exit} }

// deviceInfoRows is the Device information page of the SRU and the portal.
func (c *common) deviceInfoRows() [][2]string {
	set := c.state.Settings
	return [][2]string{
		{"Model", orDash(c.state.Model)},
		{"Serial number", orDash(c.state.Serial)},
		{"MAC address", orDash(c.state.MAC)},
		{"Vendor", vendorName},
		{"Hardware version", orDash(c.model.HardwareVersion)},
		{"Active bank", c.bankName(c.state.Active)},
		{"Image version number", orDash(set["Image_Version"])},
		{"Image date", orDash(safetext.Escape(set["Image_Date"]))},
		{"Image description", orDash(safetext.Escape(set["Image_Desc"]))},
	}
}

// bankName says which bank n is, and whether it holds a valid image.
func (c *common) bankName(n int) string {
	name := fmt.Sprintf("%d (NAND)", n)
	if n == 1 {
		name = fmt.Sprintf("%d (NAND2)", n)
	}
	if n >= 0 && n < len(c.state.Banks) && !c.state.Banks[n].Valid {
		name += " — not valid"
	}
	return name
}

func newDeviceInfoScreen(c *common, lk look) *infoScreen {
	heading := "Device information"
	if lk == lookPortal {
		heading = "Device info"
	}
	return &infoScreen{c: c, title: heading, heading: heading, look: lk, rows: c.deviceInfoRows}
}
