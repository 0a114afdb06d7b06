package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
	"github.com/stbrecovery/stbrecovery/scenario"
	"github.com/stbrecovery/stbrecovery/tui"
)

// addTUIFlags makes the root command run the screens.
func addTUIFlags(root *cobra.Command) {
	var model, home, usb, scenarioName, report, pace string
	root.Flags().StringVar(&model, "model", "", "the box's `MODEL` (MAG250/254/270: Bootloader; MAG256 and later: System Recovery Utility); default MAG254, or the model of the box in --home")
	root.Flags().StringVar(&home, "home", "", "`DIR` that holds the box (kept); default: a temporary box removed on exit")
	root.Flags().StringVar(&usb, "usb", "", "`DIR` mounted as the USB drive; default: a demo stick with every kind of image")
	root.Flags().StringVar(&scenarioName, "scenario", "", "train on the scenario `NAME` (listed by \"stbrecovery scenarios\") or FILE: its box, USB stick and server, with its story, goal and hints beside the screens")
	root.Flags().StringVar(&pace, "pace", device.PaceReal, "how fast updates write the flash on the screens: `real` (the time the box takes, so a power cut or a quit can be shown mid-write), fast or instant")
	addReportFlag(root, &report)
	root.RunE = func(cmd *cobra.Command, args []string) error {
		name := model
		if name == "" {
			name = "MAG254"
		}
		m, err := device.LookupModel(name)
		if err != nil {
			return err
		}
		if _, err := device.PaceFor(m, pace); err != nil {
			return fmt.Errorf("--pace: %v", err)
		}
		if scenarioName != "" {
			if home != "" || usb != "" || model != "" {
				return errors.New("--scenario sets up its own box, USB stick and update server: drop --model, --home and --usb")
			}
			return runScenarioTUI(scenarioName, report, pace, cmd.OutOrStdout(), runProgram)
		}
		if report != "" {
			return errors.New("--report goes with --scenario: name the scenario to report on")
		}
		return runTUI(m, model != "", home, usb, pace, runProgram)
	}
}

// tuiEnv is what the program set up and must tidy up on exit.
type tuiEnv struct {
	temp   string
	server *updateserver.Running
}

func (e *tuiEnv) close() {
	if e.server != nil {
		e.server.Close()
	}
	if e.temp != "" {
		os.RemoveAll(e.temp)
	}
}

// runTUI shows the screens on the box of model m (or the one in home) with
// show, which returns when the person quits.
func runTUI(m device.Model, modelGiven bool, home, usb, pace string, show func(*tui.Model) error) error {
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
	start := func(ctx context.Context) (tui.Env, error) { return env.start(ctx, m, modelGiven, home, usb) }
	model := tui.New(tui.Options{Start: start, Pace: pace})
	return show(model)
}

// runProgram runs the screens until the person quits or the terminal goes
// away. Closing the terminal (SIGHUP) ends the program like q: the box's
// power is cut, and the caller's deferred clean-up runs.
func runProgram(model *tui.Model) error {
	p := tea.NewProgram(model, tea.WithAltScreen())
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-hup:
			p.Kill() // the terminal is gone: nothing more can be drawn on it
		case <-done:
		}
	}()
	_, err := p.Run()
	model.Shutdown()
	if errors.Is(err, tea.ErrProgramKilled) {
		err = nil
	}
	return err
}

// start opens or makes the box, the USB stick and the update server. It runs
// behind the first screen's spinner; a person who quits meanwhile cancels
// ctx, and start stops at its next step (the program waits for it before it
// removes the temporary folder).
func (e *tuiEnv) start(ctx context.Context, m device.Model, modelGiven bool, home, usb string) (tui.Env, error) {
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
	}
	srvDir := filepath.Join(e.temp, "server")
	if err := demokit.WriteServer(srvDir, m); err != nil {
		return out, fmt.Errorf("cannot write the demo update server's images: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	srv, err := updateserver.Start(srvDir, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		return out, err
	}
	e.server = srv
	out.ServerURL = srv.URL
	if box == nil {
		opts := device.InitOptions{Model: m.Name}
		if home == "" {
			// the temporary box leaves the factory looking for updates on the
			// demo server, where a box pointed at it would (the manufacturer's
			// paths on that server): a factory reset keeps it there
			list, image := updateserver.URLs(srv.URL, m)
			opts.Settings = map[string]string{"autoupdateURL": list, "update_url": image}
		}
		if box, err = device.Init(boxHome, opts); err != nil {
			return out, err
		}
	}
	out.Box = box
	if err := ctx.Err(); err != nil {
		return out, err
	}
	if usb == "" {
		usb = filepath.Join(e.temp, "usb")
		if err := demokit.WriteStick(usb, m); err != nil {
			return out, fmt.Errorf("cannot write the demo USB stick: %v", err)
		}
		out.Notes = append(out.Notes, "demo USB stick: "+usb)
	}
	out.USBDir = usb
	if err := ctx.Err(); err != nil {
		return out, err
	}
	return out, nil
}

// runScenarioTUI runs the screens on a training scenario: the scenario is
// read first (a bad name fails at once), set up behind the first screen's
// spinner, and summed up on out at the end. show shows the screens until the
// person quits.
func runScenarioTUI(name, report, pace string, out io.Writer, show func(*tui.Model) error) error {
	sc, err := scenario.Load(name)
	if err != nil {
		return err
	}
	temp, err := os.MkdirTemp("", "stbrecovery-scenario-")
	if err != nil {
		return fmt.Errorf("cannot make a temporary folder: %v", err)
	}
	defer os.RemoveAll(temp)
	ss := &scenarioScreens{sc: sc, dir: temp, report: report}
	model := tui.New(tui.Options{Start: ss.start, Training: ss, Pace: pace})
	err = show(model)
	run := ss.ready.Load()
	if run == nil {
		return err
	}
	summary, ferr := run.finish()
	fmt.Fprintln(out, safetext.Lines(summary))
	if err == nil {
		err = ferr
	}
	return err
}
