package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/atomicfile"
	"github.com/stbrecovery/stbrecovery/imagefmt"
	"github.com/stbrecovery/stbrecovery/imagefmt/gnupg"
)

type buildFlags struct {
	model, desc, rootfs, kernel, env, logo, bootstrap, bootstrapVer string
	userfs, userfsVer, secondboot, hash, date, out                  string
	version                                                         string
	signing                                                         signingFlags
}

func newImageBuildCmd() *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build --model MAG254 --version 218 --desc TEXT --rootfs DIR|FILE (--key SIGNER.sec.asc | --gpg-key ID) --out FILE",
		Short: "Build a signed imageupdate file",
		Long: `Build a signed imageupdate file laid out as the manufacturer's scripts do.
--key signs the global block and every section block; --custom-key puts the custom
public key at etc/custom_key.pub in the RootFS (a folder, .tar or .tar.gz) and signs the
RootFS block with it. --hash defaults to the model's generation (SHA-1 for MAG250/254/270).
--gpg-key ID and --gpg-custom-key ID take the keys from your GnuPG keyring instead (GNUPGHOME
is respected): gpg-agent makes every signature and asks for the passphrase through its
pinentry; the secret key never leaves GnuPG.
A protected --key or --custom-key file is unlocked with --passphrase-file FILE (its first
line), or asked for without echo when stdin is a terminal; never give a passphrase in the
command line. A file that holds several keys needs --key-id ID or FILE#ID (a key id,
fingerprint or part of the user id).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBuild(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "STB Model of the image, e.g. MAG254")
	fl.StringVar(&f.version, "version", "", "Image Version (digits), e.g. 218")
	fl.StringVar(&f.desc, "desc", "", "Image Description (up to 40 characters, no spaces)")
	fl.StringVar(&f.rootfs, "rootfs", "", "the RootFS: a folder (packed as tar), or a file used as it is")
	fl.StringVar(&f.kernel, "kernel", "", "optional Kernel section data")
	fl.StringVar(&f.env, "env", "", "optional Env section data")
	fl.StringVar(&f.bootstrap, "bootstrap", "", "optional Bootstrap section data")
	fl.StringVar(&f.bootstrapVer, "bootstrap-version", "", "Bootstrap Version line (with --bootstrap)")
	fl.StringVar(&f.userfs, "userfs", "", "optional Userfs section data")
	fl.StringVar(&f.userfsVer, "userfs-version", "", "Userfs Version line (with --userfs)")
	fl.StringVar(&f.secondboot, "secondboot", "", "optional SecondBoot section data")
	fl.StringVar(&f.logo, "logo", "", "optional Logotype section data")
	fl.StringVar(&f.signing.key, "key", "", "secret key file (.sec.asc) that signs the image; FILE#ID picks one key of a file with several")
	fl.StringVar(&f.signing.customKey, "custom-key", "", "secret custom key file (.sec.asc): makes a Custom image")
	fl.StringVar(&f.signing.gpgKey, "gpg-key", "", "sign with a secret key of your GnuPG keyring (key id, fingerprint or user id, as gpg -u takes it)")
	fl.StringVar(&f.signing.gpgCustomKey, "gpg-custom-key", "", "the custom key from your GnuPG keyring: makes a Custom image")
	fl.StringVar(&f.signing.passphraseFile, "passphrase-file", "", "a file whose first line unlocks protected --key / --custom-key files (without it, a terminal asks)")
	fl.StringVar(&f.signing.keyID, "key-id", "", "the key to take from a --key file that holds several (key id, fingerprint or user id)")
	fl.StringVar(&f.hash, "hash", "", "block hash: sha1 or sha256 (default: the model's generation)")
	fl.StringVar(&f.date, "date", "", `header Date, as date prints it, e.g. "Thu Feb 21 00:43:44 EET 2019" (default: now)`)
	fl.StringVar(&f.out, "out", "", "the image file to write")
	requireFlag(cmd, "model", "give the box model with --model, e.g. --model MAG254")
	requireFlag(cmd, "version", "give the image version with --version, e.g. --version 218")
	requireFlag(cmd, "rootfs", "give the RootFS with --rootfs DIR or --rootfs FILE")
	requireFlag(cmd, "out", "say where to write the image with --out FILE")
	oneOf(cmd, "give the signing key with --key SIGNER.sec.asc, or --gpg-key ID for a key of your GnuPG keyring",
		"give the signing key once: --key FILE or --gpg-key ID, not both", "key", "gpg-key")
	oneOf(cmd, "", "give the custom key once: --custom-key FILE or --gpg-custom-key ID, not both", "custom-key", "gpg-custom-key")
	return cmd
}

func usageErr(format string, args ...any) error {
	return withCode(exitError, fmt.Errorf(format, args...))
}

func checkText(flag, v string) error {
	for _, r := range v {
		if unicode.IsControl(r) {
			return usageErr("%s holds a control character (tab or new line); give it on one line", flag)
		}
	}
	return nil
}

// sectionInput is one optional section named on the command line.
type sectionInput struct {
	kind    imagefmt.SectionKind
	flag    string
	path    string
	version string
}

func runBuild(cmd *cobra.Command, f buildFlags) error {
	for _, c := range [][2]string{{"--model", f.model}, {"--desc", f.desc}, {"--date", f.date},
		{"--bootstrap-version", f.bootstrapVer}, {"--userfs-version", f.userfsVer}} {
		if err := checkText(c[0], c[1]); err != nil {
			return err
		}
	}
	version, err := strconv.Atoi(f.version)
	if err != nil || version < 0 || strings.Trim(f.version, "0123456789") != "" {
		return usageErr("--version %q is not a number; give digits only, e.g. --version 218", f.version)
	}
	if strings.ContainsAny(f.model, ": ") {
		return usageErr("--model %q holds a colon or a space; give the model as the box shows it, e.g. MAG254", f.model)
	}
	if err := checkBuildModel(f.model); err != nil {
		return err
	}
	if f.bootstrapVer != "" && f.bootstrap == "" {
		return usageErr("--bootstrap-version needs --bootstrap FILE")
	}
	if f.userfsVer != "" && f.userfs == "" {
		return usageErr("--userfs-version needs --userfs FILE")
	}
	warn := cmd.ErrOrStderr()
	if len(f.desc) > 40 || strings.Contains(f.desc, " ") {
		fmt.Fprintln(warn, "stbrecovery: warning: keep --desc to 40 characters without spaces; the bootloader shows only the first 23")
	}
	alg := imagefmt.DefaultHash(f.model)
	if f.hash != "" {
		a, err := imagefmt.ParseHash(f.hash)
		if err != nil {
			return usageErr("%v", err)
		}
		alg = a
	}
	signer, custom, err := signingKeys(cmd.Context(), f.signing, os.Stdin, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	now := time.Now()
	date, created := f.date, now
	if date == "" {
		date = imagefmt.FormatHeaderDate(now)
	} else if d, err := imagefmt.ParseHeaderDate(date); err == nil {
		created = d.Time // the blocks carry the header's time, so a build with --date repeats exactly
	} else {
		fmt.Fprintf(warn, "stbrecovery: warning: --date %q is not a date as `date` prints it (%v); the blocks get the current time\n", date, err)
	}

	var cleanup []func()
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}()
	openSection := func(flag, path string) (*os.File, int64, error) {
		info, err := os.Stat(path)
		if err != nil {
			return nil, 0, usageErr("there is no file %s (%s); check the path", path, flag)
		}
		if !info.Mode().IsRegular() {
			return nil, 0, usageErr("%s (%s) is not a regular file; give a file", path, flag)
		}
		fh, err := os.Open(path)
		if err != nil {
			return nil, 0, usageErr("cannot open %s (%s): %v; check its permissions", path, flag, unwrapPathErr(err))
		}
		cleanup = append(cleanup, func() { fh.Close() })
		return fh, info.Size(), nil
	}

	outDir := filepath.Dir(f.out)
	if info, err := os.Stat(f.out); err == nil && info.IsDir() {
		return usageErr("--out %s is a folder; give a file name", f.out)
	}
	if info, err := os.Stat(outDir); err != nil || !info.IsDir() {
		return usageErr("the folder %s of --out does not exist; make it first", outDir)
	}

	var sections []imagefmt.SectionSource
	if f.kernel != "" {
		fh, size, err := openSection("--kernel", f.kernel)
		if err != nil {
			return err
		}
		sections = append(sections, imagefmt.SectionSource{Kind: imagefmt.Kernel, Data: fh, Size: size})
	}

	// The RootFS: a folder streams as tar straight into the image (its size
	// from a stat walk); a file without a custom key is used as it stands; a
	// tar that gets the custom key is rewritten to a temp file to learn its size.
	rootInfo, err := os.Stat(f.rootfs)
	if err != nil {
		return usageErr("there is no RootFS %s; check --rootfs", f.rootfs)
	}
	var customPub []byte
	if custom != nil {
		if customPub, err = custom.ArmoredPublic(); err != nil {
			return withCode(exitError, err)
		}
	}
	root := imagefmt.SectionSource{Kind: imagefmt.RootFS, Signer: custom}
	switch {
	case rootInfo.IsDir():
		tf, err := imagefmt.NewTarFolder(f.rootfs, customPub, created)
		if err != nil {
			return usageErr("cannot read the RootFS folder %s (%v); check its permissions", f.rootfs, unwrapPathErr(err))
		}
		root.From, root.Size = tf, tf.Size()
	case custom != nil:
		tmp, err := os.CreateTemp(outDir, ".rootfs-*.tmp")
		if err != nil {
			return usageErr("cannot write a temporary file in %s (%v); check the folder", outDir, unwrapPathErr(err))
		}
		cleanup = append(cleanup, func() { tmp.Close(); os.Remove(tmp.Name()) })
		bw := bufio.NewWriterSize(tmp, 256<<10)
		if err := imagefmt.WriteRootFS(bw, f.rootfs, customPub, created); err != nil {
			return usageErr("cannot pack the RootFS %s (%v); give a folder, a .tar or a .tar.gz", f.rootfs, err)
		}
		if err := bw.Flush(); err != nil {
			return usageErr("cannot write the RootFS to %s (%v); check the disk", tmp.Name(), err)
		}
		if root.Size, err = tmp.Seek(0, io.SeekCurrent); err != nil {
			return withCode(exitError, err)
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return withCode(exitError, err)
		}
		root.Data = tmp
	default:
		if root.Data, root.Size, err = openSection("--rootfs", f.rootfs); err != nil {
			return err
		}
	}
	sections = append(sections, root)

	for _, s := range []sectionInput{
		{imagefmt.Env, "--env", f.env, ""},
		{imagefmt.Bootstrap, "--bootstrap", f.bootstrap, f.bootstrapVer},
		{imagefmt.Userfs, "--userfs", f.userfs, f.userfsVer},
		{imagefmt.SecondBoot, "--secondboot", f.secondboot, ""},
		{imagefmt.Logotype, "--logo", f.logo, ""},
	} {
		if s.path == "" {
			continue
		}
		fh, size, err := openSection(s.flag, s.path)
		if err != nil {
			return err
		}
		sections = append(sections, imagefmt.SectionSource{Kind: s.kind, Data: fh, Size: size, Version: s.version})
	}

	spec := imagefmt.BuildSpec{Model: f.model, Date: date, Version: version, Description: f.desc,
		Hash: alg, Key: signer, Created: created, Sections: sections}
	hdr, size, err := buildAtomic(f.out, spec)
	if err != nil {
		return err
	}

	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Built %s (%d bytes): %s version %d %q, %s blocks\n", f.out, size, hdr.Model, hdr.Version, hdr.Description, imagefmt.HashName(alg))
	for _, s := range hdr.Sections {
		by := signer
		if s.Kind == imagefmt.RootFS && custom != nil {
			by = custom
		}
		fmt.Fprintf(w, "  %-10s %12d bytes  signed by %s\n", s.Kind, s.DataSize(), by)
	}
	fmt.Fprintf(w, "  %-10s %12s        signed by %s\n", imagefmt.GlobalName, "", signer)
	if custom != nil {
		fmt.Fprintf(w, "Custom image: the RootFS carries %s at %s\n", custom, imagefmt.CustomKeyPath)
	}
	return nil
}

// buildAtomic writes the image to a temp file beside out and renames it into
// place, so that a failed build leaves no half-written file.
func buildAtomic(out string, spec imagefmt.BuildSpec) (*imagefmt.Header, int64, error) {
	var (
		hdr  *imagefmt.Header
		size int64
	)
	err := atomicfile.WriteFunc(out, 0o644, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		bw := bufio.NewWriterSize(cw, 256<<10)
		var err error
		if hdr, err = imagefmt.Build(bw, spec); err != nil {
			var agent *gnupg.AgentError
			if errors.As(err, &agent) {
				return usageErr("the image was not built: %v", agent)
			}
			return usageErr("the image could not be built (%v); check the inputs", err)
		}
		if err := bw.Flush(); err != nil {
			return usageErr("cannot write %s (%v); check the free space", out, err)
		}
		size = cw.n
		return nil
	})
	var ae *atomicfile.Error
	if errors.As(err, &ae) {
		return nil, 0, usageErr("%v", ae)
	}
	if err != nil {
		return nil, 0, err
	}
	return hdr, size, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// checkBuildModel refuses a model no box takes images for: an unknown one,
// or a variant (MAG254w1), whose boxes take images built for their base model.
func checkBuildModel(model string) error {
	var bases []string
	for _, m := range device.Catalogue() {
		if m.Name == m.Base {
			bases = append(bases, m.Name)
		}
	}
	m, err := device.LookupModel(model)
	if err != nil {
		return usageErr("no box is a %s, so none would take the image; give --model as one of %s", model, strings.Join(bases, ", "))
	}
	if m.Base != model {
		return usageErr("%s boxes take images built for %s (the header's STB Model must be exactly that); give --model %s", m.Name, m.Base, m.Base)
	}
	return nil
}
