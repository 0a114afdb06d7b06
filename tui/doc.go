// Package tui draws the recovery tools of MAG set-top boxes: power-on and
// boot, the blue Bootloader (MAG250/254/270), the System Recovery Utility
// (MAG256 and later), the embedded portal, the update flow with its progress
// and its refusals, the install of a certified operator key, and an
// inspector of the box's state.
//
// The package does no file or network I/O itself: every device call runs as
// a tea.Cmd and the screens render the messages those commands return. Each
// screen is its own model in its own file; the root model (app.go) routes
// messages, holds the screen stack and owns the power switch. A screen's
// Update returns the move it asks of the stack (push, pop, reset, reboot),
// which the root applies before the next message; nothing in Update waits.
package tui
