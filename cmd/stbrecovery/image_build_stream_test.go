package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// TestImageBuildFolderStreams: an image built from a RootFS folder (streamed
// as tar, no temporary file) is byte for byte the image built from the same
// folder packed into a .tar first, public and custom, and leaves nothing
// beside --out.
func TestImageBuildFolderStreams(t *testing.T) {
	keys := demoKeys(t)
	dir := t.TempDir()
	rootDir := filepath.Join(dir, "rootfs")
	writeFile(t, filepath.Join(rootDir, "etc", "hostname"), []byte("mag\n"))
	writeFile(t, filepath.Join(rootDir, "etc", "custom_key.pub"), []byte("an old key\n"))
	writeFile(t, filepath.Join(rootDir, "usr", "bin", "app"), bytes.Repeat([]byte("app"), 70000))
	writeFile(t, filepath.Join(rootDir, strings.Repeat("long", 30), "file"), []byte("x"))
	date := "Thu Feb 21 00:43:44 EET 2019"
	d, err := imagefmt.ParseHeaderDate(date)
	if err != nil {
		t.Fatal(err)
	}
	tarPath := filepath.Join(dir, "rootfs.tar")
	var tarBytes bytes.Buffer
	if err := imagefmt.WriteRootFS(&tarBytes, rootDir, nil, d.Time); err != nil {
		t.Fatal(err)
	}
	writeFile(t, tarPath, tarBytes.Bytes())

	for _, custom := range []string{"", "custom_alpha"} {
		t.Run("custom="+custom, func(t *testing.T) {
			outDir := t.TempDir()
			build := func(rootfs, name string) []byte {
				out := filepath.Join(outDir, name)
				args := []string{"image", "build", "--model", "MAG254", "--version", "219", "--desc", "stream",
					"--rootfs", rootfs, "--key", filepath.Join(keys, "stb_public.sec.asc"), "--out", out, "--date", date}
				if custom != "" {
					args = append(args, "--custom-key", filepath.Join(keys, custom+".sec.asc"))
				}
				if code, _, errs := runCLI(t, args...); code != 0 {
					t.Fatalf("build from %s: %d %s", rootfs, code, errs)
				}
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
			fromDir, fromTar := build(rootDir, "dir.img"), build(tarPath, "tar.img")
			if !bytes.Equal(fromDir, fromTar) {
				t.Errorf("the image built from the folder (%d bytes) differs from the one built from its tar (%d bytes)", len(fromDir), len(fromTar))
			}
			entries, _ := os.ReadDir(outDir)
			if len(entries) != 2 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the output folder holds %v; want only the two images", names)
			}
			if custom == "" {
				return
			}
			code, stdout, errs := runCLI(t, "image", "verify", filepath.Join(outDir, "dir.img"),
				"--key", filepath.Join(keys, "stb_public.pub.asc"), "--key", filepath.Join(keys, custom+".pub.asc"))
			if code != 0 || !strings.Contains(stdout, "All 2 signature blocks verify") {
				t.Errorf("verify the custom image: %d %s %s", code, stdout, errs)
			}
		})
	}
}
