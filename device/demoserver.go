package device

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/device/atomicfile"
)

// One layout serves every box: the demo server of the screens, `serve
// --demo` and any folder given to `serve`:
//
//	DIR/mag254/imageupdate   the model's current release (Autoupdate, update_url)
//	DIR/variants/NAME        the other demo images, for a manual update by URL
//
// and a box finds them where its settings say, under the manufacturer's
// paths (choiceManufacturerURL): BASE/mag/254/update_list.txt and
// BASE/mag/254/imageupdate answer as BASE/mag254/… does.

// DemoServerVariants is the folder of a demo server that holds one file per
// demo image, named after it.
const DemoServerVariants = "variants"

// WriteDemoServer fills dir with the demo update server of model m: the
// model's folder (mag254/imageupdate) holds the next Factory image, which a
// new box's Autoupdate installs; variants/ holds every demo image of the
// model under its name (public, tampered, operator-one, …), for a manual
// update by URL. /mag254/update_list.txt (also /mag/254/update_list.txt)
// lists the first, /variants/update_list.txt the others.
func WriteDemoServer(dir string, m Model) error {
	keys, err := LoadDemoKeys()
	if err != nil {
		return err
	}
	write := func(folder, file, name string) error {
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := BuildDemoImage(&buf, keys, m, name); err != nil {
			return err
		}
		return atomicfile.WriteFile(filepath.Join(folder, file), buf.Bytes(), 0o644)
	}
	if err := write(filepath.Join(dir, m.USBFolder()), "imageupdate", "factory-next"); err != nil {
		return err
	}
	for _, d := range DemoImages(m) {
		if err := write(filepath.Join(dir, DemoServerVariants), d.Name, d.Name); err != nil {
			return err
		}
	}
	return nil
}

// UpdateServerURLs are the autoupdateURL and update_url a box of model m
// has when it takes its updates from the update server at base
// ("http://127.0.0.1:8080"): the manufacturer's paths on that server,
// base/mag/254/update_list.txt and base/mag/254/imageupdate.
func UpdateServerURLs(base string, m Model) (autoupdateURL, updateURL string) {
	dir := strings.TrimSuffix(base, "/") + manufacturerPath(m.Number())
	return dir + UpdateListName, dir + "imageupdate"
}

// manufacturerPath is the folder of the manufacturer's server for a model
// number, "/mag/254/".
func manufacturerPath(number string) string {
	u, err := url.Parse(fmt.Sprintf(choiceManufacturerURL, number))
	if err != nil || !strings.HasSuffix(u.Path, "/") {
		return "/mag" + number + "/"
	}
	return u.Path
}

// serverFolderFor maps a request path in the manufacturer's form
// ("mag/254/imageupdate", no leading slash) to the folder a server keeps
// that model's files in ("mag254/imageupdate"); ok is false for any other path.
func serverFolderFor(p string) (string, bool) {
	const mark = "9999999" // a number no model has, to find where the number goes
	prefix := strings.TrimPrefix(manufacturerPath(mark), "/")
	head, tail, found := strings.Cut(prefix, mark)
	if !found {
		return "", false
	}
	rest, ok := strings.CutPrefix(p, head)
	if !ok {
		return "", false
	}
	number, name, ok := strings.Cut(rest, tail)
	if !ok || number == "" || strings.Contains(name, "/") {
		return "", false
	}
	for _, m := range catalogue {
		if m.Number() == number {
			return m.USBFolder() + "/" + name, true
		}
	}
	return "", false
}
