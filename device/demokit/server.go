// Package demokit writes what a demonstration of the box needs besides the
// box itself: a demo USB stick and the folder of a demo update server, both
// filled with the demo images (see demoimage.Images), signed with the demo
// keys, and lists the images on such a stick for the screens to offer. The
// program's default run and `serve --demo` use the same server layout.
package demokit

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// One layout serves every box: the demo server of the screens, `serve
// --demo` and any folder given to `serve`:
//
//	DIR/mag254/imageupdate   the model's current release (Autoupdate, update_url)
//	DIR/variants/NAME        the other demo images, for a manual update by URL
//
// and a box finds them where its settings say, under the manufacturer's
// paths (updateserver.URLs): BASE/mag/254/update_list.txt and
// BASE/mag/254/imageupdate answer as BASE/mag254/… does.

// ServerVariants is the folder of a demo server that holds one file per
// demo image, named after it.
const ServerVariants = "variants"

// WriteServer fills dir with the demo update server of model m: the
// model's folder (mag254/imageupdate) holds the next Factory image, which a
// new box's Autoupdate installs; variants/ holds every demo image of the
// model under its name (public, tampered, operator-one, …), for a manual
// update by URL. /mag254/update_list.txt (also /mag/254/update_list.txt)
// lists the first, /variants/update_list.txt the others.
func WriteServer(dir string, m device.Model) error {
	keys, err := demoimage.LoadKeys()
	if err != nil {
		return err
	}
	write := func(folder, file, name string) error {
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := demoimage.BuildNamed(&buf, keys, m.DemoModel(), name); err != nil {
			return err
		}
		return atomicfile.WriteFile(filepath.Join(folder, file), buf.Bytes(), 0o644)
	}
	if err := write(filepath.Join(dir, m.USBFolder()), "imageupdate", "factory-next"); err != nil {
		return err
	}
	for _, d := range demoimage.Images(m.DemoModel()) {
		if err := write(filepath.Join(dir, ServerVariants), d.Name, d.Name); err != nil {
			return err
		}
	}
	return nil
}
