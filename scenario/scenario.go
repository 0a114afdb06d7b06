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
	// NoNetworkCable: the box stands with no network cable (network_cable: false).
	NoNetworkCable bool
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
