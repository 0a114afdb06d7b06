package device

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// macPrefix is Infomir's OUI, the first half of every MAG's MAC address.
const macPrefix = "00:1A:79:"

// InitOptions describe a new box.
type InitOptions struct {
	Model           string
	Image           string // an imageupdate to run; "" means the model's demo factory image
	OperatorKey     string // a certified operator key file (stb_pub_sign.key form) to install
	ManufacturerKey string // a MANUFACTURER public key file replacing the demo one
	PublicKey       string // a STB_PUBLIC public key file replacing the demo one (e.g. the real one)
	Serial          string // "" derives a stable serial number from the model
	MAC             string // "" derives a stable MAC address (00:1A:79:…) from the serial
	// Settings are the box's factory settings over its model's (checked as
	// `device set` checks them); a factory reset restores them.
	Settings map[string]string
}

// Box is a simulated set-top box whose state lives in a home folder.
// A Box may be used from several goroutines: each change takes the box's
// lock (a change waits for the one another goroutine is making, and is
// refused while another program makes one), and readers see the last state
// written, never a half-made one.
type Box struct {
	home     string
	model    Model
	changing sync.Mutex                // held by the change of this program in progress
	st       atomic.Pointer[stateFile] // replaced whole on every write, never changed in place
	// faults, set only by tests, fails, cancels or cuts power at an install's
	// disk and source operations.
	faults faultHook
	// noCable: the network cable is out. It is the room's, not the box's,
	// and is not saved: a box opened again has its cable in.
	noCable atomic.Bool
}

// state is the current state; treat it as read-only.
func (b *Box) state() *stateFile { return b.st.Load() }

// Init makes a new box in home (refusing a home that already holds one). The
// factory installs the image into bank 0 without the update rules, but every
// block must verify with a key the box knows.
func Init(home string, opts InitOptions) (*Box, error) {
	m, err := LookupModel(opts.Model)
	if err != nil {
		return nil, err
	}
	if home == "" {
		return nil, errors.New("give the box a home folder")
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, fmt.Errorf("cannot make the home folder %s: %v", home, errors.Unwrap(err))
	}
	if _, err := os.Lstat(filepath.Join(home, StateFileName)); err == nil {
		return nil, fmt.Errorf("%s already holds a box; open it, or pick an empty folder", home)
	}
	var manuf, public *imagefmt.Key
	if opts.ManufacturerKey != "" {
		manuf, err = imagefmt.LoadKeyFile(opts.ManufacturerKey)
	} else {
		manuf, err = demoimage.LoadPublicKey("manufacturer")
	}
	if err != nil {
		return nil, err
	}
	if opts.PublicKey != "" {
		public, err = imagefmt.LoadKeyFile(opts.PublicKey)
	} else {
		public, err = demoimage.LoadPublicKey("stb_public")
	}
	if err != nil {
		return nil, err
	}
	st := &stateFile{Format: StateFormat, Model: m.Name, Serial: opts.Serial, MAC: opts.MAC}
	if st.Serial == "" {
		st.Serial = deriveSerial(m)
	}
	if st.MAC == "" {
		st.MAC = deriveMAC(st.Serial)
	}
	if !validMAC(st.MAC) {
		return nil, fmt.Errorf("the MAC address %q is not of the form %sxx:xx:xx (upper-case hex)", st.MAC, macPrefix)
	}
	for _, k := range []struct {
		role Role
		key  *imagefmt.Key
	}{{RoleManufacturer, manuf}, {RolePublic, public}} {
		text, err := k.key.ArmoredPublic()
		if err != nil {
			return nil, err
		}
		st.Keys = append(st.Keys, storedKey{KeyRef: KeyRef{Role: k.role, Name: k.key.Name, ID: k.key.IDString()}, Data: string(text)})
	}
	factory, err := factoryWith(m, opts.Settings)
	if err != nil {
		return nil, fmt.Errorf("factory setting %v", err)
	}
	st.Factory = factory
	st.Settings = st.factoryDefaults(m)
	st.Settings["serial#"] = st.Serial
	st.Settings["ethaddr"] = st.MAC
	st.Settings["Boot_Version"] = m.BootVersion
	b := &Box{home: home, model: m}
	b.st.Store(st)
	if opts.OperatorKey != "" {
		data, err := os.ReadFile(opts.OperatorKey)
		if err != nil {
			return nil, fmt.Errorf("operator key %s: %v", opts.OperatorKey, errors.Unwrap(err))
		}
		if err := b.addOperatorKey(st, data); err != nil {
			return nil, err
		}
	}
	info, env, err := b.factoryInstall(opts.Image)
	if err != nil {
		return nil, err
	}
	st.Banks[0] = Bank{Valid: true, Image: info}
	setImageSettings(st, info)
	// The box leaves the factory with its image's Env settings, under those
	// given with --set: both are what a factory reset restores.
	for _, e := range applyEnv(st, env, false) {
		if e.Skipped == "" {
			if _, given := opts.Settings[e.Name]; given {
				applySetting(st, e.Name, e.Was)
				continue
			}
			st.Factory[e.Name] = e.Value
		}
	}
	if err := b.save(st); err != nil {
		return nil, err
	}
	return b, nil
}

// Open loads the box in home; a damaged state file is reported, never replaced.
func Open(home string) (*Box, error) {
	st, _, err := readState(home)
	if err != nil {
		return nil, err
	}
	m, _ := LookupModel(st.Model)
	b := &Box{home: home, model: m}
	b.st.Store(st)
	b.removeStaleTemps()
	return b, nil
}

// removeStaleTemps deletes the temporary files that a failed or killed write
// left in the home and the bank folders. It runs only when no other program
// holds the box: a temporary file of a running update is never touched.
func (b *Box) removeStaleTemps() {
	h, err := openHome(b.home)
	if err != nil {
		return
	}
	defer h.Close()
	unlock, err := lockFile(h)
	if err != nil {
		return
	}
	defer unlock()
	h.removeTemps("")
	for n := range 2 {
		h.removeTemps(bankDirName(n))
	}
}

// Home is the box's folder.
func (b *Box) Home() string { return b.home }

// Model is the box's catalogue entry.
func (b *Box) Model() Model { return b.model }

// State is a copy of the box's current state.
func (b *Box) State() State {
	c := b.state().clone()
	s := State{Model: c.Model, Serial: c.Serial, MAC: c.MAC, Settings: c.Settings, Banks: c.Banks, Active: c.Active,
		Factory: c.factoryDefaults(b.model)}
	for _, k := range c.Keys {
		s.Keys = append(s.Keys, k.KeyRef)
	}
	if k := b.runningCustom(); k != nil {
		s.Keys = append(s.Keys, *k)
	}
	return s
}

// Running is the image in the active bank, nil when that bank is not valid.
func (b *Box) Running() *ImageInfo {
	bk := b.state().Banks[b.state().Active]
	if !bk.Valid || bk.Image == nil {
		return nil
	}
	img := *bk.Image
	return &img
}

// Printenv lists the settings as sorted name=value lines, like fw_printenv.
func (b *Box) Printenv() []string {
	names := make([]string, 0, len(b.state().Settings))
	for n := range b.state().Settings {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, n+"="+b.state().Settings[n])
	}
	return out
}

// Reload reads the state file again (another process may have changed it).
func (b *Box) Reload() error {
	st, _, err := readState(b.home)
	if err != nil {
		return err
	}
	b.st.Store(st)
	return nil
}

// save writes st as the box's state, atomically, and makes it current.
func (b *Box) save(st *stateFile) error {
	data, err := st.encode()
	if err != nil {
		return err
	}
	h, err := openHome(b.home)
	if err == nil {
		err = h.writeAtomic(StateFileName, data)
		h.Close()
	}
	if err != nil {
		return &StatusError{Status: StatusFileWrite, Detail: fmt.Sprintf("cannot write the box state in %s: %v", b.home, pathCause(err)), Err: err}
	}
	b.st.Store(st)
	return nil
}

// bankDirName is the folder, inside the home, that holds bank n's image.
func bankDirName(n int) string { return fmt.Sprintf("bank%d", n) }

// bankFileName is bank n's image file, inside the home.
func bankFileName(n int) string { return bankDirName(n) + "/imageupdate" }

// BankFile is the path of the image file that bank n holds.
func (b *Box) BankFile(n int) string { return filepath.Join(b.home, bankDirName(n), "imageupdate") }

func deriveSerial(m Model) string {
	h := fnv.New32a()
	h.Write([]byte(m.Name))
	return fmt.Sprintf("%s%sN%06d", "1902", m.Number(), h.Sum32()%1000000)
}

func deriveMAC(serial string) string {
	h := fnv.New32a()
	h.Write([]byte(serial))
	v := h.Sum32()
	return fmt.Sprintf("%s%02X:%02X:%02X", macPrefix, byte(v>>16), byte(v>>8), byte(v))
}

func setImageSettings(st *stateFile, info *ImageInfo) {
	st.Settings["Image_Version"] = fmt.Sprint(info.Version)
	st.Settings["Image_Date"] = info.Date
	st.Settings["Image_Desc"] = info.Description
}

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }
