package imagefmt

import (
	"bufio"
	"crypto"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// benchFolder writes a RootFS folder of about total bytes into dir: a few
// large files, as a RootFS's libraries and binaries, and many small ones,
// as its configuration, in nested folders.
func benchFolder(b *testing.B, dir string, total int64, smallFiles int) {
	b.Helper()
	seed := uint64(1)
	write := func(name string, size int64) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		seed++
		if err := os.WriteFile(p, randomBytes(seed, int(size)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var small int64
	for i := range smallFiles { // files of 1-8 KiB
		size := int64(1024 + (i*733)%(7*1024))
		write(fmt.Sprintf("etc/conf%d/file%04d.conf", i%50, i), size)
		small += size
	}
	large := (total - small) / 60
	for i := range 60 {
		write(fmt.Sprintf("usr/lib/lib%02d.so", i), large)
	}
}

// buildImageFile builds an image of the RootFS section root into path as
// `image build` does (through a 256 KiB buffer, then fsync) and returns its size.
func buildImageFile(b *testing.B, path string, signer *Key, root SectionSource) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 256<<10)
	root.Kind = RootFS
	spec := BuildSpec{Model: "MAG254", Date: "Thu Feb 21 00:43:44 EET 2019", Version: 219, Description: "bench",
		Hash: crypto.SHA1, Key: signer, Created: testTime, Sections: []SectionSource{root}}
	if _, err := Build(bw, spec); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	n, _ := f.Seek(0, 1)
	return n
}

// BenchmarkBuildFolderVsTar builds the same 256 MiB RootFS, given as a
// folder (streamed as tar) and as that folder's .tar, in turns in every
// iteration so that both see the same machine load; it reports each one's
// speed by wall clock and by process CPU time and the ratios folder/tar
// (1.0: a folder builds as fast as its tar). The third build spools the
// folder's tar to a temporary file first, as a folder build did before it
// streamed ("spool-" figures). The floor-cpu-ratio is the least a folder
// build can cost: the tar build plus a bare loop's stat, open, read and
// close of each file, less the tar build's read of the same bytes.
//
//	go test -run '^$' -bench BuildFolderVsTar -benchtime 3x ./imagefmt
func BenchmarkBuildFolderVsTar(b *testing.B) {
	signer := demoKey(b, "stb_public.sec.asc")
	// 60 large files, then the same with 2000 small ones beside them: the
	// difference is what opening and reading a file costs.
	for _, small := range []int{0, 2000} {
		b.Run(fmt.Sprintf("%d-files", 60+small), func(b *testing.B) {
			benchBuildFolderVsTar(b, signer, small)
		})
	}
}

func benchBuildFolderVsTar(b *testing.B, signer *Key, smallFiles int) {
	dir := b.TempDir()
	folder := filepath.Join(dir, "rootfs")
	benchFolder(b, folder, benchImageSize, smallFiles)
	tarPath := filepath.Join(dir, "rootfs.tar")
	tf, err := NewTarFolder(folder, nil, testTime)
	if err != nil {
		b.Fatal(err)
	}
	tarFile, err := os.Create(tarPath)
	if err != nil {
		b.Fatal(err)
	}
	tw := bufio.NewWriterSize(tarFile, 256<<10)
	if _, err := tf.WriteTo(tw); err != nil {
		b.Fatal(err)
	}
	tw.Flush()
	tarFile.Close()
	out := filepath.Join(dir, "out.img")

	fromTar := func() int64 {
		f, err := os.Open(tarPath)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		return buildImageFile(b, out, signer, SectionSource{Data: f, Size: tf.Size()})
	}
	fromFolder := func() int64 {
		tf, err := NewTarFolder(folder, nil, testTime)
		if err != nil {
			b.Fatal(err)
		}
		return buildImageFile(b, out, signer, SectionSource{From: tf, Size: tf.Size()})
	}
	spooled := func() int64 {
		tmp, err := os.CreateTemp(dir, ".rootfs-*.tmp")
		if err != nil {
			b.Fatal(err)
		}
		defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
		bw := bufio.NewWriterSize(tmp, 256<<10)
		if err := WriteRootFS(bw, folder, nil, testTime); err != nil {
			b.Fatal(err)
		}
		bw.Flush()
		size, _ := tmp.Seek(0, 1)
		tmp.Seek(0, 0)
		return buildImageFile(b, out, signer, SectionSource{Data: tmp, Size: size})
	}
	// The floor: what a folder build must do that a tar build does not, as
	// a bare loop would do it (list and stat each entry; open, read and close
	// each file, by raw system calls), less the tar build's own read of the
	// same bytes from one file.
	var size int64
	buf := make([]byte, readBufferSize)
	readAll := func(path string) {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		for {
			n, err := syscall.Read(fd, buf)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		syscall.Close(fd)
	}
	bareLoop := func() int64 {
		err := filepath.WalkDir(folder, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err == nil && info.Mode().IsRegular() {
				readAll(p)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return size
	}
	tarRead := func() int64 { readAll(tarPath); return size }
	var wall, cpu [5]time.Duration
	for b.Loop() {
		for i, build := range []func() int64{fromTar, fromFolder, spooled, bareLoop, tarRead} {
			os.Remove(out) // dropping the last image's pages is no build's cost
			c0, t0 := cpuTime(), time.Now()
			n := build()
			wall[i] += time.Since(t0)
			cpu[i] += cpuTime() - c0
			if size != 0 && n != size {
				b.Fatalf("the builds differ in size: %d and %d", size, n)
			}
			size = n
		}
	}
	mbs := func(d time.Duration) float64 { return float64(size) * float64(b.N) / d.Seconds() / 1e6 }
	b.ReportMetric(mbs(wall[0]), "tar-MB/s")
	b.ReportMetric(mbs(wall[1]), "folder-MB/s")
	b.ReportMetric(float64(wall[1])/float64(wall[0]), "wall-ratio")
	b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-ratio")
	b.ReportMetric(float64(wall[2])/float64(wall[0]), "spool-wall-ratio")
	b.ReportMetric(float64(cpu[2])/float64(cpu[0]), "spool-cpu-ratio")
	b.ReportMetric(float64(cpu[0]+cpu[3]-cpu[4])/float64(cpu[0]), "floor-cpu-ratio")
}
