package updateserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/assets"
	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// htKey loads a demo secret key.
func htKey(t testing.TB, name string) *imagefmt.Key {
	t.Helper()
	data, err := fs.ReadFile(assets.Keys(), name+".sec.asc")
	if err != nil {
		t.Fatal(err)
	}
	k, err := imagefmt.LoadKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// htImageSpec describes a small test image.
type htImageSpec struct {
	Model   string
	Version int
	Date    time.Time
	Desc    string
	RootFS  int64 // RootFS data bytes
	Key     *imagefmt.Key
}

// htImage makes a signed image with a Kernel and a RootFS section of zeros.
func htImage(t testing.TB, s htImageSpec) []byte {
	t.Helper()
	if s.Model == "" {
		s.Model = "MAG254"
	}
	if s.RootFS == 0 {
		s.RootFS = 4096
	}
	var b bytes.Buffer
	_, err := imagefmt.Build(&b, imagefmt.BuildSpec{
		Model: s.Model, Date: imagefmt.FormatHeaderDate(s.Date), Version: s.Version, Description: s.Desc,
		Key: s.Key, Created: s.Date,
		Sections: []imagefmt.SectionSource{
			{Kind: imagefmt.Kernel, Data: bytes.NewReader(make([]byte, 1024)), Size: 1024},
			{Kind: imagefmt.RootFS, Data: io.LimitReader(zeros{}, s.RootFS), Size: s.RootFS},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

var eet = time.FixedZone("EET", 2*3600)

// htWriteImage builds an image into dir/rel.
func htWriteImage(t testing.TB, dir, rel string, s htImageSpec) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, htImage(t, s), 0o644); err != nil {
		t.Fatal(err)
	}
}

type htLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *htLog) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *htLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func htGet(t testing.TB, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// htConsume reads a source as the install pipeline does (header, every
// section, the global block) and returns the status it ends with: 16 when the
// whole image arrived and its layout is right.
func htConsume(ctx context.Context, src device.Source) (device.Status, error) {
	op, err := src.Open(ctx)
	if err != nil {
		return device.StatusOf(err), err
	}
	defer op.Body.Close()
	rd, err := imagefmt.NewReader(op.Body, op.LayoutSize())
	if err == nil {
		err = rd.ReadAll()
	}
	if err != nil {
		return device.StatusOf(err), err
	}
	return device.StatusFinishedOK, nil
}
