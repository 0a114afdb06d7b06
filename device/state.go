package device

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// StateFormat is the version of the state file's layout.
const StateFormat = 1

// StateFileName is the state file in a box's home folder.
const StateFileName = "state.json"

// maxStateFile bounds the state file; a real one is a few KiB.
const maxStateFile = 4 << 20

// State is the persisted state of a box, as `device show --json` prints it.
type State struct {
	Model    string            `json:"model"`
	Serial   string            `json:"serial"`
	MAC      string            `json:"mac"`
	Settings map[string]string `json:"settings"` // fw_printenv names
	Banks    [2]Bank           `json:"banks"`
	Active   int               `json:"active"`
	Keys     []KeyRef          `json:"keys"` // installed public keys, by role
	// Factory are the settings a factory reset restores (those the box was made with).
	Factory map[string]string `json:"factory_settings"`
}

// storedKey is a key the box holds: its reference and its public key as text
// (ASCII-armored, or the certified stb_pub_sign.key form for an operator key).
type storedKey struct {
	KeyRef
	Data string `json:"data"`
}

// stateFile is the state file's layout.
type stateFile struct {
	Format   int               `json:"format"`
	Model    string            `json:"model"`
	Serial   string            `json:"serial"`
	MAC      string            `json:"mac"`
	Settings map[string]string `json:"settings"`
	Banks    [2]Bank           `json:"banks"`
	Active   int               `json:"active"`
	Keys     []storedKey       `json:"keys"`
	// Factory are the settings the box was made with, which a factory reset
	// restores; absent in a box made before they were recorded (its model's are used).
	Factory map[string]string `json:"factory,omitempty"`
}

// StateError reports a damaged state file: which file, what is wrong, what to do.
type StateError struct {
	File    string
	Problem string
}

// Error says which file, what is wrong and what to do.
func (e *StateError) Error() string {
	return fmt.Sprintf("the box state file %s is damaged: %s; the box was left as it is: restore the file from a backup, or make a new box in an empty folder", e.File, e.Problem)
}

// ErrNoBox is returned by Open when the home folder holds no box.
var ErrNoBox = errors.New("no box here")

// parseState reads and checks a state file's bytes; it never panics.
func parseState(data []byte) (*stateFile, error) {
	if len(data) == 0 {
		return nil, errors.New("the file is empty")
	}
	if len(data) > maxStateFile {
		return nil, fmt.Errorf("the file is %d bytes, more than any box state", len(data))
	}
	var head struct {
		Format *int `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("it is not valid JSON (%v)", jsonProblem(err))
	}
	if head.Format == nil {
		return nil, errors.New("it has no \"format\" number")
	}
	if *head.Format != StateFormat {
		if *head.Format > StateFormat {
			return nil, fmt.Errorf("it is in format %d, newer than this program reads (%d); use the newer program", *head.Format, StateFormat)
		}
		return nil, fmt.Errorf("it is in format %d, which this program does not read", *head.Format)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st stateFile
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("a field is wrong (%v)", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("bytes follow the JSON object")
	}
	if err := st.check(); err != nil {
		return nil, err
	}
	return &st, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	return err.Error()
}

// check validates what JSON cannot: a known model, banks that hold images, keys that load.
func (st *stateFile) check() error {
	m, err := LookupModel(st.Model)
	if err != nil || m.Name != st.Model {
		return fmt.Errorf("the model %q is not one this program knows", st.Model)
	}
	if st.Serial == "" {
		return errors.New("the serial number is missing")
	}
	if !validMAC(st.MAC) {
		return fmt.Errorf("the MAC address %q is not of the form 00:1A:79:xx:xx:xx", st.MAC)
	}
	if st.Settings == nil {
		return errors.New("the settings are missing")
	}
	for name, v := range st.Settings {
		if name == "" || strings.ContainsAny(name, "=\n") || strings.Contains(v, "\n") {
			return fmt.Errorf("the setting %q is not a name=value pair", name)
		}
	}
	for name, v := range st.Factory {
		if err := CheckSetting(name, v, false); err != nil {
			return fmt.Errorf("a factory setting is wrong (%v)", err)
		}
	}
	if st.Active != 0 && st.Active != 1 {
		return fmt.Errorf("the active bank is %d; it must be 0 or 1", st.Active)
	}
	for i, b := range st.Banks {
		if b.Valid && b.Image == nil {
			return fmt.Errorf("bank %d is marked valid but describes no image", i)
		}
		if b.Image != nil && !m.TakesImagesFor(b.Image.Model) {
			return fmt.Errorf("bank %d holds an image for %q, not for %s", i, b.Image.Model, m.Base)
		}
		if b.Image != nil {
			switch b.Image.Kind {
			case KindFactory, KindPublic, KindCustom, KindOperator, KindUnknown:
			default: // planFor would take any other kind for a Public image (R4)
				return fmt.Errorf("bank %d holds an image of kind %q; the kinds are factory, public, custom, operator and unknown", i, b.Image.Kind)
			}
		}
	}
	seen := map[Role]bool{}
	for _, k := range st.Keys {
		switch k.Role {
		case RoleManufacturer, RolePublic, RoleOperator:
		default:
			return fmt.Errorf("a stored key has the role %q; the box stores only MANUFACTURER, STB_PUBLIC and operator keys", k.Role)
		}
		if seen[k.Role] {
			return fmt.Errorf("it holds two %s keys", k.Role)
		}
		seen[k.Role] = true
		key, err := imagefmt.LoadKey([]byte(k.Data))
		if err != nil {
			return fmt.Errorf("the %s key does not load (%v)", k.Role, err)
		}
		if key.IDString() != k.ID {
			return fmt.Errorf("the %s key is %s, but the file names it %s", k.Role, key.IDString(), k.ID)
		}
	}
	for _, r := range []Role{RoleManufacturer, RolePublic} {
		if !seen[r] {
			return fmt.Errorf("the %s key is missing", r)
		}
	}
	return nil
}

func validMAC(s string) bool {
	if len(s) != 17 || !strings.HasPrefix(s, macPrefix) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// encode renders the state file: stable bytes for the same state.
func (st *stateFile) encode() ([]byte, error) {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// clone is a deep copy, so that a change can be prepared and thrown away.
func (st *stateFile) clone() *stateFile {
	c := *st
	c.Settings = make(map[string]string, len(st.Settings))
	for k, v := range st.Settings {
		c.Settings[k] = v
	}
	for i, b := range st.Banks {
		if b.Image != nil {
			img := *b.Image
			c.Banks[i].Image = &img
		}
	}
	c.Keys = append([]storedKey(nil), st.Keys...)
	if st.Factory != nil {
		c.Factory = make(map[string]string, len(st.Factory))
		for k, v := range st.Factory {
			c.Factory[k] = v
		}
	}
	return &c
}

// readState loads home's state file, reporting damage as a StateError. The
// file is read through the home as a root: a link, a named pipe or a device
// in its place is refused with its path, never followed or waited on.
func readState(dir string) (*stateFile, []byte, error) {
	path := filepath.Join(dir, StateFileName)
	h, err := openHome(dir)
	if err != nil {
		return nil, nil, err
	}
	defer h.Close()
	f, _, err := h.openRead(StateFileName)
	if err != nil {
		var le *HomeFileError
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, nil, fmt.Errorf("%w: %s holds no %s; make a box there first", ErrNoBox, dir, StateFileName)
		case errors.As(err, &le):
			return nil, nil, &StateError{File: path, Problem: "it " + le.Problem + ", and the box reads its state only from a plain file"}
		}
		return nil, nil, fmt.Errorf("cannot read the box state %s: %v", path, pathCause(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the box state %s: %v", path, err)
	}
	st, err := parseState(data)
	if err != nil {
		return nil, nil, &StateError{File: path, Problem: err.Error()}
	}
	return st, data, nil
}
