package main

import (
	"bufio"
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Build, inspect and verify imageupdate files",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newImageBuildCmd(), newImageInfoCmd(), newImageVerifyCmd())
	return cmd
}

// imageExit turns an error from reading an image into the command's exit:
// Invalid file header (22) and Read error (27: the file is cut short or cannot
// be read) are format problems of the file, exit 4; Wrong signature (17) is
// exit 3; a missing file (25) and anything else is exit 1.
func imageExit(path string, err error) error {
	switch imagefmt.Code(err) {
	case imagefmt.ErrInvalidHeader.Code:
		return withCode(exitFormat, fmt.Errorf("%s is not a valid imageupdate file (%v); check that it is an image built for these boxes", path, err))
	case imagefmt.ErrReadError.Code:
		return withCode(exitFormat, fmt.Errorf("%s could not be read to its end (%v); copy the whole file again", path, err))
	case imagefmt.ErrWrongSignature.Code:
		return withCode(exitRefused, fmt.Errorf("%v; check the keys given with --key", err))
	case imagefmt.ErrFileNotFound.Code:
		return withCode(exitError, fmt.Errorf("%v; check the path", err))
	}
	return withCode(exitError, err)
}

// statusOf is the status code and text of err as a box would show it (0 "OK" for nil).
func statusOf(err error) (int, string) {
	if err == nil {
		return 0, "OK"
	}
	var e *imagefmt.Error
	if errors.As(err, &e) {
		return e.Code, e.Text
	}
	return imagefmt.ErrInternal.Code, imagefmt.ErrInternal.Text
}

// printJSON writes v as one indented JSON object whose strings carry no
// control character (safetext.JSON): a program that prints a value prints
// the text escaped, as the text output shows it.
func printJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out, err := safetext.JSON(buf.Bytes(), "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// jsonError prints the one JSON object of a failed command, then returns the exit as usual.
func jsonError(cmd *cobra.Command, path string, err error) error {
	code, text := statusOf(err)
	exit := imageExit(path, err)
	_ = printJSON(cmd.OutOrStdout(), map[string]any{"file": path, "ok": false, "status": code, "text": text, "error": err.Error()})
	return exit
}

// jsonFallback prints the one JSON object of a --json command that failed
// before it could print its own (a usage error, an unusable key).
func jsonFallback(cmd *cobra.Command, asJSON bool, printed *bool, err *error) {
	if *err != nil && asJSON && !*printed {
		_ = printJSON(cmd.OutOrStdout(), map[string]any{"ok": false, "error": (*err).Error()})
	}
}

// ---- image build ----

type buildFlags struct {
	model, desc, rootfs, kernel, env, logo, bootstrap, bootstrapVer string
	userfs, userfsVer, secondboot, key, customKey, hash, date, out  string
	version                                                         string
}

func newImageBuildCmd() *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build --model MAG254 --version 218 --desc TEXT --rootfs DIR|FILE --key SIGNER.sec.asc --out FILE",
		Short: "Build a signed imageupdate file",
		Long: `Build a signed imageupdate file laid out as the manufacturer's scripts do.
--key signs the global block and every section block; --custom-key puts the custom
public key at etc/custom_key.pub in the RootFS (a folder, .tar or .tar.gz) and signs the
RootFS block with it. --hash defaults to the model's generation (SHA-1 for MAG250/254/270).`,
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
	fl.StringVar(&f.key, "key", "", "secret key (.sec.asc) that signs the image")
	fl.StringVar(&f.customKey, "custom-key", "", "secret custom key (.sec.asc): makes a Custom image")
	fl.StringVar(&f.hash, "hash", "", "block hash: sha1 or sha256 (default: the model's generation)")
	fl.StringVar(&f.date, "date", "", `header Date, as date prints it, e.g. "Thu Feb 21 00:43:44 EET 2019" (default: now)`)
	fl.StringVar(&f.out, "out", "", "the image file to write")
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
	switch {
	case f.model == "":
		return usageErr("give the box model with --model, e.g. --model MAG254")
	case f.version == "":
		return usageErr("give the image version with --version, e.g. --version 218")
	case f.rootfs == "":
		return usageErr("give the RootFS with --rootfs DIR or --rootfs FILE")
	case f.key == "":
		return usageErr("give the signing key with --key SIGNER.sec.asc")
	case f.out == "":
		return usageErr("say where to write the image with --out FILE")
	}
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
	signer, err := loadKeyFlag(f.key, "--key")
	if err != nil {
		return err
	}
	if signer.Private == nil {
		return usageErr("%s is a public key; give the signer's secret key (.sec.asc) with --key", f.key)
	}
	var custom *imagefmt.Key
	if f.customKey != "" {
		if custom, err = loadKeyFlag(f.customKey, "--custom-key"); err != nil {
			return err
		}
		if custom.Private == nil {
			return usageErr("%s is a public key; give the custom key's secret key (.sec.asc) with --custom-key", f.customKey)
		}
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

	// The RootFS: a file without a custom key is used as it stands; a folder, or
	// a tar that gets the custom key, is written to a temp file to learn its size.
	rootInfo, err := os.Stat(f.rootfs)
	if err != nil {
		return usageErr("there is no RootFS %s; check --rootfs", f.rootfs)
	}
	var rootfs *os.File
	var rootSize int64
	if rootInfo.IsDir() || custom != nil {
		tmp, err := os.CreateTemp(outDir, ".rootfs-*.tmp")
		if err != nil {
			return usageErr("cannot write a temporary file in %s (%v); check the folder", outDir, unwrapPathErr(err))
		}
		cleanup = append(cleanup, func() { tmp.Close(); os.Remove(tmp.Name()) })
		var customPub []byte
		if custom != nil {
			if customPub, err = custom.ArmoredPublic(); err != nil {
				return withCode(exitError, err)
			}
		}
		bw := bufio.NewWriterSize(tmp, 256<<10)
		if err := imagefmt.WriteRootFS(bw, f.rootfs, customPub, created); err != nil {
			return usageErr("cannot pack the RootFS %s (%v); give a folder, a .tar or a .tar.gz", f.rootfs, err)
		}
		if err := bw.Flush(); err != nil {
			return usageErr("cannot write the RootFS to %s (%v); check the disk", tmp.Name(), err)
		}
		if rootSize, err = tmp.Seek(0, io.SeekCurrent); err != nil {
			return withCode(exitError, err)
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return withCode(exitError, err)
		}
		rootfs = tmp
	} else {
		if rootfs, rootSize, err = openSection("--rootfs", f.rootfs); err != nil {
			return err
		}
	}
	sections = append(sections, imagefmt.SectionSource{Kind: imagefmt.RootFS, Data: rootfs, Size: rootSize, Signer: custom})

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
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return nil, 0, usageErr("cannot write into the folder of %s (%v); check its permissions", out, unwrapPathErr(err))
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	hdr, err := imagefmt.Build(bw, spec)
	if err != nil {
		return nil, 0, usageErr("the image could not be built (%v); check the inputs", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, 0, usageErr("cannot write %s (%v); check the free space", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, 0, usageErr("cannot write %s (%v); check the disk", tmp.Name(), err)
	}
	size, _ := tmp.Seek(0, io.SeekCurrent)
	if err := tmp.Chmod(0o644); err != nil {
		return nil, 0, usageErr("cannot set the mode of %s (%v)", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return nil, 0, usageErr("cannot write %s (%v); check the disk", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, 0, usageErr("cannot move the image into place as %s (%v)", out, unwrapPathErr(err))
	}
	ok = true
	return hdr, size, nil
}

// ---- image info ----

type jsonSection struct {
	Name       string `json:"name"`
	Size       int64  `json:"size"`        // as declared (Kernel and RootFS include their block)
	DataSize   int64  `json:"data_size"`   // bytes the block signs
	Offset     int64  `json:"offset"`      // from the first byte after the header
	FileOffset int64  `json:"file_offset"` // from the start of the file
	Version    string `json:"version,omitempty"`
}

type jsonBlock struct {
	Name        string `json:"name"`
	Created     string `json:"created"` // RFC 3339, UTC
	CreatedUnix uint32 `json:"created_unix"`
	Bits        int    `json:"bits"`
	Class       int    `json:"class"`
	FileOffset  int64  `json:"file_offset"`
	Damaged     string `json:"damaged,omitempty"`
}

func newImageInfoCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info FILE [--json]",
		Short: "Show an image's header, sections and the signing time of each block",
		Long: `Show an image's header (every line, unknown ones included), its sections with their sizes
and offsets, and the signing time of each block. The section data is not read.
Exit 0: shown; 4: invalid header or the file is cut short (Read error); 1: another error.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			printed := false
			defer jsonFallback(cmd, asJSON, &printed, &err)
			if len(args) != 1 {
				return usageErr("give exactly one image file, e.g. image info imageupdate")
			}
			path := args[0]
			hdr, blocks, size, err := imagefmt.InspectFile(path)
			if err != nil {
				if asJSON {
					printed = true
					return jsonError(cmd, path, err)
				}
				return imageExit(path, err)
			}
			if asJSON {
				printed = true
				return printJSON(cmd.OutOrStdout(), infoJSON(path, size, hdr, blocks))
			}
			printInfo(cmd.OutOrStdout(), path, size, hdr, blocks)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// blockOffset is where a block starts in the file.
func blockOffset(hdr *imagefmt.Header, size int64, s *imagefmt.Signed) int64 {
	if s.Name == imagefmt.GlobalName {
		return size - imagefmt.BlockSize
	}
	return hdr.Size() + s.Section.Offset + s.Section.DataSize()
}

func infoJSON(path string, size int64, hdr *imagefmt.Header, blocks []*imagefmt.Signed) map[string]any {
	fields := make([]map[string]string, 0, len(hdr.Fields))
	for _, f := range hdr.Fields {
		fields = append(fields, map[string]string{"name": f.Name, "value": f.Value})
	}
	unknown := make([]map[string]string, 0)
	for _, f := range hdr.Unknown() {
		unknown = append(unknown, map[string]string{"name": f.Name, "value": f.Value})
	}
	secs := make([]jsonSection, 0, len(hdr.Sections))
	for _, s := range hdr.Sections {
		secs = append(secs, jsonSection{Name: s.Kind.String(), Size: s.Size, DataSize: s.DataSize(), Offset: s.Offset,
			FileOffset: hdr.Size() + s.Offset, Version: s.Version})
	}
	blks := make([]jsonBlock, 0, len(blocks))
	for _, b := range blocks {
		jb := jsonBlock{Name: b.Name, Created: b.Block.Time().Format(time.RFC3339), CreatedUnix: b.Block.Created,
			Bits: int(b.Block.Bits), Class: int(b.Block.Class), FileOffset: blockOffset(hdr, size, b)}
		if err := b.ShapeError(); err != nil {
			jb.Damaged = err.Error()
		}
		blks = append(blks, jb)
	}
	return map[string]any{
		"file":           path,
		"size":           size,
		"ok":             true,
		"status":         0,
		"text":           "OK",
		"model":          hdr.Model,
		"date":           hdr.Date,
		"version":        hdr.Version,
		"description":    hdr.Description,
		"ver_update_api": hdr.VerUpdateAPI,
		"header_size":    hdr.Size(),
		"expected_hash":  imagefmt.HashName(imagefmt.DefaultHash(hdr.Model)),
		"fields":         fields,
		"unknown_fields": unknown,
		"sections":       secs,
		"blocks":         blks,
	}
}

func printInfo(w io.Writer, path string, size int64, hdr *imagefmt.Header, blocks []*imagefmt.Signed) {
	fmt.Fprintf(w, "File:               %s (%d bytes)\n", path, size)
	fmt.Fprintf(w, "STB Model:          %s\n", hdr.Model)
	fmt.Fprintf(w, "Date:               %s\n", hdr.Date)
	fmt.Fprintf(w, "Image Version:      %d\n", hdr.Version)
	fmt.Fprintf(w, "Image Description:  %s\n", hdr.Description)
	if hdr.VerUpdateAPI != "" {
		fmt.Fprintf(w, "VerUpdateAPI:       %s\n", hdr.VerUpdateAPI)
	}
	fmt.Fprintf(w, "Header:             %d bytes\n", hdr.Size())
	fmt.Fprintf(w, "Hash:               %s expected for %s (image verify reads it from each block)\n",
		imagefmt.HashName(imagefmt.DefaultHash(hdr.Model)), hdr.Model)
	if unk := hdr.Unknown(); len(unk) > 0 {
		fmt.Fprintln(w, "Other header lines (kept, not interpreted):")
		for _, f := range unk {
			fmt.Fprintf(w, "  %s:%s\n", f.Name, f.Value)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SECTION\tSIZE\tSIGNED BYTES\tOFFSET\tFILE OFFSET\tVERSION")
	for _, s := range hdr.Sections {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", s.Kind, s.Size, s.DataSize(), s.Offset, hdr.Size()+s.Offset, s.Version)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tSIGNED AT (UTC)\tUNIX TIME\tBITS\tFILE OFFSET\tNOTE")
	for _, b := range blocks {
		note := ""
		if err := b.ShapeError(); err != nil {
			note = "damaged: " + err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\n", b.Name, b.Block.Time().Format("2006-01-02 15:04:05"),
			b.Block.Created, b.Block.Bits, blockOffset(hdr, size, b), note)
	}
	tw.Flush()
}

// ---- image verify ----

type verifyBlock struct {
	Name        string `json:"name"`
	OK          bool   `json:"ok"`
	Key         string `json:"key,omitempty"`
	KeyID       string `json:"key_id,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	KeyFile     string `json:"key_file,omitempty"`
	Hash        string `json:"hash,omitempty"`
	Created     string `json:"created"`
	CreatedUnix uint32 `json:"created_unix"`
	Status      int    `json:"status"`
	Text        string `json:"text"`
	Error       string `json:"error,omitempty"`
}

type verifyKey struct {
	File        string `json:"file"`
	Name        string `json:"name"`
	UserID      string `json:"user_id"`
	KeyID       string `json:"key_id"`
	Fingerprint string `json:"fingerprint"`
}

func newImageVerifyCmd() *cobra.Command {
	var keyFiles []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify FILE --key PUB [--key PUB ...] [--json]",
		Short: "Check every signature block of an image against the given keys",
		Long: `Check every signature block of an image against the given public keys. The image is
read once; SHA-1 and SHA-256 are both computed, so blocks of either generation are checked.
Exit 0: every block verifies; 3: a block fails or no key made it; 4: invalid header or the file
is cut short (Read error); 1: another error (missing file, unusable key).`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			printed := false
			defer jsonFallback(cmd, asJSON, &printed, &err)
			if len(args) != 1 {
				return usageErr("give exactly one image file, e.g. image verify imageupdate --key STB_PUBLIC.pub.asc")
			}
			path := args[0]
			if len(keyFiles) == 0 {
				return usageErr("give at least one public key with --key PUB")
			}
			var keys []*imagefmt.Key
			fileOf := map[*imagefmt.Key]string{}
			var jkeys []verifyKey
			for _, kf := range keyFiles {
				k, err := loadKeyFlag(kf, "--key")
				if err != nil {
					return err
				}
				keys = append(keys, k)
				fileOf[k] = kf
				jkeys = append(jkeys, verifyKey{File: kf, Name: k.Name, UserID: k.UserID, KeyID: k.IDString(), Fingerprint: k.FingerprintString()})
			}
			hdr, checks, err := imagefmt.VerifyFile(path, keys, crypto.SHA1, crypto.SHA256)
			if err != nil {
				if asJSON {
					printed = true
					return jsonError(cmd, path, err)
				}
				return imageExit(path, err)
			}
			failed := 0
			var first error
			blocks := make([]verifyBlock, 0, len(checks))
			for _, c := range checks {
				vb := verifyBlock{Name: c.Name, OK: c.OK(), Created: c.Block.Time().Format(time.RFC3339), CreatedUnix: c.Block.Created}
				vb.Status, vb.Text = statusOf(c.Err)
				if c.Key != nil {
					vb.Key, vb.KeyID, vb.Fingerprint, vb.KeyFile = c.Key.Name, c.Key.IDString(), c.Key.FingerprintString(), fileOf[c.Key]
					vb.Hash = imagefmt.HashName(c.Hash)
				}
				if c.Err != nil {
					vb.Error = c.Err.Error()
					failed++
					if first == nil {
						first = c.Err
					}
				}
				blocks = append(blocks, vb)
			}
			status, text := statusOf(first)
			if asJSON {
				printed = true
				err := printJSON(cmd.OutOrStdout(), map[string]any{
					"file": path, "ok": failed == 0, "status": status, "text": text,
					"model": hdr.Model, "version": hdr.Version, "description": hdr.Description, "date": hdr.Date,
					"blocks": blocks, "keys": jkeys, "failed": failed,
				})
				if err != nil {
					return withCode(exitError, err)
				}
			} else {
				printVerify(cmd.OutOrStdout(), path, hdr, blocks, failed)
			}
			if failed > 0 {
				return withCode(exitRefused, fmt.Errorf("%d of %d signature blocks of %s do not verify with the given keys (%v); give the key that signed the image with --key, or rebuild the image",
					failed, len(blocks), path, first))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&keyFiles, "key", nil, "a trusted public key (repeat for several)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func printVerify(w io.Writer, path string, hdr *imagefmt.Header, blocks []verifyBlock, failed int) {
	fmt.Fprintf(w, "%s: %s, version %d, %s\n\n", path, hdr.Model, hdr.Version, hdr.Description)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tRESULT\tSIGNED BY\tKEY ID\tHASH\tSIGNED AT (UTC)")
	for _, b := range blocks {
		res := "OK"
		if !b.OK {
			res = "FAIL"
		}
		key, id, h := b.Key, b.KeyID, b.Hash
		if key == "" {
			key, id, h = "no given key", "-", "-"
		}
		t, _ := time.Parse(time.RFC3339, b.Created)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", b.Name, res, key, id, h, t.UTC().Format("2006-01-02 15:04:05"))
	}
	tw.Flush()
	for _, b := range blocks {
		if !b.OK {
			fmt.Fprintf(w, "  %s: %s\n", b.Name, b.Error)
		}
	}
	fmt.Fprintln(w)
	if failed == 0 {
		fmt.Fprintf(w, "All %d signature blocks verify.\n", len(blocks))
	} else {
		fmt.Fprintf(w, "%d of %d signature blocks do not verify.\n", failed, len(blocks))
	}
}
