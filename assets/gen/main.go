// Command gen writes the demo keys embedded in assets/keys: RSA-2048 OpenPGP
// keys for each role, and the operators' keys certified by the demo
// MANUFACTURER key. Run it with `go generate ./assets` to replace them.
package main

import (
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

var demoKeys = []struct{ file, name, comment string }{
	{"manufacturer", "MANUFACTURER", "demo key, not the real one"},
	{"stb_public", "STB_PUBLIC", "demo key, not the real one"},
	{"custom_alpha", "CUSTOM_ALPHA", "demo custom key of operator Alpha TV"},
	{"custom_beta", "CUSTOM_BETA", "demo custom key of operator Beta Net"},
	{"operator_one", "OPERATOR_ONE", "demo operator key of One IPTV"},
	{"operator_two", "OPERATOR_TWO", "demo operator key of Two Telecom"},
}

func main() {
	out := "keys"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := run(out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	created := time.Date(2019, 2, 20, 12, 0, 0, 0, time.UTC)
	keys := map[string]*imagefmt.Key{}
	for _, d := range demoKeys {
		k, err := imagefmt.GenerateKey(d.name, d.comment, created)
		if err != nil {
			return err
		}
		keys[d.file] = k
		sec, err := k.ArmoredSecret()
		if err != nil {
			return err
		}
		pub, err := k.ArmoredPublic()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, d.file+".sec.asc"), sec, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, d.file+".pub.asc"), pub, 0o644); err != nil {
			return err
		}
	}
	for _, op := range []string{"operator_one", "operator_two"} {
		cert, err := imagefmt.Certify(keys["manufacturer"], keys[op], crypto.SHA256, created)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, op+".key"), cert, 0o644); err != nil {
			return err
		}
	}
	return nil
}
