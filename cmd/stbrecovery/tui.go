package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/tui"
)

// demoServerImages are the demo images the default update server offers.
var demoServerImages = [...]string{"factory-next", "public", "public-next", "custom-alpha", "operator-one", "wrong-model"}

// addTUIFlags makes the root command run the screens.
func addTUIFlags(root *cobra.Command) {
	var model, home, usb, scenario string
	root.Flags().StringVar(&model, "model", "", "the box's model (MAG250/254/270: Bootloader; MAG256 and later: System Recovery Utility); default MAG254, or the model of the box in --home")
	root.Flags().StringVar(&home, "home", "", "folder that holds the box (kept); default: a temporary box removed on exit")
	root.Flags().StringVar(&usb, "usb", "", "folder mounted as the USB drive; default: a demo stick with every kind of image")
	root.Flags().StringVar(&scenario, "scenario", "", "a scenario to start from (passed to the scenario runner)")
	root.RunE = func(cmd *cobra.Command, args []string) error {
		name := model
		if name == "" {
			name = "MAG254"
		}
		m, err := device.LookupModel(name)
		if err != nil {
			return err
		}
		return runTUI(m, model != "", home, usb, scenario)
	}
}

// tuiEnv is what the program set up and must tidy up on exit.
type tuiEnv struct {
	temp   string
	server *device.RunningServer
}

func (e *tuiEnv) close() {
	if e.server != nil {
		e.server.Close()
	}
	if e.temp != "" {
		os.RemoveAll(e.temp)
	}
}

func runTUI(m device.Model, modelGiven bool, home, usb, scenario string) error {
	if usb != "" {
		if fi, err := os.Stat(usb); err != nil || !fi.IsDir() {
			return fmt.Errorf("--usb %s is not a folder: give the folder that stands for the USB drive", usb)
		}
	}
	temp, err := os.MkdirTemp("", "stbrecovery-")
	if err != nil {
		return fmt.Errorf("cannot make a temporary folder: %v", err)
	}
	env := &tuiEnv{temp: temp}
	defer env.close()
	start := func(ctx context.Context) (tui.Env, error) { return env.start(m, modelGiven, home, usb) }
	model := tui.New(tui.Options{Start: start, Scenario: scenario})
	p := tea.NewProgram(model, tea.WithAltScreen())
	_, err = p.Run()
	model.Shutdown()
	return err
}

// start opens or makes the box, the USB stick and the update server. It runs
// behind the first screen's spinner.
func (e *tuiEnv) start(m device.Model, modelGiven bool, home, usb string) (tui.Env, error) {
	var out tui.Env
	boxHome := home
	if boxHome == "" {
		boxHome = filepath.Join(e.temp, "box")
	}
	var box *device.Box
	var err error
	if _, serr := os.Stat(filepath.Join(boxHome, device.StateFileName)); serr == nil {
		if box, err = device.Open(boxHome); err != nil {
			return out, err
		}
		if modelGiven && !strings.EqualFold(box.Model().Name, m.Name) {
			return out, fmt.Errorf("%s holds a %s, not a %s: drop --model or pick another --home", boxHome, box.Model().Name, m.Name)
		}
		m = box.Model()
	} else if box, err = device.Init(boxHome, device.InitOptions{Model: m.Name}); err != nil {
		return out, err
	}
	out.Box = box
	if usb == "" {
		usb = filepath.Join(e.temp, "usb")
		if err := device.WriteDemoStick(usb, m); err != nil {
			return out, fmt.Errorf("cannot write the demo USB stick: %v", err)
		}
		out.Notes = append(out.Notes, "demo USB stick: "+usb)
	}
	out.USBDir = usb
	srvDir := filepath.Join(e.temp, "server")
	if err := writeDemoServer(srvDir, m); err != nil {
		return out, err
	}
	srv, err := device.StartUpdateServer(srvDir, nil)
	if err != nil {
		return out, err
	}
	e.server = srv
	out.ServerURL = srv.URL
	if home == "" {
		// the temporary box looks for updates on the demo server
		list := srv.URL + "/" + m.USBFolder() + "/" + device.UpdateListName
		if err := box.SaveSettings(map[string]string{"autoupdateURL": list, "update_url": srv.URL + "/" + m.USBFolder() + "/public"}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// writeDemoServer puts a few demo images in dir/<model folder>/.
func writeDemoServer(dir string, m device.Model) error {
	keys, err := device.LoadDemoKeys()
	if err != nil {
		return err
	}
	folder := filepath.Join(dir, m.USBFolder())
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	for _, name := range demoServerImages {
		var buf bytes.Buffer
		if err := device.BuildDemoImage(&buf, keys, m, name); err != nil {
			return fmt.Errorf("demo image %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), buf.Bytes(), 0o644); err != nil {
			return errors.New("cannot write the demo update server's images: " + err.Error())
		}
	}
	return nil
}
