package device

import (
	"context"
	"errors"
)

var errNotYet = errors.New("not implemented yet")

// Catalogue lists every model the simulator knows, in a stable order.
func Catalogue() []Model { return nil }

// LookupModel finds a model by name, case-insensitively ("mag254w1" too).
func LookupModel(name string) (Model, error) { return Model{}, errNotYet }

// State is the persisted state of a box, as `device show --json` prints it.
type State struct {
	Model    string            `json:"model"`
	Serial   string            `json:"serial"`
	MAC      string            `json:"mac"`
	Settings map[string]string `json:"settings"` // fw_printenv names
	Banks    [2]Bank           `json:"banks"`
	Active   int               `json:"active"`
	Keys     []KeyRef          `json:"keys"` // installed public keys, by role
}

// InitOptions describe a new box.
type InitOptions struct {
	Model           string
	Image           string // an imageupdate to run; "" means the model's demo factory image
	OperatorKey     string // a certified operator key file (stb_pub_sign.key form) to install
	ManufacturerKey string // a MANUFACTURER public key file replacing the demo one
	PublicKey       string // a STB_PUBLIC public key file replacing the demo one (e.g. the real one)
}

// Box is a simulated set-top box whose state lives in a home folder.
type Box struct {
	home string
}

// Init makes a new box in home (refusing a home that already holds one).
func Init(home string, opts InitOptions) (*Box, error) { return nil, errNotYet }

// Open loads the box in home; a damaged state file is reported, never replaced.
func Open(home string) (*Box, error) { return nil, errNotYet }

// Home is the box's folder.
func (b *Box) Home() string { return b.home }

// Model is the box's catalogue entry.
func (b *Box) Model() Model { return Model{} }

// State is a copy of the box's current state.
func (b *Box) State() State { return State{} }

// Printenv lists the settings as sorted name=value lines, like fw_printenv.
func (b *Box) Printenv() []string { return nil }

// Trusted lists the keys the box trusts on path, given what it runs now.
func (b *Box) Trusted(p Path) []KeyRef { return nil }

// Update installs an image from src through the pipeline: stream into the
// inactive bank, verify, decide, then switch. A refusal or failure leaves the
// active bank and the settings exactly as they were.
func (b *Box) Update(ctx context.Context, src Source, opts UpdateOptions) Result {
	return Result{Status: StatusInternal, Text: StatusInternal.Text()}
}

// InstallOperatorKey installs a certified operator key (R7).
func (b *Box) InstallOperatorKey(data []byte) Result {
	return Result{Status: StatusInternal, Text: StatusInternal.Text()}
}

// ResetOperatorKey is the Bootloader's Reset Op.KEY; RULES.md says an
// operator-locked box cannot be unlocked from the boot stage.
func (b *Box) ResetOperatorKey() error { return errNotYet }

// SaveSettings stores changed settings (Exit & Save).
func (b *Box) SaveSettings(changed map[string]string) error { return errNotYet }

// FactoryReset restores the factory settings; images and keys stay.
func (b *Box) FactoryReset() error { return errNotYet }

// SetActiveBank boots from bank n next time (Boot Mode NAND2 / Boot from backup bank).
func (b *Box) SetActiveBank(n int) error { return errNotYet }

// BootStage is one step of power-on, with its TV text and front-panel code.
type BootStage struct {
	Text  string // e.g. "Load from nand"
	Panel string // e.g. "nand"
}

// BootReport is what power-on does with the current state.
type BootReport struct {
	Stages []BootStage
	OK     bool       // the image started
	Bank   int        // the bank it started from
	Image  *ImageInfo // the image running, nil when none
}

// Boot runs power-on with the current state.
func (b *Box) Boot() BootReport { return BootReport{} }

// USBSource is the imageupdate in the model's folder on a USB drive mounted at dir.
func USBSource(dir string, m Model) Source { return nil }
