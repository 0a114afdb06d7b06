package imagefmt

import (
	"crypto"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchImageSize is the RootFS size of the benchmark image.
const benchImageSize = 256 << 20

var benchHashes = []crypto.Hash{crypto.SHA1, crypto.SHA256}

// BenchmarkVerify streams a 256 MiB image through NewReader, ReadAll and
// Verify, for each hash generation; compare with BenchmarkRawHash.
func BenchmarkVerify(b *testing.B) {
	signer := demoKey(b, "stb_public.sec.asc")
	keys := []*Key{signer.PublicOnly()}
	for _, alg := range benchHashes {
		path, size := buildLargeFile(b, b.TempDir(), benchImageSize, alg, signer)
		b.Run(HashName(alg), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				verifyOnce(b, path, keys, alg)
			}
		})
		os.Remove(path)
	}
	// Both hashes at once, as `image verify` computes them.
	path, size := buildLargeFile(b, b.TempDir(), benchImageSize, crypto.SHA256, signer)
	b.Run("SHA-1+SHA-256", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			verifyOnce(b, path, keys, crypto.SHA1, crypto.SHA256)
		}
	})
	os.Remove(path)
}

func verifyOnce(b *testing.B, path string, keys []*Key, algs ...crypto.Hash) {
	f, err := OpenFile(path, algs...)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := f.ReadAll(); err != nil {
		b.Fatal(err)
	}
	for _, c := range f.Verify(keys) {
		if !c.OK() {
			b.Fatalf("%s: %v", c.Name, c.Err)
		}
	}
}

// verifyAsCLI verifies the image at path as `image verify` does and checks
// that every block verifies with alg.
func verifyAsCLI(b *testing.B, path string, keys []*Key, alg crypto.Hash) {
	_, checks, err := VerifyFile(path, keys, crypto.SHA1, crypto.SHA256)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range checks {
		if !c.OK() || c.Hash != alg {
			b.Fatalf("%s: %v (%s)", c.Name, c.Err, HashName(c.Hash))
		}
	}
}

// BenchmarkRawHash hashes the same bytes from the same file with the same
// buffer size and nothing else: the speed verification is measured against.
func BenchmarkRawHash(b *testing.B) {
	signer := demoKey(b, "stb_public.sec.asc")
	for _, alg := range benchHashes {
		path, size := buildLargeFile(b, b.TempDir(), benchImageSize, alg, signer)
		b.Run(HashName(alg), func(b *testing.B) {
			b.SetBytes(size)
			buf := make([]byte, readBufferSize)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				h := alg.New()
				if _, err := io.CopyBuffer(h, onlyReader{f}, buf); err != nil {
					b.Fatal(err)
				}
				h.Sum(nil)
				f.Close()
			}
		})
		os.Remove(path)
	}
}

// onlyReader hides WriterTo/ReaderFrom so that CopyBuffer uses the buffer.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// heapUse streams and verifies the image at path and returns the bytes
// allocated while doing so and the peak heap in use, sampled every millisecond.
func heapUse(t *testing.T, path string, keys []*Key) (alloc, peak uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var max atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > max.Load() {
				max.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	_, checks, err := VerifyFile(path, keys, crypto.SHA1, crypto.SHA256)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if !c.OK() {
			t.Fatalf("%s: %v", c.Name, c.Err)
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, max.Load() - min(max.Load(), before.HeapInuse)
}

// TestMemoryDoesNotGrowWithImageSize verifies a 64 MiB and a 512 MiB image
// and checks that the second allocates less than 2 MiB more than the first:
// the reader streams with fixed buffers.
func TestMemoryDoesNotGrowWithImageSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 576 MiB of images; skipped with -short")
	}
	signer := demoKey(t, "stb_public.sec.asc")
	keys := []*Key{signer.PublicOnly()}
	dir := t.TempDir()
	var allocs, peaks [2]uint64
	for i, size := range []int64{64 << 20, 512 << 20} {
		path, _ := buildLargeFile(t, dir, size, crypto.SHA256, signer)
		allocs[i], peaks[i] = heapUse(t, path, keys)
		t.Logf("%4d MiB image: %7.1f KiB allocated, peak heap in use +%7.1f KiB", size>>20,
			float64(allocs[i])/1024, float64(peaks[i])/1024)
		os.Remove(path)
	}
	if d := int64(allocs[1]) - int64(allocs[0]); d > 2<<20 {
		t.Errorf("verifying 512 MiB allocates %d bytes more than 64 MiB; the reader must not grow with the image", d)
	}
}

// BenchmarkVerifyVsRaw alternates a verification as `image verify` makes it
// (VerifyFile offered SHA-1 and SHA-256: the blocks are read first, so each
// section is hashed once) and a raw hash of the same 256 MiB file in every
// iteration, so that both see the same machine load, and reports each one's
// speed by wall clock and by process CPU time, and the ratio verify/raw
// (1.0: as fast as hashing alone). stream-cpu-ratio is the same for a read
// that hashes with both (a stream, or a file whose signer is not given).
//
//	go test -run '^$' -bench VerifyVsRaw -benchtime 3x ./imagefmt
func BenchmarkVerifyVsRaw(b *testing.B) {
	signer := demoKey(b, "stb_public.sec.asc")
	keys := []*Key{signer.PublicOnly()}
	for _, alg := range benchHashes {
		path, size := buildLargeFile(b, b.TempDir(), benchImageSize, alg, signer)
		b.Run(HashName(alg), func(b *testing.B) {
			buf := make([]byte, readBufferSize)
			var wallV, wallR, cpuV, cpuR, cpuS time.Duration
			for b.Loop() {
				c0, t0 := cpuTime(), time.Now()
				verifyAsCLI(b, path, keys, alg)
				c1, t1 := cpuTime(), time.Now()
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				h := alg.New()
				if _, err := io.CopyBuffer(h, onlyReader{f}, buf); err != nil {
					b.Fatal(err)
				}
				h.Sum(nil)
				f.Close()
				c2, t2 := cpuTime(), time.Now()
				wallV, wallR = wallV+t1.Sub(t0), wallR+t2.Sub(t1)
				cpuV, cpuR = cpuV+c1-c0, cpuR+c2-c1
				// As a stream of unknown signer is read: both hashes.
				verifyOnce(b, path, keys, crypto.SHA1, crypto.SHA256)
				cpuS += cpuTime() - c2
			}
			mbs := func(d time.Duration) float64 { return float64(size) * float64(b.N) / d.Seconds() / 1e6 }
			b.ReportMetric(mbs(wallV), "verify-MB/s")
			b.ReportMetric(mbs(wallR), "raw-MB/s")
			b.ReportMetric(mbs(cpuV), "verify-cpu-MB/s")
			b.ReportMetric(mbs(cpuR), "raw-cpu-MB/s")
			b.ReportMetric(float64(cpuV)/float64(cpuR), "cpu-ratio")
			b.ReportMetric(float64(cpuS)/float64(cpuR), "stream-cpu-ratio")
		})
		os.Remove(path)
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
