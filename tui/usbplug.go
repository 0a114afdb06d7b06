package tui

// The USB stick can be pulled out and plugged in again (key u): with the
// stick out, every USB path meets the box's own "29 USB device not found!",
// and a stick pulled while its image is read ends the read with 27.

import (
	"context"
	"io"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stbrecovery/stbrecovery/device"
)

// usbPlug is the stick's slot: the folder of the stick the program was
// given, and whether it is in the box now. Commands read it from their own
// goroutines.
type usbPlug struct {
	dir string
	out atomic.Bool
}

// usbChangedMsg tells the screen on top that the stick went in or out.
type usbChangedMsg struct{}

// toggleUSB pulls the stick out or plugs it back in.
func (m *Model) toggleUSB() tea.Cmd {
	c := m.c
	if c.plug.dir == "" {
		return nil // the program was given no stick
	}
	if c.plug.out.Load() {
		c.plug.out.Store(false)
		c.env.USBDir = c.plug.dir
	} else {
		c.plug.out.Store(true)
		c.env.USBDir = ""
	}
	return m.forward(usbChangedMsg{})
}

// pluggedSource is a USB source that fails as the box does once the stick
// is out.
type pluggedSource struct {
	device.Source
	plug *usbPlug
}

func errUSBOut() error {
	return &device.StatusError{Status: device.StatusUSBNotFound, Detail: "the USB drive was pulled out: plug it in again (u)"}
}

func (s pluggedSource) Open(ctx context.Context) (device.Opened, error) {
	if s.plug.out.Load() {
		return device.Opened{}, errUSBOut()
	}
	op, err := s.Source.Open(ctx)
	if err != nil {
		return op, err
	}
	op.Body = pluggedReader{ReadCloser: op.Body, plug: s.plug}
	return op, nil
}

// pluggedReader reads the stick until it is pulled out.
type pluggedReader struct {
	io.ReadCloser
	plug *usbPlug
}

func (r pluggedReader) Read(p []byte) (int, error) {
	if r.plug.out.Load() {
		return 0, &device.StatusError{Status: device.StatusReadError, Detail: "the USB drive was pulled out while the image was being read"}
	}
	return r.ReadCloser.Read(p)
}

// plugged ties a USB source to the stick's slot.
func (c *common) plugged(src device.Source) device.Source {
	if src == nil || c.plug == nil {
		return src
	}
	return pluggedSource{Source: src, plug: c.plug}
}

// underPC is the box's screen beneath the stick screen, which gets what is
// not the trainee's keys or the stick screen's own: the box goes on
// meanwhile. nil when the stick screen is not on top.
func (m *Model) underPC(msg tea.Msg) screen {
	n := len(m.stack)
	if _, ok := m.stack[n-1].(*filesScreen); !ok || n < 2 {
		return nil
	}
	switch msg.(type) {
	case tea.KeyMsg, filesListMsg, filesDoneMsg:
		return nil
	}
	return m.stack[n-2]
}

// openFiles shows the stick as the trainee's PC sees it, in or out of the
// box; not while the box reads it for an update, and not twice.
func (m *Model) openFiles() tea.Cmd {
	if _, open := m.top().(*filesScreen); open {
		return nil
	}
	if m.flashing() {
		return nil
	}
	s := newFilesScreen(m.c)
	m.stack = append(m.stack, s)
	return s.Init()
}
