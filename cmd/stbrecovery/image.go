package main

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/safetext"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Build, inspect and verify imageupdate files",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newImageBuildCmd(), newImageInfoCmd(), newImageVerifyCmd(), newImageCheckCmd())
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
		_ = printJSON(cmd.OutOrStdout(), errorObject(*err))
	}
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
	OK          bool   `json:"ok"` // the block is well formed (info checks no signature)
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
			env, envErr := readEnvSection(path, hdr)
			if asJSON {
				printed = true
				out := infoJSON(path, size, hdr, blocks)
				if env != nil {
					out["env"] = envJSON(env)
				}
				return printJSON(cmd.OutOrStdout(), out)
			}
			printInfo(cmd.OutOrStdout(), path, size, hdr, blocks)
			printEnvSection(cmd.OutOrStdout(), env, envErr)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// readEnvSection reads the Env section's lines (nil when the image has no
// Env section); a section larger than a box reads is not read.
func readEnvSection(path string, hdr *imagefmt.Header) ([]device.EnvLine, error) {
	for _, s := range hdr.Sections {
		if s.Kind != imagefmt.Env {
			continue
		}
		if s.DataSize() > device.MaxEnvSection {
			return nil, fmt.Errorf("the Env section is %d bytes, more than a box reads (%d)", s.DataSize(), device.MaxEnvSection)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data := make([]byte, s.DataSize())
		if _, err := f.ReadAt(data, hdr.Size()+s.Offset); err != nil {
			return nil, fmt.Errorf("the Env section cannot be read: %v", err)
		}
		return device.ParseEnv(data), nil
	}
	return nil, nil
}

// envJSON is the Env section's lines in image info --json.
func envJSON(env []device.EnvLine) []map[string]string {
	out := make([]map[string]string, 0, len(env))
	for _, l := range env {
		e := map[string]string{"name": l.Name, "value": l.Value}
		if l.Bad != "" {
			e["problem"] = l.Bad
		}
		out = append(out, e)
	}
	return out
}

// printEnvSection lists the settings the Env section sets when the image is installed.
func printEnvSection(w io.Writer, env []device.EnvLine, err error) {
	if err != nil {
		fmt.Fprintf(w, "\nEnv section: %v\n", err)
		return
	}
	if env == nil {
		return
	}
	fmt.Fprintln(w, "\nEnv section (the settings it sets when installed, as device set would):")
	for _, l := range env {
		if l.Bad != "" {
			fmt.Fprintf(w, "  %s  (%s: skipped)\n", l.Name, l.Bad)
			continue
		}
		fmt.Fprintf(w, "  %s=%s\n", l.Name, l.Value)
	}
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
		jb.OK = b.ShapeError() == nil
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
	Name        string      `json:"name"`
	OK          bool        `json:"ok"`
	Signer      *jsonSigner `json:"signer,omitempty"` // the block's signer as every --json output names it
	Key         string      `json:"key,omitempty"`
	KeyID       string      `json:"key_id,omitempty"`
	Fingerprint string      `json:"fingerprint,omitempty"`
	KeyFile     string      `json:"key_file,omitempty"`
	Hash        string      `json:"hash,omitempty"`
	Created     string      `json:"created"`
	CreatedUnix uint32      `json:"created_unix"`
	Status      int         `json:"status"`
	Text        string      `json:"text"`
	Error       string      `json:"error,omitempty"`
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
read once; a section whose block a given key made is hashed with the hash that block names (its
blocks are read first), any other section with SHA-1 and SHA-256, so blocks of either generation
are checked.
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
			var keys []*imagefmt.Key
			fileOf := map[*imagefmt.Key]string{}
			var jkeys []verifyKey
			for _, kf := range keyFiles {
				ks, err := loadKeysFlag(kf, "--key")
				if err != nil {
					return err
				}
				for _, k := range ks {
					keys = append(keys, k)
					fileOf[k] = kf
					jkeys = append(jkeys, verifyKey{File: kf, Name: k.Name, UserID: k.UserID, KeyID: k.IDString(), Fingerprint: k.FingerprintString()})
				}
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
					vb.Signer = signerOf(c.Key)
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
					"expected_hash": imagefmt.HashName(imagefmt.DefaultHash(hdr.Model)),
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
	requireFlag(cmd, "key", "give at least one public key with --key PUB")
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
	if want := imagefmt.HashName(imagefmt.DefaultHash(hdr.Model)); otherHash(blocks, want) != "" {
		fmt.Fprintf(w, "Note: blocks are made with %s; %s boxes read only %s blocks and refuse this image (image check %s shows every box's verdict).\n",
			otherHash(blocks, want), hdr.Model, want, path)
	}
	if failed == 0 {
		fmt.Fprintf(w, "All %d signature blocks verify.\n", len(blocks))
	} else {
		fmt.Fprintf(w, "%d of %d signature blocks do not verify.\n", failed, len(blocks))
	}
}

// otherHash is a hash a verified block was made with other than want, or "".
func otherHash(blocks []verifyBlock, want string) string {
	for _, b := range blocks {
		if b.Hash != "" && b.Hash != want {
			return b.Hash
		}
	}
	return ""
}
