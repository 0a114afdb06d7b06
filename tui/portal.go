package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device/safetext"
)

// newPortalScreen is the embedded portal of the running image: a home screen
// with Settings → Software update and Device info.
func newPortalScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Embedded portal", look: lookPortal, root: true,
		note: "Reconstruction: a plain home screen standing in for the image's embedded portal."}
	s.heading = "Home · " + c.model.Name
	s.items = []listItem{
		{label: "Settings", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newPortalSettingsScreen(c)) }},
		{label: "Device info", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newDeviceInfoScreen(c, lookPortal)) }},
		{label: "Reboot", run: func() (tea.Cmd, nav) { return nil, reboot() }},
	}
	s.below = func() string {
		set := c.state.Settings
		line := "Running " + orDash(safetext.Escape(set["Image_Desc"])) + " · version " + orDash(set["Image_Version"]) + " · bank " + c.bankName(c.state.Active)
		return c.st.Muted.Render(wrap(line, min(c.width-4, 76)))
	}
	return s
}

func newPortalSettingsScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Settings", heading: "Settings", look: lookPortal}
	s.items = []listItem{
		{label: "Software update", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newPortalUpdateScreen(c)) }},
		{label: "Install Op.KEY", sub: true, note: "Installs an operator key from the USB drive, if MANUFACTURER certified it (R7). Reconstruction.", run: func() (tea.Cmd, nav) {
			return nil, push(newOpKeyScreen(c, flavorPortal))
		}},
	}
	return s
}

func newPortalUpdateScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Software update", heading: "Software update", look: lookPortal}
	s.items = []listItem{
		{label: "Update from USB", sub: true, note: "The running image's updater: only images its rules allow (R3–R6).", run: func() (tea.Cmd, nav) {
			return nil, push(newUSBScreen(c, flavorPortal))
		}},
		{label: "Update from URL", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newURLScreen(c, flavorPortal)) }},
	}
	if hasAutoupdate {
		s.items = append(s.items, listItem{label: "Check now", note: "Autoupdate: reads update_list.txt at autoupdateURL and installs a newer release.", run: func() (tea.Cmd, nav) {
			return nil, push(newAutoupdateScreen(c))
		}})
		s.items = append(s.items, softwareUpdateSettings(c, s)...)
	}
	s.note = "Reconstruction: the portal's Software update page is not documented; its settings are the fw_printenv settings the seed names (autoupdate_cond, betaupdate_cond, autoupdateURL, update_url)."
	return s
}
