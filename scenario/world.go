package scenario

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// World is a scenario set up on disk: the box, the USB stick and the update
// server's folder. The server itself runs only once StartServer is called.
type World struct {
	Scenario *Scenario
	Box      *device.Box
	Home     string // the box's home folder
	USBDir   string // the folder that stands for the USB drive
	// DownloadsDir is the trainee's PC's Downloads folder, from which the
	// stick screen copies files.
	DownloadsDir string
	ServerDir    string // the update server's folder
	ServerURL    string // the server's base URL once started, else ""

	server  *updateserver.Running
	pending map[string]string // settings that name the server, applied once it runs
	keys    *demoimage.Keys
	images  string // folder of the images built for the box's banks
}

// Setup builds the scenario's world in dir (made if needed; it should be
// empty): dir/box, dir/usb and dir/server. Settings that name the update
// server ("{server}") are applied by StartServer.
func (sc *Scenario) Setup(dir string) (*World, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot make the scenario folder %s: %v", dir, unwrapPath(err))
	}
	keys, err := demoimage.LoadKeys()
	if err != nil {
		return nil, err
	}
	w := &World{Scenario: sc, Home: filepath.Join(dir, "box"), USBDir: filepath.Join(dir, "usb"),
		DownloadsDir: filepath.Join(dir, "downloads"),
		ServerDir:    filepath.Join(dir, "server"), keys: keys, images: filepath.Join(dir, "factory")}
	for _, d := range []string{w.USBDir, w.DownloadsDir, w.ServerDir, w.images} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("cannot make %s: %v", d, unwrapPath(err))
		}
	}
	if err := w.setupBox(); err != nil {
		return nil, fmt.Errorf("scenario %s: setting the box up: %w", sc.Name, err)
	}
	for _, f := range sc.USB {
		if err := w.writeFile(w.USBDir, f); err != nil {
			return nil, fmt.Errorf("scenario %s: the USB stick: %w", sc.Name, err)
		}
	}
	for _, f := range sc.Downloads {
		if err := w.writeFile(w.DownloadsDir, f); err != nil {
			return nil, fmt.Errorf("scenario %s: the Downloads folder: %w", sc.Name, err)
		}
	}
	for _, f := range sc.Server {
		if err := w.writeFile(w.ServerDir, f); err != nil {
			return nil, fmt.Errorf("scenario %s: the update server: %w", sc.Name, err)
		}
	}
	return w, nil
}

func (w *World) setupBox() error {
	sc := w.Scenario
	opts := device.InitOptions{Model: sc.Model.Name}
	if k := sc.Box.OperatorKey; k != "" {
		cert, err := w.keys.Cert(k)
		if err != nil {
			return err
		}
		p := filepath.Join(w.images, k+".key")
		if err := os.WriteFile(p, cert, 0o644); err != nil {
			return err
		}
		opts.OperatorKey = p
	}
	b0 := sc.Box.Banks[0]
	if b0.Image != nil && !b0.Damaged {
		p, err := w.buildImage(w.images, "bank0", b0.Image)
		if err != nil {
			return err
		}
		opts.Image = p
	}
	box, err := device.Init(w.Home, opts)
	if err != nil {
		return err
	}
	w.Box = box
	box.SetNetworkCable(!sc.Box.NoNetworkCable)
	if b1 := sc.Box.Banks[1]; b1.Image != nil && !b1.Damaged {
		p, err := w.buildImage(w.images, "bank1", b1.Image)
		if err != nil {
			return err
		}
		if err := box.FlashBank(1, p); err != nil {
			return err
		}
	}
	if sc.Box.Active != 0 {
		if err := box.SetActiveBank(sc.Box.Active); err != nil {
			return err
		}
	}
	for i, b := range sc.Box.Banks {
		if b.Damaged {
			if err := box.DamageBank(i); err != nil {
				return err
			}
		}
	}
	now := map[string]string{}
	for n, v := range sc.Box.Settings {
		if strings.Contains(v, serverPlaceholder) {
			if w.pending == nil {
				w.pending = map[string]string{}
			}
			w.pending[n] = v
			continue
		}
		now[n] = v
	}
	if len(now) > 0 {
		return box.SaveSettings(now)
	}
	return nil
}

// buildImage writes the image img names into dir/name and returns its path.
func (w *World) buildImage(dir, name string, img *ImageRef) (string, error) {
	var buf bytes.Buffer
	if err := demoimage.Build(&buf, w.keys, w.Scenario.Model.DemoModel(), imageSpec(w.Scenario.Model, img)); err != nil {
		return "", fmt.Errorf("image %s: %v", img.Name, err)
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

// writeFile puts one file of the stick or the server in place.
func (w *World) writeFile(root string, f FileSpec) error {
	rel, ok := cleanRel(f.Path)
	if !ok {
		return fmt.Errorf("the path %q leaves its folder", f.Path)
	}
	switch {
	case f.Image != nil:
		if _, err := w.buildImage(root, rel, f.Image); err != nil {
			return err
		}
		if f.Image.Type != "" {
			return writeIn(root, rel+updateserver.TypeSidecarSuffix, []byte(f.Image.Type+"\n"))
		}
		return nil
	case f.Key != "":
		cert, err := w.keys.Cert(f.Key)
		if err != nil {
			return err
		}
		return writeIn(root, rel, cert)
	}
	text := f.Text
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return writeIn(root, rel, []byte(text))
}

func writeIn(root, rel string, data []byte) error {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// StartServer serves ServerDir on a free loopback port, sets ServerURL, and
// applies the settings that name the server. Calling it again does nothing.
func (w *World) StartServer() error {
	if w.server != nil {
		return nil
	}
	srv, err := updateserver.Start(w.ServerDir, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		return err
	}
	w.server, w.ServerURL = srv, srv.URL
	// The box's update URLs point at this server unless the scenario says
	// otherwise: a training box never looks for the manufacturer's server.
	set := map[string]string{
		"autoupdateURL": serverPlaceholder + "/" + w.Scenario.Model.USBFolder() + "/" + device.UpdateListName,
		"update_url":    serverPlaceholder + "/" + w.Scenario.Model.USBFolder() + "/imageupdate",
	}
	for n := range set {
		if _, given := w.Scenario.Box.Settings[n]; given {
			delete(set, n)
		}
	}
	for n, v := range w.pending {
		set[n] = v
	}
	for n, v := range set {
		set[n] = w.expand(v)
	}
	if err := w.Box.SaveSettings(set); err != nil {
		return err
	}
	w.pending = nil
	return nil
}

// HTTPOptions are the options of every download the world's steps make: they
// reach the loopback update server only, never the network.
func (w *World) HTTPOptions() []device.HTTPOption {
	return []device.HTTPOption{device.WithTransport(loopbackOnly{})}
}

// loopbackOnly is an HTTP transport that refuses every host but this machine.
type loopbackOnly struct{}

func (loopbackOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, &device.StatusError{Status: device.StatusReadError,
			Detail:  fmt.Sprintf("%s cannot be reached from a training box", host),
			Explain: "In a scenario the box reaches only the scenario's own update server."}
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		ResponseHeaderTimeout: 10 * time.Second,
		DisableCompression:    true,
		DisableKeepAlives:     true,
	}
	defer t.CloseIdleConnections()
	return t.RoundTrip(req)
}

// expand puts the server's URL in place of "{server}".
func (w *World) expand(v string) string { return strings.ReplaceAll(v, serverPlaceholder, w.ServerURL) }

// Close stops the update server; the folders stay.
func (w *World) Close() error {
	if w.server == nil {
		return nil
	}
	err := w.server.Close()
	w.server, w.ServerURL = nil, ""
	return err
}

// Check is the scenario's check on this world's box.
func (w *World) Check() (bool, string) { return w.Scenario.Check(w.Box) }
