package device

import (
	"bytes"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// factoryImage is the demo factory image of m, signed with the demo
// MANUFACTURER key: the image a box leaves the factory with when Init is
// given none.
func factoryImage(m Model) (*bytes.Buffer, error) {
	manuf, err := demoimage.LoadSecretKey("manufacturer")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := demoimage.BuildNamed(&buf, &demoimage.Keys{Manufacturer: manuf}, m.DemoModel(), "factory"); err != nil {
		return nil, err
	}
	return &buf, nil
}
