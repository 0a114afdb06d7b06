package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// TestDefaultRunDemoKit: the default run's stick and server hold what the
// statuses 1 and 27 need: an uncertified key in keys/, and an image the
// server delivers cut short.
func TestDefaultRunDemoKit(t *testing.T) {
	m, _ := device.LookupModel("MAG254")
	dir := t.TempDir()
	box, err := device.Init(filepath.Join(dir, "box"), device.InitOptions{Model: m.Name})
	if err != nil {
		t.Fatal(err)
	}
	stick := filepath.Join(dir, "usb")
	if err := demokit.WriteStick(stick, m); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(stick, "keys", "uncertified.key"))
	if err != nil {
		t.Fatal(err)
	}
	if res := box.InstallOperatorKey(key); res.Status != device.StatusSignatureInit || res.Installed {
		t.Errorf("keys/uncertified.key: %d %s, want 1", res.Status, res.Text)
	}
	srvDir := filepath.Join(dir, "server")
	if err := demokit.WriteServer(srvDir, m); err != nil {
		t.Fatal(err)
	}
	srv, err := updateserver.Start(srvDir, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	res := box.Update(context.Background(), device.HTTPSource(srv.URL+"/"+demokit.ServerVariants+"/cut-short"), device.UpdateOptions{Path: device.PathPortal})
	if res.Status != device.StatusReadError {
		t.Errorf("the server's cut-short: %d %s, want 27", res.Status, res.Text)
	}
}
