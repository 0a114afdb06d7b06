package device

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// StickKey is one key file on a USB stick, as a list of operator keys to
// install shows it.
type StickKey struct {
	Name string // its path on the stick, e.g. "keys/operator_one.key"
	File string // the file to read
	// KeyName and ID name the key in the file; both are empty when the file
	// is not a readable key.
	KeyName string
	ID      string // 16 upper-case hex digits
	// Certified is set when the file carries a certification block (the
	// stb_pub_sign.key form). Whether the box's MANUFACTURER key made that
	// block is for Box.InstallOperatorKey to decide (R7).
	Certified   bool
	Description string // the key's name and id, or why the file is not a key
}

// stickKeysDir is the stick's folder of operator keys.
const stickKeysDir = "keys"

// ListStickKeys lists the *.key files on the USB drive at dir: those in its
// keys/ folder, then those in the model's folder, each by name. No drive is
// 29 "USB device not found!"; a drive without key files is an empty list.
func ListStickKeys(dir string, m Model) ([]StickKey, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, &StatusError{Status: StatusUSBNotFound, Detail: fmt.Sprintf("no USB drive at %s", dir)}
	}
	var out []StickKey
	for _, folder := range []string{stickKeysDir, m.USBFolder()} {
		entries, err := os.ReadDir(filepath.Join(dir, folder))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".key") {
				continue
			}
			k := StickKey{Name: folder + "/" + e.Name(), File: filepath.Join(dir, folder, e.Name())}
			k.describe()
			out = append(out, k)
		}
	}
	return out, nil
}

// describe reads the key in the file for the list's description.
func (k *StickKey) describe() {
	data, err := k.Read()
	if err != nil {
		k.Description = "cannot be read: " + err.Error()
		return
	}
	key, err := imagefmt.LoadKey(data)
	if err != nil {
		k.Description = "not a readable key"
		return
	}
	k.KeyName, k.ID, k.Certified = key.Name, key.IDString(), key.Certification != nil
	k.Description = fmt.Sprintf("%s (%s)", key.Name, k.ID)
}

// Read returns the file's bytes: 25 "File not found" when it is gone, 27
// "Read error" when it cannot be read.
func (k StickKey) Read() ([]byte, error) {
	f, _, err := openRegular(k.File)
	if err != nil {
		var nf *notAFileError
		if errors.As(err, &nf) {
			return nil, &StatusError{Status: StatusFileNotFound, Detail: fmt.Sprintf("%s is not a file: the box reads keys only from plain files", k.Name), Err: err}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &StatusError{Status: StatusFileNotFound, Detail: fmt.Sprintf("%s is not on the USB drive any more", k.Name), Err: err}
		}
		return nil, &StatusError{Status: StatusReadError, Detail: fmt.Sprintf("%s cannot be read", k.Name), Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, imagefmt.MaxKeyFileSize+1))
	if err != nil {
		return nil, &StatusError{Status: StatusReadError, Detail: fmt.Sprintf("%s cannot be read", k.Name), Err: err}
	}
	return data, nil
}
