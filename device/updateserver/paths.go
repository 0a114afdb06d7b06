package updateserver

import (
	"net/url"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
)

// URLs are the autoupdateURL and update_url a box of model m has when it
// takes its updates from the update server at base
// ("http://127.0.0.1:8080"): the manufacturer's paths on that server,
// base/mag/254/update_list.txt and base/mag/254/imageupdate.
func URLs(base string, m device.Model) (autoupdateURL, updateURL string) {
	dir := strings.TrimSuffix(base, "/") + manufacturerPath(m)
	return dir + device.UpdateListName, dir + "imageupdate"
}

// manufacturerPath is the folder of the manufacturer's server for model m,
// "/mag/254/".
func manufacturerPath(m device.Model) string {
	u, err := url.Parse(m.ManufacturerURL())
	if err != nil || !strings.HasSuffix(u.Path, "/") {
		return "/mag" + m.Number() + "/"
	}
	return u.Path
}

// serverFolderFor maps a request path in the manufacturer's form
// ("mag/254/imageupdate", no leading slash) to the folder a server keeps
// that model's files in ("mag254/imageupdate"); ok is false for any other path.
func serverFolderFor(p string) (string, bool) {
	for _, m := range device.Catalogue() {
		name, found := strings.CutPrefix(p, strings.TrimPrefix(manufacturerPath(m), "/"))
		if found && !strings.Contains(name, "/") {
			return m.USBFolder() + "/" + name, true
		}
	}
	return "", false
}

// clipText shortens s to n runes for a message or a log line.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
