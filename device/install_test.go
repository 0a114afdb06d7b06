package device

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// cutSource serves an image and cancels the update's context (a power cut)
// after cut bytes.
type cutSource struct {
	data   []byte
	cut    int
	cancel context.CancelFunc
}

func (s *cutSource) String() string { return "test source" }

func (s *cutSource) Open(ctx context.Context) (Opened, error) {
	return Opened{Body: io.NopCloser(&cutReader{s: s, r: bytes.NewReader(s.data)}), Size: int64(len(s.data))}, nil
}

type cutReader struct {
	s *cutSource
	r *bytes.Reader
	n int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := c.r.Read(p)
	c.n += n
	if c.n >= c.s.cut {
		c.s.cancel()
	}
	return n, err
}

func TestPowerCutLeavesOldImage(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	data := f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 2, Tag: "pub", RootFSSize: 2 << 20})
	for _, frac := range []int{1, 3, 5, 7, 9} {
		b := f.box(m, nil, false)
		if r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK {
			t.Fatal(r.Explain)
		}
		ctx, cancel := context.WithCancel(context.Background())
		src := &cutSource{data: data, cut: len(data) * frac / 10, cancel: cancel}
		r := b.Update(ctx, src, UpdateOptions{Path: PathBoot})
		cancel()
		if !r.PowerCut || r.Installed || r.Read >= int64(len(data)) {
			t.Fatalf("cut at %d/10: %+v", frac, r)
		}
		b2, err := Open(b.Home())
		if err != nil {
			t.Fatal(err)
		}
		st := b2.State()
		if st.Active != 1 || st.Banks[0].Valid || !st.Banks[1].Valid {
			t.Errorf("cut at %d/10: banks %+v active %d", frac, st.Banks, st.Active)
		}
		if br := b2.Boot(); !br.OK || br.Bank != 1 || br.Image.Version != m.FactoryVersion+1 {
			t.Errorf("cut at %d/10: boot %+v", frac, br)
		}
		if tmps, _ := filepath.Glob(filepath.Join(b.Home(), "bank0", ".*.tmp")); len(tmps) != 0 {
			t.Errorf("left %v", tmps)
		}
		// Plugged in again, the update goes through.
		if r := b2.Update(context.Background(), &cutSource{data: data, cut: len(data) + 1, cancel: func() {}}, UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK {
			t.Errorf("after the cut: %d %s", r.Status, r.Explain)
		}
	}
}

func TestUpdateReadsTheImageOnce(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG420")
	data := f.image(m, demoimage.Spec{Signer: "stb_public", Custom: "custom_beta", Version: m.FactoryVersion + 1, Tag: "b", RootFSSize: 3 << 20})
	b := f.box(m, nil, false)
	stick := f.stick(m, data)
	r := b.Update(context.Background(), USBSource(stick, m), UpdateOptions{Path: PathBoot})
	if r.Status != StatusFinishedOK || r.Read != int64(len(data)) {
		t.Fatalf("%d, read %d of %d", r.Status, r.Read, len(data))
	}
	got, _ := os.ReadFile(b.BankFile(1))
	if !bytes.Equal(got, data) {
		t.Error("the bank does not hold the image")
	}
	if r.Image.Kind != KindCustom || r.Image.CustomKey == "" {
		t.Errorf("custom key not learned: %+v", r.Image)
	}
}

func TestConcurrentChangeIsRefused(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	h, err := openHome(b.Home())
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := lockFile(h)
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := stateBytes(t, b)
	r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathBoot})
	if r.Installed || r.Status != StatusInternal || !bytes.Contains([]byte(r.Explain), []byte("another program")) {
		t.Fatalf("got %+v", r)
	}
	if err := b.SaveSettings(map[string]string{"tvsystem": "PAL"}); err == nil {
		t.Error("settings saved while another program holds the box")
	}
	unlock()
	if string(stateBytes(t, b)) != string(before) {
		t.Error("state changed")
	}
	if r := f.update(b, f.named(m, "public"), UpdateOptions{Path: PathBoot}); r.Status != StatusFinishedOK {
		t.Fatalf("after unlock: %d %s", r.Status, r.Explain)
	}
}

// TestReadWhileUpdating reads the box from other goroutines while an update
// runs, as the screens do (run with -race).
func TestReadWhileUpdating(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	b := f.box(m, nil, false)
	data := f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 1, Tag: "pub", RootFSSize: 2 << 20})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = b.State()
			_ = b.Printenv()
			_ = b.Boot()
			_ = b.Trusted(PathPortal)
		}
	}()
	r := f.update(b, data, UpdateOptions{Path: PathBoot, Progress: func(Progress) { _ = b.Running() }})
	close(stop)
	<-done
	if r.Status != StatusFinishedOK {
		t.Fatalf("%d %s", r.Status, r.Explain)
	}
}
