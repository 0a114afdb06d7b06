package tui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// backupBank is "Boot from backup bank" (SRU) and "Alternative NAND" (the
// service button): it starts the image in the other bank. A bank that holds
// no image that can start is explained in plain words instead, and the box
// keeps its bank. ask puts a question first (the SRU); the service button's
// choice is itself the answer.
func (c *common) backupBank(title string, ask bool) (tea.Cmd, nav) {
	st := c.state
	cur := st.Active
	other := 1 - cur
	if other < 0 || other >= len(st.Banks) {
		return nil, nav{}
	}
	if bk := st.Banks[other]; !bk.Valid || bk.Image == nil {
		text := fmt.Sprintf("Bank %d holds no image that can start: it is empty, or its last write did not finish. ", other)
		if st.Banks[cur].Valid {
			text += fmt.Sprintf("The box keeps starting from bank %d. An update always writes the bank the box does not run from, so Update software fills bank %d.", cur, other)
		} else {
			text += fmt.Sprintf("Bank %d is not valid either: recover the box with Update software (USB or HTTP)", cur)
			if c.model.Emergency {
				text += ", or with Emergency startup from the service button"
			}
			text += "."
		}
		return nil, push(newMessageScreen(c, title, text, pop()))
	}
	set := c.opCmd(opBank, func(b *device.Box) error { return b.SetActiveBank(other) })
	if !ask {
		return set, nav{}
	}
	im := st.Banks[other].Image
	q := fmt.Sprintf("Start the image in bank %d (version %d, %s) from now on? The box reboots into it.", other, im.Version, im.Description)
	return nil, push(newConfirmScreen(c, title, q, set))
}
