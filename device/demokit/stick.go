package demokit

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// stickVariants is the folder of a USB stick that holds other images, each
// a stick layout of its own (variants/NAME/mag254/imageupdate), which
// ListStick lists after the one in place.
const stickVariants = "variants"

// StickImage is one image on a USB stick, as a list of choices shows it.
type StickImage struct {
	Name        string // "imageupdate" for the one in place, else the variant's name
	Description string
	Root        string // the folder to give USBSource: the stick, or variants/NAME
	File        string // the imageupdate file
}

// WriteStick writes a demo USB stick for model m into dir: the model's
// folder with a good Public image newer than the factory one, a folder of
// variants (variants/NAME/mag254/imageupdate, one per demo image), the
// certified demo operator keys under keys/, and a README.txt that lists them.
func WriteStick(dir string, m device.Model) error {
	keys, err := demoimage.LoadKeys()
	if err != nil {
		return err
	}
	write := func(root, name string) error {
		folder := filepath.Join(root, m.USBFolder())
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := demoimage.BuildNamed(&buf, keys, m.DemoModel(), name); err != nil {
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
	fmt.Fprintf(&readme, "To try another one, copy %s/NAME/%s/imageupdate over it:\n\n", stickVariants, m.USBFolder())
	for _, d := range demoimage.Images(m.DemoModel()) {
		if err := write(filepath.Join(dir, stickVariants, d.Name), d.Name); err != nil {
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

// ListStick lists the images on a USB stick for model m: the one in place,
// then each variant, with a one-line description each.
func ListStick(dir string, m device.Model) ([]StickImage, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, &device.StatusError{Status: device.StatusUSBNotFound, Detail: fmt.Sprintf("no USB drive at %s", dir)}
	}
	var out []StickImage
	main := filepath.Join(dir, m.USBFolder(), "imageupdate")
	if _, err := os.Stat(main); err == nil {
		out = append(out, StickImage{Name: "imageupdate", Description: describeFile(dir, m, ""), Root: dir, File: main})
	}
	entries, _ := os.ReadDir(filepath.Join(dir, stickVariants))
	known := map[string]string{}
	order := map[string]int{}
	for i, d := range demoimage.Images(m.DemoModel()) {
		known[d.Name] = d.Description
		order[d.Name] = i
	}
	var vars []StickImage
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		root := filepath.Join(dir, stickVariants, e.Name())
		file := filepath.Join(root, m.USBFolder(), "imageupdate")
		if _, err := os.Stat(file); err != nil {
			continue
		}
		vars = append(vars, StickImage{Name: e.Name(), Description: describeFile(root, m, known[e.Name()]), Root: root, File: file})
	}
	// Known variants in the demo order, others after them by name (ReadDir sorts by name).
	for i := 1; i < len(vars); i++ {
		for j := i; j > 0 && rank(order, vars[j].Name) < rank(order, vars[j-1].Name); j-- {
			vars[j], vars[j-1] = vars[j-1], vars[j]
		}
	}
	return append(out, vars...), nil
}

func rank(order map[string]int, name string) int {
	if i, ok := order[name]; ok {
		return i
	}
	return 1 << 20
}

// describeFile is a one-line description of the image a stick laid out at
// root holds: the given text, with the header's version and description.
// The image is opened as the box opens it: only a plain file is read.
func describeFile(root string, m device.Model, text string) string {
	op, err := device.USBSource(root, m).Open(context.Background())
	if err != nil {
		return text
	}
	defer op.Body.Close()
	rd, err := imagefmt.NewReader(op.Body, -1)
	if err != nil {
		if text == "" {
			return "not a readable imageupdate"
		}
		return text
	}
	h := rd.Header()
	head := fmt.Sprintf("%s %d %s", h.Model, h.Version, h.Description)
	if text == "" {
		return head
	}
	return text + " — " + head
}

// toolName names the recovery tool of model m that reads the stick.
func toolName(m device.Model) string {
	if m.Menu == device.MenuBootloader {
		return "Bootloader's USB Bootstrap"
	}
	return "System Recovery Utility's Update software"
}
