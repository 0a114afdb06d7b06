package device_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

// BenchmarkUpdate256MiB installs the same 256 MiB image from a USB folder and
// over loopback HTTP from the update server, to compare the two paths; the
// http-vs-usb run installs from both in turns in every iteration, so that
// both see the same machine load, and reports HTTP's speed as a share of
// USB's by wall clock and by process CPU time (server included):
//
//	go test -run '^$' -bench Update256MiB -benchtime 3x ./device/
func BenchmarkUpdate256MiB(b *testing.B) {
	m, err := device.LookupModel("MAG254")
	if err != nil {
		b.Fatal(err)
	}
	keys, err := demoimage.LoadKeys()
	if err != nil {
		b.Fatal(err)
	}
	stick := b.TempDir()
	file := filepath.Join(stick, m.USBFolder(), "imageupdate")
	os.MkdirAll(filepath.Dir(file), 0o755)
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	spec := demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 1, Tag: "pub", RootFSSize: 256 << 20}
	if err := demoimage.Build(f, keys, m.DemoModel(), spec); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(file)
	rs, err := updateserver.Start(stick, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	sources := []struct {
		name string
		src  device.Source
	}{
		{"usb", device.USBSource(stick, m)},
		{"http", device.HTTPSource(rs.URL + "/" + m.USBFolder() + "/imageupdate")},
	}
	b.Run("http-vs-usb", func(b *testing.B) {
		box, err := device.Init(filepath.Join(b.TempDir(), "box"), device.InitOptions{Model: "MAG254"})
		if err != nil {
			b.Fatal(err)
		}
		var wall, cpu [2]time.Duration
		for b.Loop() {
			for i, s := range sources {
				c0, t0 := cpuTime(), time.Now()
				r := box.Update(context.Background(), s.src, device.UpdateOptions{Path: device.PathBoot, Force: true})
				wall[i] += time.Since(t0)
				cpu[i] += cpuTime() - c0
				if r.Status != device.StatusFinishedOK {
					b.Fatalf("%s: %v: %s", s.name, r.Status, r.Explain)
				}
			}
		}
		mbs := func(d time.Duration) float64 { return float64(fi.Size()) * float64(b.N) / d.Seconds() / 1e6 }
		b.ReportMetric(mbs(wall[0]), "usb-MB/s")
		b.ReportMetric(mbs(wall[1]), "http-MB/s")
		b.ReportMetric(100*float64(wall[0])/float64(wall[1]), "http-%-of-usb")
		b.ReportMetric(100*float64(cpu[0])/float64(cpu[1]), "http-cpu-%-of-usb")
	})
	for _, s := range sources {
		b.Run(s.name, func(b *testing.B) {
			box, err := device.Init(filepath.Join(b.TempDir(), "box"), device.InitOptions{Model: "MAG254"})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(fi.Size())
			b.ResetTimer()
			for range b.N {
				r := box.Update(context.Background(), s.src, device.UpdateOptions{Path: device.PathBoot, Force: true})
				if r.Status != device.StatusFinishedOK {
					b.Fatalf("%v: %s", r.Status, r.Explain)
				}
			}
		})
	}
}

// TestHTTPvsUSBSpeed installs a 256 MiB image from USB and over HTTP in
// turns and compares the fastest run of each, which is what a busy machine
// disturbs least. It runs only with STB_SPEED=1:
//
//	STB_SPEED=1 go test -run HTTPvsUSBSpeed -v ./device/
//	STB_SPEED=1 STB_SPEED_DIR=/dev/shm go test -run HTTPvsUSBSpeed -v ./device/
func TestHTTPvsUSBSpeed(t *testing.T) {
	if os.Getenv("STB_SPEED") == "" {
		t.Skip("set STB_SPEED=1 to measure")
	}
	m, _ := device.LookupModel("MAG254")
	keys, err := demoimage.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	// STB_SPEED_DIR puts the stick and the box elsewhere, e.g. on a tmpfs
	// (/dev/shm) to take the disk out of the comparison.
	base := t.TempDir()
	if d := os.Getenv("STB_SPEED_DIR"); d != "" {
		var err error
		if base, err = os.MkdirTemp(d, "speed"); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(base)
	}
	stick := filepath.Join(base, "stick")
	file := filepath.Join(stick, m.USBFolder(), "imageupdate")
	os.MkdirAll(filepath.Dir(file), 0o755)
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := demoimage.Build(f, keys, m.DemoModel(), demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 1, Tag: "pub", RootFSSize: 256 << 20}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(file)
	rs, err := updateserver.Start(stick, "127.0.0.1:0", updateserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	url := rs.URL + "/" + m.USBFolder() + "/imageupdate"
	sources := []struct {
		name string
		src  device.Source
	}{
		{"usb", device.USBSource(stick, m)},
		{"http", device.HTTPSource(url)},
		{"http (no read-ahead)", device.HTTPSource(url, device.WithReadAheadForTest(0))},
	}
	box, err := device.Init(filepath.Join(base, "box"), device.InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	best := make([]time.Duration, len(sources))
	cpu := make([]time.Duration, len(sources)) // least CPU (user+system, server included) of one install
	for round := range 6 {
		for i, s := range sources {
			cpu0 := cpuTime()
			start := time.Now()
			r := box.Update(context.Background(), s.src, device.UpdateOptions{Path: device.PathBoot, Force: true})
			d := time.Since(start)
			c := cpuTime() - cpu0
			if r.Status != device.StatusFinishedOK {
				t.Fatalf("%s: %v %s", s.name, r.Status, r.Explain)
			}
			if round == 0 || d < best[i] {
				best[i] = d
			}
			if round == 0 || c < cpu[i] {
				cpu[i] = c
			}
		}
	}
	mbps := func(d time.Duration) float64 { return float64(fi.Size()) / d.Seconds() / 1e6 }
	for i, s := range sources {
		t.Logf("%-22s best %v  %.0f MB/s  %.0f%% of USB;  CPU %v (%.0f%% of USB's)", s.name, best[i].Round(time.Millisecond),
			mbps(best[i]), 100*best[0].Seconds()/best[i].Seconds(), cpu[i].Round(time.Millisecond), 100*cpu[i].Seconds()/cpu[0].Seconds())
	}
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
