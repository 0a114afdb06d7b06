package updateserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

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
