package tui

import (
	"context"
	"net/url"
	"strings"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

// This file holds the calls into the device package that the screens'
// commands make. They run inside tea.Cmds, never in Update or View.

// hasAutoupdate: the running image's Autoupdate module is available.
const hasAutoupdate = true

// stickSource is a USB source named after where its image lies on the stick.
type stickSource struct {
	device.Source
	name string
}

func (s stickSource) String() string { return "USB " + s.name }

// stickEntries lists the images on the USB drive at dir, the standard
// <model>/imageupdate first. With no drive, it offers the standard path so
// that the person sees the box's own "USB device not found!".
func stickEntries(dir string, m device.Model) ([]stickEntry, error) {
	std := stickEntry{label: m.USBFolder() + "/imageupdate", desc: "the file the box looks for", src: device.USBSource(dir, m)}
	if dir == "" {
		return []stickEntry{std}, nil
	}
	imgs, err := demokit.ListStick(dir, m)
	if err != nil || len(imgs) == 0 {
		return []stickEntry{std}, nil
	}
	out := make([]stickEntry, 0, len(imgs))
	for _, im := range imgs {
		if im.Name == "imageupdate" {
			std.desc = im.Description
			out = append(out, std)
			continue
		}
		label := "variants/" + im.Name + "/" + m.USBFolder() + "/imageupdate"
		out = append(out, stickEntry{label: im.Name, desc: im.Description,
			src: stickSource{Source: device.USBSource(im.Root, m), name: label}})
	}
	if out[0].src != std.src {
		out = append([]stickEntry{std}, out...)
	}
	return out, nil
}

// httpSource is the image at u; a bad URL is reported by the source's Open (28).
func httpSource(u string, opts ...device.HTTPOption) device.Source {
	return device.HTTPSource(u, opts...)
}

// defaultImageURL is what the URL field starts with: the box's update_url,
// else the demo server's image for this model.
func defaultImageURL(c *common) string {
	if u := strings.TrimSpace(c.state.Settings["update_url"]); u != "" {
		return u
	}
	if c.env.ServerURL != "" {
		return strings.TrimSuffix(c.env.ServerURL, "/") + "/" + c.model.USBFolder() + "/imageupdate"
	}
	return ""
}

// updateListURL is the update_list.txt the box is configured with
// (autoupdateURL), else the demo server's for this model.
func updateListURL(c *common) string {
	if u := strings.TrimSpace(c.state.Settings["autoupdateURL"]); u != "" {
		return device.ListURL(u)
	}
	if c.env.ServerURL != "" {
		return strings.TrimSuffix(c.env.ServerURL, "/") + "/" + c.model.USBFolder() + "/" + device.UpdateListName
	}
	return ""
}

// demoVariantsListURL is the demo server's list of its other demo images
// (variants/update_list.txt), "" without a demo server.
func demoVariantsListURL(c *common) string {
	if c.env.ServerURL == "" {
		return ""
	}
	return strings.TrimSuffix(c.env.ServerURL, "/") + "/" + demokit.ServerVariants + "/" + device.UpdateListName
}

// fetchList reads update_list.txt at u, with entry URLs made absolute.
func fetchList(ctx context.Context, u string, opts ...device.HTTPOption) ([]listEntry, error) {
	list, err := device.FetchUpdateList(ctx, u, opts...)
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(u)
	out := make([]listEntry, 0, len(list))
	for _, e := range list {
		abs := e.URL
		if base != nil {
			if ref, err := url.Parse(strings.TrimSpace(e.URL)); err == nil {
				abs = base.ResolveReference(ref).String()
			}
		}
		out = append(out, listEntry{name: e.Name, url: abs, typ: string(e.Type), date: e.Date, descr: e.Descr})
	}
	return out, nil
}

// stickKeys lists the key files on the USB drive at dir ("" : no drive
// plugged in, which the box reports as 29).
func stickKeys(dir string, m device.Model) ([]device.StickKey, error) {
	if dir == "" {
		return nil, &device.StatusError{Status: device.StatusUSBNotFound, Detail: "no USB drive is plugged in"}
	}
	return device.ListStickKeys(dir, m)
}

// installStickKey reads k from the USB drive and gives it to the box as its
// operator key; the box checks its certification (R7).
func installStickKey(box *device.Box, k device.StickKey) device.Result {
	data, err := k.Read()
	if err != nil {
		st := device.StatusOf(err)
		return device.Result{Status: st, Text: st.Text(), Rule: device.RuleHeader, Path: device.PathBoot,
			Explain: err.Error() + ".", Hint: "put the key file back on the USB drive and try again"}
	}
	return box.InstallOperatorKey(data)
}
