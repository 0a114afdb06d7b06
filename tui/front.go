package tui

import "github.com/charmbracelet/lipgloss"

// The front of the box: the MAG250/254/270 generation has a 4-character
// display that shows the boot codes; the later models have a single LED
// (device.Model.LED), so the codes are only on the TV.

// ledState is what the single front LED shows.
type ledState int

const (
	ledOff ledState = iota
	ledOn
	ledError
)

// frontView draws the front of the box: code on the display, or the LED's
// state on a box without one.
func (c *common) frontView(code string, led ledState) string {
	st := c.st
	if !c.model.LED {
		pst := st.Panel
		if led == ledError {
			pst = st.PanelError
		}
		return lipgloss.JoinVertical(lipgloss.Center, st.PanelLabel.Render("front panel"), pst.Render(code))
	}
	var dot string
	switch led {
	case ledOn:
		dot = st.OK.Render("●") + " on"
	case ledError:
		dot = st.Error.Render("●") + " blinks"
	default:
		dot = st.Muted.Render("○") + " off"
	}
	return lipgloss.JoinVertical(lipgloss.Center, st.PanelLabel.Render("front LED"), st.Panel.Width(10).Render(dot))
}
