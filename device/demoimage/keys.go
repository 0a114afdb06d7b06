package demoimage

import (
	"fmt"
	"io/fs"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// Keys are the demo keys of every role, with their secret parts, as the
// assets ship them. They are demo keys, not the manufacturer's.
type Keys struct {
	Manufacturer, Public, CustomAlpha, CustomBeta, OperatorOne, OperatorTwo *imagefmt.Key
	// OperatorOneCert and OperatorTwoCert are the operator keys certified by
	// the demo MANUFACTURER key (the stb_pub_sign.key form).
	OperatorOneCert, OperatorTwoCert []byte
}

// keyFiles are the names used in specs, which are also the asset file names.
var keyFiles = [...]string{"manufacturer", "stb_public", "custom_alpha", "custom_beta", "operator_one", "operator_two"}

// KeyNames lists the demo keys by the names Keys.Key takes.
func KeyNames() []string { return append([]string(nil), keyFiles[:]...) }

// OperatorKeyNames lists the demo operator keys that come certified, by
// the names Keys.Cert takes.
func OperatorKeyNames() []string { return []string{"operator_one", "operator_two"} }

// LoadPublicKey reads the public part of one demo key, by a name KeyNames lists.
func LoadPublicKey(name string) (*imagefmt.Key, error) { return loadKey(name, false) }

// LoadSecretKey reads one demo key with its secret part, by a name KeyNames
// lists; it is slower than LoadPublicKey (RSA checks the secret key).
func LoadSecretKey(name string) (*imagefmt.Key, error) { return loadKey(name, true) }

// loadKey reads one demo key from the embedded assets, its secret part
// too when secret is set (reading a secret key is slower: RSA checks it).
func loadKey(name string, secret bool) (*imagefmt.Key, error) {
	file := name + ".pub.asc"
	if secret {
		file = name + ".sec.asc"
	}
	data, err := fs.ReadFile(assets.Keys(), file)
	if err != nil {
		return nil, fmt.Errorf("demo key %s: %v", name, err)
	}
	k, err := imagefmt.LoadKey(data)
	if err != nil {
		return nil, fmt.Errorf("demo key %s: %v", name, err)
	}
	return k, nil
}

// LoadKeys reads the demo keys from the embedded assets.
func LoadKeys() (*Keys, error) {
	fsys := assets.Keys()
	keys := make([]*imagefmt.Key, len(keyFiles))
	for i, n := range keyFiles {
		k, err := loadKey(n, true)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	d := &Keys{Manufacturer: keys[0], Public: keys[1], CustomAlpha: keys[2], CustomBeta: keys[3], OperatorOne: keys[4], OperatorTwo: keys[5]}
	var err error
	if d.OperatorOneCert, err = fs.ReadFile(fsys, "operator_one.key"); err != nil {
		return nil, fmt.Errorf("demo key operator_one.key: %v", err)
	}
	if d.OperatorTwoCert, err = fs.ReadFile(fsys, "operator_two.key"); err != nil {
		return nil, fmt.Errorf("demo key operator_two.key: %v", err)
	}
	return d, nil
}

// Key returns a demo key by its file name ("manufacturer", "stb_public",
// "custom_alpha", "custom_beta", "operator_one", "operator_two").
func (d *Keys) Key(name string) (*imagefmt.Key, error) {
	switch name {
	case "manufacturer":
		return d.Manufacturer, nil
	case "stb_public":
		return d.Public, nil
	case "custom_alpha":
		return d.CustomAlpha, nil
	case "custom_beta":
		return d.CustomBeta, nil
	case "operator_one":
		return d.OperatorOne, nil
	case "operator_two":
		return d.OperatorTwo, nil
	}
	return nil, fmt.Errorf("no demo key %q", name)
}

// Cert returns the certified form of a demo operator key ("operator_one", "operator_two").
func (d *Keys) Cert(name string) ([]byte, error) {
	switch name {
	case "operator_one":
		return d.OperatorOneCert, nil
	case "operator_two":
		return d.OperatorTwoCert, nil
	}
	return nil, fmt.Errorf("no certified demo operator key %q", name)
}
