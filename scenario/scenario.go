// Package scenario runs training exercises on the simulated box: a scenario
// file sets a box up (its banks, keys and settings), fills a USB stick and an
// update server, tells a short story, and states a goal as a check on the
// box's state. A trainee works towards the goal; hints come one at a time;
// the solution is a list of steps that Play runs through the device API, so
// that every shipped scenario is known to be solvable. A Session records what
// the trainee did and writes the trainer's report.
package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
)

// MaxFileSize bounds a scenario file; a real one is a few KiB.
const MaxFileSize = 256 << 10

// Difficulty is how hard a scenario is: easy, medium or hard.
type Difficulty string

// Difficulties, in order.
const (
	Easy   Difficulty = "easy"
	Medium Difficulty = "medium"
	Hard   Difficulty = "hard"
)

func (d Difficulty) rank() int {
	switch d {
	case Easy:
		return 0
	case Medium:
		return 1
	}
	return 2
}

// Scenario is one training exercise, as read from its file.
type Scenario struct {
	Name       string       // short name, e.g. "custom-key-lock" (the file name without .yaml)
	Title      string       // a few words for lists and headings
	Model      device.Model // the box's model
	Difficulty Difficulty
	Summary    string // one line for lists
	Story      string // what the customer reports
	Box        BoxSpec
	USB        []FileSpec // the USB stick's contents
	Downloads  []FileSpec // the trainee's PC's Downloads folder, copied to the stick on the stick screen
	Server     []FileSpec // the update server's folder
	Goal       Goal
	Hints      []string // revealed one at a time
	Solution   []Step   // what a support engineer does; Play runs it
	File       string   // the file it was read from, as given
}

// ImageRef names a demo image, with optional changes.
type ImageRef struct {
	Name    string // a demo image name: factory, public, custom-alpha, …
	Version int    // 0: the named image's version
	Model   string // STB Model in the header; "": the named image's
	Hash    string // "SHA-1" or "SHA-256"; "": the named image's
	Type    string // on the update server: release, beta or alpha; "": from the description
}

// FileSpec is one file on the USB stick or the update server: an image, a
// certified operator key, or a line of text.
type FileSpec struct {
	Path  string    // slash-separated, relative to the stick or the server folder
	Image *ImageRef // an image, or
	Key   string    // a certified demo operator key (operator_one, operator_two), or
	Text  string    // a text file
}

// BankSpec is what one flash bank holds at the start.
type BankSpec struct {
	Image   *ImageRef // nil: the factory image in bank 0, nothing in bank 1
	Damaged bool      // the bank is invalid (flash damage, an earlier power cut)
}

// BoxSpec is the box at the start of a scenario.
type BoxSpec struct {
	Banks       [2]BankSpec
	Active      int
	OperatorKey string            // "": none; else operator_one or operator_two
	Settings    map[string]string // fw_printenv names; "{server}" stands for the update server's URL
}

// Action is what one solution step does.
type Action string

// Solution step actions.
const (
	ActionUpdate       Action = "update"               // from usb|server via boot|portal
	ActionEmergency    Action = "emergency"            // MAG420/424: Emergency startup from USB
	ActionSet          Action = "set"                  // change settings (Exit & Save)
	ActionInstallKey   Action = "install_operator_key" // a certified demo operator key
	ActionResetKey     Action = "reset_operator_key"   // Reset Op.KEY
	ActionFactoryReset Action = "factory_reset"        // Def. Settings / Reset settings
	ActionSelectBank   Action = "select_bank"          // Boot Mode NAND/NAND2, Boot from backup bank
	ActionAutoupdate   Action = "autoupdate"           // run the portal's Autoupdate module
	ActionBoot         Action = "boot"                 // power the box on
	ActionRename       Action = "rename"               // rename a file or folder on the USB stick
)

// Step is one step of a solution.
type Step struct {
	Action   Action
	From     string      // update: "usb" or "server"
	Via      device.Path // update: boot or portal
	File     string      // update from server: the path on the server; rename: the path on the stick
	To       string      // rename: the new path on the stick
	Force    bool        // update: Forced = Yes for this run
	Confirm  bool        // update, autoupdate: answer yes when the box asks
	PowerCut float64     // update: cut the power after this fraction of the image was read (0: never)
	Settings map[string]string
	Key      string // install_operator_key: operator_one or operator_two
	Bank     int    // select_bank
	Note     string // what the step shows, for people
	Line     int    // where the step starts in its file

	// Expected outcome; the zero value means success.
	Status  device.Status            // update, emergency, install/reset operator key
	Panel   string                   // boot: the last panel code (GO__ when it starts)
	Outcome device.AutoupdateOutcome // autoupdate
}

// Describe is the step as one line for people.
func (s Step) Describe() string {
	var b strings.Builder
	switch s.Action {
	case ActionUpdate:
		src := "the USB stick"
		if s.From == "server" {
			src = "the update server (" + s.File + ")"
		}
		via := "the boot stage"
		if s.Via == device.PathPortal {
			via = "the portal"
		}
		fmt.Fprintf(&b, "update from %s via %s", src, via)
		if s.Force {
			b.WriteString(", Forced = Yes")
		}
		if s.Confirm {
			b.WriteString(", confirming")
		}
		if s.PowerCut > 0 {
			fmt.Fprintf(&b, ", power cut at %d%%", int(s.PowerCut*100+0.5))
		}
	case ActionEmergency:
		b.WriteString("Emergency startup from the USB stick, then update")
	case ActionSet:
		names := sortedKeys(s.Settings)
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + "=" + s.Settings[n]
		}
		b.WriteString("set " + strings.Join(parts, ", "))
	case ActionInstallKey:
		b.WriteString("install the operator key " + s.Key)
	case ActionResetKey:
		b.WriteString("Reset Op.KEY")
	case ActionFactoryReset:
		b.WriteString("factory reset (Def. Settings)")
	case ActionSelectBank:
		fmt.Fprintf(&b, "boot from bank %d", s.Bank)
	case ActionAutoupdate:
		b.WriteString("run Autoupdate")
		if s.Confirm {
			b.WriteString(", confirming")
		}
	case ActionBoot:
		b.WriteString("power the box on")
	case ActionRename:
		fmt.Fprintf(&b, "rename %s to %s on the USB stick", s.File, s.To)
	default:
		b.WriteString(string(s.Action))
	}
	return b.String()
}

// Load reads a scenario: a shipped one by name ("custom-key-lock"), or a
// file by its path. Errors name the file, the line and the field.
func Load(nameOrPath string) (*Scenario, error) {
	if isName(nameOrPath) {
		data, err := fs.ReadFile(assets.Scenarios(), nameOrPath+".yaml")
		if err == nil {
			return Parse(nameOrPath+".yaml", data)
		}
		if _, serr := os.Stat(nameOrPath); serr != nil {
			return nil, fmt.Errorf("no scenario %q: use one of %s, or give the path of a scenario file", nameOrPath, strings.Join(Names(), ", "))
		}
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		// "power-cut.yaml" with no such file here: the shipped one of that name.
		base := strings.TrimSuffix(nameOrPath, ".yaml")
		if errors.Is(err, fs.ErrNotExist) && isName(base) {
			if data, ferr := fs.ReadFile(assets.Scenarios(), base+".yaml"); ferr == nil {
				return Parse(base+".yaml", data)
			}
		}
		return nil, fmt.Errorf("cannot read the scenario file %s: %v", nameOrPath, unwrapPath(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the scenario file %s: %v", nameOrPath, unwrapPath(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: the file is larger than %d KiB, more than any scenario", nameOrPath, MaxFileSize>>10)
	}
	return Parse(nameOrPath, data)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isName reports whether s looks like a shipped scenario's name rather than a path.
func isName(s string) bool {
	if s == "" || strings.ContainsAny(s, `/\`) || strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") {
		return false
	}
	return validName(s)
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Names lists the shipped scenarios by name, sorted.
func Names() []string {
	entries, err := fs.ReadDir(assets.Scenarios(), ".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	sort.Strings(out)
	return out
}

// List loads every shipped scenario, easiest first, then by name.
func List() ([]*Scenario, error) {
	var out []*Scenario
	for _, n := range Names() {
		sc, err := Load(n)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ri, rj := out[i].Difficulty.rank(), out[j].Difficulty.rank(); ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// needsServer reports whether anything in the scenario uses the update server.
func (sc *Scenario) needsServer() bool {
	if len(sc.Server) > 0 {
		return true
	}
	for _, v := range sc.Box.Settings {
		if strings.Contains(v, serverPlaceholder) {
			return true
		}
	}
	for _, s := range sc.Solution {
		if s.From == "server" || s.Action == ActionAutoupdate {
			return true
		}
	}
	return false
}

// serverPlaceholder in a setting's value stands for the update server's base URL.
const serverPlaceholder = "{server}"

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
