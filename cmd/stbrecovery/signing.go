package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/stbrecovery/stbrecovery/imagefmt"
	"github.com/stbrecovery/stbrecovery/imagefmt/gnupg"
)

// signingFlags are the ways image build takes its signing keys: key files
// (possibly protected, possibly holding several keys) or the GnuPG keyring.
type signingFlags struct {
	key, customKey       string // files: FILE or FILE#ID
	gpgKey, gpgCustomKey string // GnuPG key ids
	passphraseFile       string
	keyID                string // picks a key in a multi-key --key file
}

// passphraseSource gives the passphrase of protected key files: read once
// from --passphrase-file, or asked without echo when stdin is a terminal.
type passphraseSource struct {
	file   string
	stdin  *os.File
	prompt io.Writer
	cached []byte
}

// get returns the passphrase for k; it never comes from the command line.
func (p *passphraseSource) get(k *imagefmt.Key) ([]byte, error) {
	if p.file != "" {
		if p.cached == nil {
			data, err := readPassphraseFile(p.file)
			if err != nil {
				return nil, err
			}
			p.cached = data
		}
		return p.cached, nil
	}
	if p.stdin == nil || !term.IsTerminal(int(p.stdin.Fd())) {
		return nil, fmt.Errorf("the secret key %s is protected by a passphrase; give it with --passphrase-file FILE (never on the command line), or run in a terminal to be asked", k)
	}
	fmt.Fprintf(p.prompt, "Passphrase for %s: ", k)
	pass, err := term.ReadPassword(int(p.stdin.Fd()))
	fmt.Fprintln(p.prompt)
	if err != nil {
		return nil, fmt.Errorf("could not read the passphrase (%v); give it with --passphrase-file FILE", err)
	}
	return pass, nil
}

// readPassphraseFile reads the first line of a passphrase file, as gpg's
// --passphrase-file does; the file should be readable by its owner only.
func readPassphraseFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("there is no passphrase file %s; check --passphrase-file", path)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("the passphrase file %s is not a file; give a file whose first line is the passphrase", path)
	}
	if info.Size() > 64<<10 {
		return nil, fmt.Errorf("the passphrase file %s is over 64 KiB; its first line should be the passphrase", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file %s (%v); check its permissions", path, unwrapPathErr(err))
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// splitKeyRef splits FILE#ID; a file whose own name holds # is taken whole
// when it exists.
func splitKeyRef(ref string) (file, id string) {
	i := strings.LastIndexByte(ref, '#')
	if i < 0 {
		return ref, ""
	}
	if _, err := os.Stat(ref); err == nil {
		return ref, ""
	}
	return ref[:i], ref[i+1:]
}

// loadSecretKeyFlag loads a secret key file given to flag (FILE or FILE#ID),
// unlocking it with pass when it is protected.
func loadSecretKeyFlag(ref, flag, keyID string, pass *passphraseSource) (*imagefmt.Key, error) {
	path, id := splitKeyRef(ref)
	if id != "" && keyID != "" && id != keyID {
		return nil, usageErr("%s names the key %s and --key-id %s; give one", flag, id, keyID)
	}
	if id == "" {
		id = keyID
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, usageErr("there is no key file %s (%s); check the path", path, flag)
	}
	if info.IsDir() {
		return nil, usageErr("%s is a folder; give a key file for %s", path, flag)
	}
	k, err := imagefmt.LoadKeyFileWith(path, imagefmt.KeyOptions{ID: id, Passphrase: pass.get})
	if err != nil {
		if errors.Is(err, imagefmt.ErrPassphrase) {
			return nil, usageErr("%s", stripPrefix(err, path))
		}
		return nil, usageErr("cannot use %s as a key for %s (%s)", path, flag, strings.TrimSuffix(stripPrefix(err, path), "."))
	}
	if k.Private == nil {
		return nil, usageErr("%s is a public key; give the secret key (.sec.asc) with %s", path, flag)
	}
	return k, nil
}

// gnupgKeyring is the user's GnuPG as image build reaches it: GNUPGHOME from
// the environment, and the terminal for the agent's pinentry when stdin is one.
func gnupgKeyring() gnupg.Keyring {
	r := gnupg.Keyring{TTY: os.Getenv("GPG_TTY")}
	if r.TTY == "" && term.IsTerminal(int(os.Stdin.Fd())) {
		if tty, err := os.Readlink("/proc/self/fd/0"); err == nil && filepath.IsAbs(tty) {
			r.TTY = tty
		}
	}
	return r
}

// loadGnuPGKey finds a secret key of the user's GnuPG keyring for flag.
func loadGnuPGKey(ctx context.Context, id, flag string) (*imagefmt.Key, error) {
	k, err := gnupgKeyring().Key(ctx, id)
	if err != nil {
		return nil, usageErr("%s %s: %v", flag, id, err)
	}
	return k, nil
}

// signingKeys loads the signer and the custom key (nil for an image that is
// not Custom) from whichever flags were given.
func signingKeys(ctx context.Context, f signingFlags, stdin *os.File, prompt io.Writer) (signer, custom *imagefmt.Key, err error) {
	switch {
	case f.keyID != "" && f.key == "":
		return nil, nil, usageErr("--key-id picks a key of the --key file; give --key FILE too")
	case f.passphraseFile != "" && f.key == "" && f.customKey == "":
		return nil, nil, usageErr("--passphrase-file unlocks a --key or --custom-key file; GnuPG keys are unlocked by gpg-agent")
	}
	pass := &passphraseSource{file: f.passphraseFile, stdin: stdin, prompt: prompt}
	if f.key != "" {
		signer, err = loadSecretKeyFlag(f.key, "--key", f.keyID, pass)
	} else {
		signer, err = loadGnuPGKey(ctx, f.gpgKey, "--gpg-key")
	}
	if err != nil {
		return nil, nil, err
	}
	switch {
	case f.customKey != "":
		custom, err = loadSecretKeyFlag(f.customKey, "--custom-key", "", pass)
	case f.gpgCustomKey != "":
		custom, err = loadGnuPGKey(ctx, f.gpgCustomKey, "--gpg-custom-key")
	}
	if err != nil {
		return nil, nil, err
	}
	if custom != nil && custom.Same(signer) {
		return nil, nil, usageErr("--key and --custom-key are the same key %s: in a Custom image STB_PUBLIC signs the Global block and the sections (--key), and the custom key only the RootFS (--custom-key); give STB_PUBLIC's secret key with --key", custom)
	}
	return signer, custom, nil
}
