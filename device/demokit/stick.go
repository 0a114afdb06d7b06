package demokit

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
)

// WriteStick writes a demo USB stick for model m into dir: the model's
// folder with a good Public image newer than the factory one, a folder of
// variants (variants/NAME/mag254/imageupdate, one per demo image), the
// certified demo operator keys under keys/, and a README.txt that lists them.
func WriteStick(dir string, m device.Model) error {
	keys, err := device.LoadDemoKeys()
	if err != nil {
		return err
	}
	write := func(root, name string) error {
		folder := filepath.Join(root, m.USBFolder())
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := device.BuildDemoImage(&buf, keys, m, name); err != nil {
			return err
		}
		return atomicfile.WriteFile(filepath.Join(folder, "imageupdate"), buf.Bytes(), 0o644)
	}
	if err := write(dir, "public"); err != nil {
		return err
	}
	if m.Menu == device.MenuBootloader {
		boot := []byte("Bootstrap for " + m.Base + " (recovery loader; not needed to install the imageupdate)\n")
		if err := atomicfile.WriteFile(filepath.Join(dir, m.USBFolder(), "Bootstrap_"+m.Number()), boot, 0o644); err != nil {
			return err
		}
	}
	var readme strings.Builder
	fmt.Fprintf(&readme, "Demo USB stick for %s\n\n", m.Base)
	fmt.Fprintf(&readme, "%s/imageupdate is the image the %s finds: a Public image newer than the factory one.\n", m.USBFolder(), toolName(m))
	fmt.Fprintf(&readme, "To try another one, copy %s/NAME/%s/imageupdate over it:\n\n", device.StickVariants, m.USBFolder())
	for _, d := range device.DemoImages(m) {
		if err := write(filepath.Join(dir, device.StickVariants, d.Name), d.Name); err != nil {
			return err
		}
		fmt.Fprintf(&readme, "  %-18s %s\n", d.Name, d.Description)
	}
	kdir := filepath.Join(dir, "keys")
	if err := os.MkdirAll(kdir, 0o755); err != nil {
		return err
	}
	for _, n := range []string{"operator_one", "operator_two"} {
		cert, _ := keys.Cert(n)
		if err := atomicfile.WriteFile(filepath.Join(kdir, n+".key"), cert, 0o644); err != nil {
			return err
		}
	}
	// a plain public key, not certified by MANUFACTURER: Install Op.KEY refuses it (1)
	plain, err := fs.ReadFile(assets.Keys(), "custom_beta.pub.asc")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(kdir, "uncertified.key"), plain, 0o644); err != nil {
		return err
	}
	readme.WriteString("\nkeys/operator_one.key and keys/operator_two.key are operator keys certified by the demo\nMANUFACTURER key; installing one locks the box to that operator.\n")
	readme.WriteString("keys/uncertified.key is a plain public key that no MANUFACTURER certified: the box refuses it\n(1 Signature init error).\n")
	return atomicfile.WriteFile(filepath.Join(dir, "README.txt"), []byte(readme.String()), 0o644)
}

// toolName names the recovery tool of model m that reads the stick.
func toolName(m device.Model) string {
	if m.Menu == device.MenuBootloader {
		return "Bootloader's USB Bootstrap"
	}
	return "System Recovery Utility's Update software"
}
