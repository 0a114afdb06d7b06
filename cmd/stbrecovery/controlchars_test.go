package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// rawControl reports whether out holds a control character that would act
// on a terminal (all but line breaks and tabs).
func rawControl(out string) bool {
	for _, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return true
		}
	}
	return false
}

// TestUSBFolderNameNeverReachesTheTerminalRaw protects the terminal from a
// USB folder whose name carries escape sequences (set the window title,
// clear the screen): device update shows the name escaped, in text, in JSON
// and in the error of a stick with no image.
func TestUSBFolderNameNeverReachesTheTerminalRaw(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := ramDir(t)
	home := filepath.Join(dir, "box")
	if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	const hostile = "\x1b]0;owned\x07\x1b[2J\rX"
	const shown = `\x1b]0;owned\x07\x1b[2J\rX`
	// A stick whose own path carries the sequences, with no image on it.
	bare := filepath.Join(dir, "stick"+hostile)
	if err := os.MkdirAll(bare, 0o755); err != nil {
		t.Fatal(err)
	}
	// A stick whose model folder is misnamed with them: the box names it.
	misnamed := ramDir(t)
	writeFile(t, filepath.Join(misnamed, m.USBFolder()+hostile, "imageupdate"), demoImage(t, m, "public", 0))
	// The stick's own folder is never shown: paths read USB:/mag254/imageupdate.
	onStick := "USB:/" + m.USBFolder() + "/imageupdate"
	cases := []struct {
		name  string
		stick string
		json  bool
		want  string
	}{
		{"the stick's path, text", bare, false, onStick},
		{"the stick's path, json", bare, true, onStick},
		{"a misnamed model folder, text", misnamed, false, shown},
		{"a misnamed model folder, json", misnamed, true, shown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"device", "update", "--home", home, "--usb", c.stick}
			if c.json {
				args = append(args, "--json")
			}
			code, out, errOut := runCLI(t, args...)
			if code == exitOK {
				t.Fatalf("exit 0 with no image in place")
			}
			all := out + errOut
			if rawControl(all) {
				t.Fatalf("a raw control character reached the terminal: %q", all)
			}
			if !c.json {
				if !strings.Contains(all, c.want) {
					t.Fatalf("the message does not show %s: %q", c.want, all)
				}
				return
			}
			var res device.Result
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			if rawControl(res.Explain) || !strings.Contains(res.Explain, c.want) {
				t.Fatalf("the JSON explain does not show %s: %q", c.want, res.Explain)
			}
		})
	}
}

// TestDescriptionWithCarriageReturnShownEscaped protects the lines of image
// info and device show from a signed description holding "\r", which would
// move the cursor back and overwrite what the line said.
func TestDescriptionWithCarriageReturnShownEscaped(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := ramDir(t)
	data, err := fs.ReadFile(assets.Keys(), "stb_public.sec.asc")
	if err != nil {
		t.Fatal(err)
	}
	key, err := imagefmt.LoadKey(data)
	if err != nil {
		t.Fatal(err)
	}
	rootfs := make([]byte, 4096)
	rand.Read(rootfs)
	const desc = "0.2.18-pub-254\rVerified by the manufacturer"
	const shown = `0.2.18-pub-254\rVerified by the manufacturer`
	var img bytes.Buffer
	if _, err := imagefmt.Build(&img, imagefmt.BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 219,
		Description: desc, Key: key, Created: time.Unix(1550702624, 0),
		Sections: []imagefmt.SectionSource{{Kind: imagefmt.RootFS, Data: bytes.NewReader(rootfs), Size: int64(len(rootfs))}}}); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, filepath.Join(dir, "image.img"), img.Bytes())
	home := filepath.Join(dir, "box")
	if code, _, errOut := runCLI(t, "device", "init", "--home", home, "--model", "MAG254"); code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	if code, out, errOut := runCLI(t, "device", "update", "--home", home, "--usb", stickWith(t, m, img.Bytes())); code != exitOK {
		t.Fatalf("the image does not install: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"image", "info", file}, {"image", "info", file, "--json"},
		{"device", "show", "--home", home}, {"device", "show", "--home", home, "--json"},
	} {
		t.Run(strings.Join(args[:2], " ")+map[bool]string{true: " json"}[args[len(args)-1] == "--json"], func(t *testing.T) {
			code, out, errOut := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d %s", code, errOut)
			}
			if rawControl(out + errOut) {
				t.Fatalf("a raw control character reached the terminal: %q", out)
			}
			if !strings.Contains(out, shown) && !strings.Contains(out, strings.ReplaceAll(shown, `\`, `\\`)) {
				t.Fatalf("the description is not shown escaped: %q", out)
			}
		})
	}
}
