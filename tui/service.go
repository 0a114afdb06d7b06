package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// newServiceScreen is what the service button held at power-on offers on
// MAG420/424: alternative NAND, factory reset, Emergency startup.
func newServiceScreen(c *common) *listScreen {
	s := &listScreen{c: c, title: "Service button", heading: "Service button: choose the start-up", look: lookSRU, root: true}
	s.items = []listItem{
		{label: "Alternative NAND", note: "Boot the image in the other bank.", run: func() (tea.Cmd, nav) {
			return c.backupBank("Alternative NAND", false)
		}},
		{label: "Factory reset", note: "Restore the factory settings, then boot. Images and keys stay.", run: func() (tea.Cmd, nav) {
			return c.opCmd(opFactoryReset, (*device.Box).FactoryReset), nav{}
		}},
		{label: "Emergency startup", note: "Load the Bootstrap with the recovery utility from the USB drive.", run: func() (tea.Cmd, nav) {
			if c.env.USBDir == "" {
				return nil, push(newMessageScreen(c, "Emergency startup", device.StatusUSBNotFound.String()+": plug in a USB drive holding the Bootstrap (start the program with --usb DIR).", pop()))
			}
			return c.trainStep(OpStep{Op: "emergency"}), reset(newSRUScreen(c, true))
		}},
		{label: "Normal start-up", run: func() (tea.Cmd, nav) { return nil, reboot() }},
	}
	s.onOp = func(m opDoneMsg) (tea.Cmd, nav) {
		switch {
		case m.err != nil:
			return nil, nav{}
		case m.op == opFactoryReset:
			// say what was done before the box starts
			return nil, push(newMessageScreen(c, "Factory reset", opText(opFactoryReset)+" Press OK to start the box.", reboot()))
		}
		return nil, reboot()
	}
	s.note = "Reconstruction: the manuals name these three choices of the service button; the layout is the simulator's."
	return s
}
