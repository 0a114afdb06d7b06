package device

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when slept on.
type fakeClock struct {
	t      time.Time
	slept  time.Duration
	sleeps int
	// cancel, when set, is called once the clock has slept past cutAt.
	cutAt  time.Duration
	cancel context.CancelFunc
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.t = c.t.Add(d)
	c.slept += d
	c.sleeps++
	if c.cancel != nil && c.slept >= c.cutAt {
		c.cancel()
		return context.Canceled
	}
	return nil
}

func (c *fakeClock) pace(p Pace) Pace {
	p.Now, p.Sleep = c.now, c.sleep
	return p
}

func TestPaceFor(t *testing.T) {
	m, _ := LookupModel("MAG254")
	for _, tc := range []struct {
		name string
		rate int64
		err  bool
	}{
		{"real", 3 * MiB, false},
		{"REAL", 3 * MiB, false},
		{"fast", 3 * MiB * fastFactor, false},
		{"instant", 0, false},
		{"", 0, false},
		{"slow", 0, true},
	} {
		p, err := PaceFor(m, tc.name)
		if (err != nil) != tc.err || p.Rate != tc.rate {
			t.Errorf("PaceFor(%q) = %+v, %v; want rate %d, error %v", tc.name, p, err, tc.rate, tc.err)
		}
	}
}

// TestPaceCatalogue: every model has a write rate and a release image size,
// and at the real pace a demo image (a few hundred KiB) is written in 15 to
// 30 seconds, as the release image would be.
func TestPaceCatalogue(t *testing.T) {
	f := newFixture(t)
	for _, m := range Catalogue() {
		if m.WriteRate <= 0 || m.ImageSize <= 0 {
			t.Errorf("%s: write rate %d, image size %d", m.Name, m.WriteRate, m.ImageSize)
			continue
		}
		p, _ := PaceFor(m, PaceReal)
		size := int64(len(f.named(m, "public")))
		if d := p.Duration(size); d < 15*time.Second || d > 30*time.Second {
			t.Errorf("%s: a demo image of %d bytes is written in %v at the real pace", m.Name, size, d)
		}
		if d := p.Duration(m.ImageSize * 2); d < 2*p.Duration(m.ImageSize)*9/10 {
			t.Errorf("%s: an image twice the release size takes %v", m.Name, d)
		}
	}
}

func TestPacerWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pace  Pace
		size  int64 // the image's size as the writer knows it
		bytes int
		want  time.Duration
	}{
		{"instant", Pace{}, 4096, 4096, 0},
		{"rate", Pace{Rate: 1000}, 4000, 4000, 4 * time.Second},
		{"stands for a bigger image", Pace{Rate: 1000, Stands: 8000}, 4000, 4000, 8 * time.Second},
		{"bigger than it stands for", Pace{Rate: 1000, Stands: 2000}, 4000, 4000, 4 * time.Second},
		{"size not known", Pace{Rate: 1000, Stands: 8000}, -1, 4000, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Unix(0, 0)}
			pc := newPacer(clock.pace(tc.pace), tc.size)
			var out bytes.Buffer
			ticks := 0
			n, err := pc.write(context.Background(), &out, make([]byte, tc.bytes), func(int) { ticks++ })
			if err != nil || n != tc.bytes || out.Len() != tc.bytes {
				t.Fatalf("wrote %d (%d) err %v", n, out.Len(), err)
			}
			if diff := clock.slept - tc.want; diff < -time.Millisecond || diff > time.Millisecond {
				t.Errorf("slept %v, want %v", clock.slept, tc.want)
			}
			if tc.want > 0 && ticks < 4 {
				t.Errorf("%d progress ticks for a paced write: the bar would jump", ticks)
			}
		})
	}
}

// TestPacedUpdate: a paced update takes the pace's time on its clock, and a
// power cut in the middle of it leaves the written bank invalid and the
// running image as it was.
func TestPacedUpdate(t *testing.T) {
	f := newFixture(t)
	m := f.model("MAG254")
	data := f.named(m, "public")
	p, _ := PaceFor(m, PaceReal)
	want := p.Duration(int64(len(data)))

	b := f.box(m, nil, false)
	clock := &fakeClock{t: time.Unix(0, 0)}
	var last Progress
	events := 0
	res := f.update(b, data, UpdateOptions{Pace: clock.pace(p), Progress: func(pr Progress) {
		events++
		if pr.Done > 0 {
			last = pr
		}
	}})
	if !res.Installed {
		t.Fatalf("not installed: %d %s", res.Status, res.Explain)
	}
	if d := clock.slept - want; d < -want/20 || d > want/20 {
		t.Errorf("the paced write took %v on its clock, want about %v", clock.slept, want)
	}
	if events < 50 || last.Done != int64(len(data)) {
		t.Errorf("%d progress events, last %+v", events, last)
	}

	b = f.box(m, nil, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cut := &fakeClock{t: time.Unix(0, 0), cutAt: want / 2, cancel: cancel}
	res = b.Update(ctx, USBSource(f.stick(m, data), m), UpdateOptions{Pace: cut.pace(p)})
	if res.Installed || !res.PowerCut {
		t.Fatalf("a cut mid-write: installed %v, power cut %v (%d %s)", res.Installed, res.PowerCut, res.Status, res.Explain)
	}
	st := b.State()
	if st.Active != 0 || st.Banks[1].Valid || !st.Banks[0].Valid {
		t.Errorf("after the cut: active %d, banks %v %v", st.Active, st.Banks[0].Valid, st.Banks[1].Valid)
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Error("the cut did not happen")
	}
}
