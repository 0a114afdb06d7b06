package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// reconstructionNote marks the SRU screens that no manual shows in pixels.
const reconstructionNote = "Reconstruction: the manuals give the System Recovery Utility's menu paths, not its pixels; this layout is the simulator's."

// newSRUScreen is the System Recovery Utility of MAG256 and later.
// emergency is the utility loaded from USB by Emergency startup (MAG420/424).
func newSRUScreen(c *common, emergency bool) *listScreen {
	heading := "System Recovery Utility  " + c.model.BootVersion
	if emergency {
		heading = "System Recovery Utility (Emergency startup from USB)"
	}
	s := &listScreen{c: c, title: "System Recovery Utility", heading: heading, look: lookSRU, root: true, note: reconstructionNote}
	s.items = []listItem{
		{label: "Device information", sub: true, run: func() (tea.Cmd, nav) {
			return nil, push(newDeviceInfoScreen(c, lookSRU))
		}},
		{label: "Upgrade Tools", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newSRUUpgradeScreen(c)) }},
		{label: "Reset settings", note: "Restores the factory settings (video, autoupdate, URLs). Images and keys stay.", run: func() (tea.Cmd, nav) {
			return nil, push(newConfirmScreen(c, "Reset settings", "Reset all settings to their factory values? Images and installed keys stay.",
				c.opCmd(opFactoryReset, (*device.Box).FactoryReset)))
		}},
		{label: "Boot from backup bank", note: "Starts the image in the other bank (alternative NAND).", run: func() (tea.Cmd, nav) {
			return c.backupBank("Boot from backup bank", true)
		}},
		{label: "Reboot", run: func() (tea.Cmd, nav) { return nil, reboot() }},
	}
	s.onOp = rebootAfterBank
	return s
}

// rebootAfterBank reboots once the other bank was chosen.
func rebootAfterBank(m opDoneMsg) (tea.Cmd, nav) {
	if m.op == opBank && m.err == nil {
		return nil, reboot()
	}
	return nil, nav{}
}

func newSRUUpgradeScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Upgrade Tools", heading: "Upgrade Tools", look: lookSRU, note: reconstructionNote}
	s.items = []listItem{
		{label: "Update software", sub: true, run: func() (tea.Cmd, nav) { return nil, push(newSRUUpdateScreen(c)) }},
		{label: "Using multicast", note: "Multicast group 224.50.0.211:9001", run: func() (tea.Cmd, nav) {
			return nil, push(newMessageScreen(c, "Using multicast",
				"Multicast update (224.50.0.211:9001) is not simulated: there is no multicast stream here. Use Update software → Using USB or Using HTTP.", pop()))
		}},
		{label: "Install Op.KEY", sub: true, note: "Installs an operator key from the USB drive, if MANUFACTURER certified it (R7). Reconstruction.", run: func() (tea.Cmd, nav) {
			return nil, push(newOpKeyScreen(c, flavorSRU))
		}},
	}
	return s
}

func newSRUUpdateScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Update software", heading: "Update software", look: lookSRU, note: reconstructionNote}
	s.items = []listItem{
		{label: "Using USB", sub: true, note: "Reads " + c.model.USBFolder() + "/imageupdate from the USB drive.", run: func() (tea.Cmd, nav) {
			return nil, push(newUSBScreen(c, flavorSRU))
		}},
		{label: "Using HTTP", sub: true, note: "Downloads an image by URL; offers the configured server's update_list.txt (reconstruction).", run: func() (tea.Cmd, nav) {
			return nil, push(newURLScreen(c, flavorSRU))
		}},
	}
	return s
}
