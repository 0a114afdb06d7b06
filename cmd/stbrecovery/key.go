package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

func newKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Make, certify and export the OpenPGP keys that sign images",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newKeyGenCmd(), newKeyCertifyCmd(), newKeyDemoCmd())
	return cmd
}

func newKeyGenCmd() *cobra.Command {
	var name, out, comment string
	cmd := &cobra.Command{
		Use:   "gen --name NAME --out DIR",
		Short: "Make an RSA-2048 OpenPGP key: DIR/NAME.sec.asc and DIR/NAME.pub.asc",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.ContainsAny(name, `/\`) || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 }) {
				return withCode(exitError, fmt.Errorf("the name %q cannot be a file name; use letters, digits and _", name))
			}
			secPath := filepath.Join(out, name+".sec.asc")
			pubPath := filepath.Join(out, name+".pub.asc")
			for _, p := range []string{secPath, pubPath} {
				if _, err := os.Lstat(p); err == nil {
					return withCode(exitError, fmt.Errorf("%s already exists; remove it or choose another --out or --name", p))
				}
			}
			k, err := imagefmt.GenerateKey(name, comment, time.Now())
			if err != nil {
				return withCode(exitError, fmt.Errorf("could not make the key (%v); try again", err))
			}
			sec, err := k.ArmoredSecret()
			if err != nil {
				return withCode(exitError, err)
			}
			pub, err := k.ArmoredPublic()
			if err != nil {
				return withCode(exitError, err)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return withCode(exitError, fmt.Errorf("cannot make the folder %s (%v); choose another --out", out, unwrapPathErr(err)))
			}
			if err := writeNewFile(secPath, sec, 0o600); err != nil {
				return withCode(exitError, err)
			}
			if err := writeNewFile(pubPath, pub, 0o644); err != nil {
				os.Remove(secPath)
				return withCode(exitError, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Made key %s\n  key id:      %s\n  fingerprint: %s\n", k.UserID, k.IDString(), k.FingerprintString())
			fmt.Fprintf(w, "  secret key:  %s (keep it private)\n  public key:  %s\n", secPath, pubPath)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the key's name (its OpenPGP user id), e.g. MY_OPERATOR")
	cmd.Flags().StringVar(&out, "out", "", "the folder to write NAME.sec.asc and NAME.pub.asc into")
	requireFlag(cmd, "name", "give the key a name with --name NAME")
	requireFlag(cmd, "out", "say where to write the key with --out DIR")
	cmd.Flags().StringVar(&comment, "comment", "", "an optional comment in the user id")
	return cmd
}

func newKeyCertifyCmd() *cobra.Command {
	var by, out, hashName string
	cmd := &cobra.Command{
		Use:   "certify --by MANUF.sec.asc --out OUT.key KEY.pub.asc",
		Short: "Certify an operator key with the manufacturer key (stb_pub_sign.key form)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return withCode(exitError, errors.New("give exactly one public key to certify, e.g. key certify --by MANUF.sec.asc --out OUT.key KEY.pub.asc"))
			}
			alg, err := imagefmt.ParseHash(hashName)
			if err != nil {
				return withCode(exitError, fmt.Errorf("%v", err))
			}
			manuf, err := loadKeyFlag(by, "--by")
			if err != nil {
				return err
			}
			if manuf.Private == nil {
				return withCode(exitError, fmt.Errorf("%s is a public key; give the manufacturer's secret key (.sec.asc) with --by", by))
			}
			key, err := loadKeyFlag(args[0], "the key to certify")
			if err != nil {
				return err
			}
			if w := certifierWarning(manuf); w != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "stbrecovery: warning: "+w)
			}
			cert, err := imagefmt.Certify(manuf, key.PublicOnly(), alg, time.Now())
			if err != nil {
				return withCode(exitError, fmt.Errorf("could not certify %s: %v", key, err))
			}
			if err := atomicfile.WriteFile(out, cert, 0o644); err != nil {
				return withCode(exitError, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Certified %s, fingerprint %s, by %s with %s: %s\n",
				key, key.FingerprintString(), manuf, imagefmt.HashName(alg), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "the manufacturer's secret key (.sec.asc) that certifies")
	cmd.Flags().StringVar(&out, "out", "", "the file to write, in the stb_pub_sign.key form")
	requireFlag(cmd, "by", "give the manufacturer's secret key with --by MANUF.sec.asc")
	requireFlag(cmd, "out", "give the file to write with --out OUT.key")
	cmd.Flags().StringVar(&hashName, "hash", "sha256", "hash of the certification block: sha1 or sha256")
	return cmd
}

func newKeyDemoCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "demo --out DIR",
		Short: "Write the embedded demo keys (MANUFACTURER, STB_PUBLIC, custom, operator) as files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return withCode(exitError, fmt.Errorf("cannot make the folder %s (%v); choose another --out", out, unwrapPathErr(err)))
			}
			keys := assets.Keys()
			names, err := fs.Glob(keys, "*")
			if err != nil {
				return withCode(exitError, err)
			}
			w := cmd.OutOrStdout()
			for _, n := range names {
				data, err := fs.ReadFile(keys, n)
				if err != nil {
					return withCode(exitError, err)
				}
				perm := os.FileMode(0o644)
				if strings.HasSuffix(n, ".sec.asc") {
					perm = 0o600
				}
				p := filepath.Join(out, n)
				if err := atomicfile.WriteFile(p, data, perm); err != nil {
					return withCode(exitError, err)
				}
				fmt.Fprintln(w, p)
			}
			fmt.Fprintf(w, "Wrote %d demo key files (demo keys only: not the manufacturer's real keys).\n", len(names))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the folder to write the demo keys into")
	requireFlag(cmd, "out", "say where to write the demo keys with --out DIR")
	return cmd
}

// loadKeyFlag loads a key file named on the command line (FILE, or FILE#ID
// for one key of a file that holds several), with an error that says what to do.
func loadKeyFlag(ref, what string) (*imagefmt.Key, error) {
	path, id := splitKeyRef(ref)
	if err := checkKeyPath(path, what); err != nil {
		return nil, err
	}
	k, err := imagefmt.LoadKeyFileWith(path, imagefmt.KeyOptions{ID: id})
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("cannot use %s as a key (%v); give an OpenPGP RSA-2048 key as gpg exports it", path, strings.TrimSuffix(stripPrefix(err, path), ".")))
	}
	return k, nil
}

// loadKeysFlag loads the public keys a --key names to check blocks with:
// every key of a keyring export, or the one FILE#ID picks.
func loadKeysFlag(ref, what string) ([]*imagefmt.Key, error) {
	path, id := splitKeyRef(ref)
	if id != "" {
		k, err := loadKeyFlag(ref, what)
		if err != nil {
			return nil, err
		}
		return []*imagefmt.Key{k}, nil
	}
	if err := checkKeyPath(path, what); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("cannot read the key file %s (%v); check its permissions", path, unwrapPathErr(err)))
	}
	keys, err := imagefmt.LoadKeys(data)
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("cannot use %s as a key (%v); give an OpenPGP RSA-2048 key as gpg exports it", path, strings.TrimSuffix(err.Error(), ".")))
	}
	return keys, nil
}

func checkKeyPath(path, what string) error {
	if path == "" {
		return withCode(exitError, fmt.Errorf("give a key file for %s", what))
	}
	info, err := os.Stat(path)
	if err != nil {
		return withCode(exitError, fmt.Errorf("there is no key file %s (%s); check the path", path, what))
	}
	if info.IsDir() {
		return withCode(exitError, fmt.Errorf("%s is a folder; give a key file for %s", path, what))
	}
	if info.Size() > imagefmt.MaxKeyFileSize {
		return withCode(exitError, fmt.Errorf("%s is over %d KiB, too large for a key file; give the key file for %s", path, imagefmt.MaxKeyFileSize>>10, what))
	}
	return nil
}

// stripPrefix drops the "key file PATH: " prefix LoadKeyFile adds, since the caller names the file.
func stripPrefix(err error, path string) string {
	return strings.TrimPrefix(err.Error(), "key file "+path+": ")
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeNewFile writes data to a file that must not exist yet.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("cannot create %s (%v); check the folder", path, unwrapPathErr(err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("cannot write %s (%v); check the disk", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("cannot write %s (%v); check the disk", path, err)
	}
	return nil
}

// certifierWarning says why no box will accept a certification made by by,
// or "" when by is a MANUFACTURER key (the demo one, or one named so).
func certifierWarning(by *imagefmt.Key) string {
	if by.Name == string(device.RoleManufacturer) {
		return ""
	}
	if data, err := fs.ReadFile(assets.Keys(), "manufacturer.pub.asc"); err == nil {
		if demo, err := imagefmt.LoadKey(data); err == nil && demo.Same(by) {
			return ""
		}
	}
	what := "not a MANUFACTURER key"
	if by.Name == string(device.RolePublic) {
		what = "STB_PUBLIC, the public key everyone holds, not MANUFACTURER"
	}
	return fmt.Sprintf("%s is %s: a box checks an operator key's certification with its MANUFACTURER key only (R7), so no box will accept this certification; certify with the MANUFACTURER secret key", by, what)
}
