package classroom

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkClassUpdates connects n trainees at once, then has every one of
// them run an update through the Bootloader's USB Bootstrap, all in the
// same few seconds. It reports the heap per connected trainee (the server's
// and the in-process SSH clients' together, so an upper bound), and the
// slowest and the 99th percentile time from a key to the next frame while
// the updates run, and the slowest frame after the Enter that starts an
// update (max-start-ms) apart from the other keys' (max-key-ms). Run it on
// one core with -cpu 1.
//
// The clients measure the server: a client sleeps until bytes come (no
// polling), and reads no screen while a key is timed. Every box lives in a
// folder under TMPDIR and each step is written through with fsync, so the
// figures follow that disk: TMPDIR=/dev/shm leaves the disk out.
//
// Two ways of typing: "together" has every trainee press each key at the
// same instant (a worst case no class produces: n frames are owed at once),
// "staggered" has each trainee type at a person's pace (a key every
// keyGap), the trainees' starts spread over one keyGap.
func BenchmarkClassUpdates(b *testing.B) {
	for _, typing := range []string{"together", "staggered"} {
		for _, n := range []int{10, 50} {
			b.Run(fmt.Sprintf("%s/trainees=%d", typing, n), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					benchClass(b, n, typing == "staggered")
				}
			})
		}
	}
}

// keyGap is a person's pace on a remote control in the staggered run.
const keyGap = 400 * time.Millisecond

func benchClass(b *testing.B, n int, staggered bool) {
	c := startClass(b, Config{MaxSessions: n + 2})
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	f := typeUpdates(b, c, n, staggered, heap, 30*time.Second)
	f.report(b)
}

// classFigures are what a run of typeUpdates measured.
type classFigures struct {
	perTrainee float64 // heap bytes per connected trainee
	frames     []time.Duration
	starts     []time.Duration // the frames after the Enter that starts an update
	others     []time.Duration // the frames after every other key
}

func (f classFigures) report(b *testing.B) {
	b.ReportMetric(f.perTrainee/(1<<20), "MiB/trainee")
	b.ReportMetric(ms(slices.Max(f.frames)), "max-frame-ms")
	b.ReportMetric(ms(f.frames[len(f.frames)*99/100]), "p99-frame-ms")
	b.ReportMetric(ms(slices.Max(f.starts)), "max-start-ms")
	b.ReportMetric(ms(slices.Max(f.others)), "max-key-ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// typeUpdates connects n trainees to c, then has each run a USB Bootstrap
// by keys and times every frame. heap reads the server's heap in use; the
// update may take up to finish.
func typeUpdates(b *testing.B, c *class, n int, staggered bool, heap func() uint64, finish time.Duration) classFigures {
	before := heap()
	terms := make([]*terminal, n)
	for i := range terms {
		terms[i] = c.trainee(b, fmt.Sprintf("t%02d", i), 100, 30)
	}
	for _, term := range terms {
		if err := term.await("Press m (MENU)", 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
	f := classFigures{perTrainee: float64(int64(heap())-int64(before)) / float64(n)}

	var mu sync.Mutex
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for ti, term := range terms {
		wg.Add(1)
		go func(term *terminal, offset time.Duration) {
			defer wg.Done()
			time.Sleep(offset)
			keys := []string{"m", "down", "down", "down", "down", "down", "down", "down", "right", "enter", "enter"}
			waits := map[int]string{0: "Exit & Discard", 8: "USB Bootstrap", 9: "OK installs", 10: "Update finished OK"}
			for i, k := range keys {
				if staggered && i > 0 {
					time.Sleep(keyGap)
				}
				d, err := term.timedPress(k)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				f.frames = append(f.frames, d)
				if i == startKey {
					f.starts = append(f.starts, d)
				} else {
					f.others = append(f.others, d)
				}
				mu.Unlock()
				if w, ok := waits[i]; ok {
					limit := 30 * time.Second
					if i == startKey {
						limit = finish
					}
					if err := term.await(w, limit); err != nil {
						errs <- err
						return
					}
				}
			}
		}(term, stagger(staggered, ti, n))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Error(err)
	}
	sort.Slice(f.frames, func(i, j int) bool { return f.frames[i] < f.frames[j] })
	if len(f.frames) == 0 || len(f.starts) == 0 || len(f.others) == 0 {
		b.Fatal("no frame was timed")
	}
	return f
}

// startKey is the index of the key that starts the update: the Enter on
// the Bootloader's "OK installs".
const startKey = 10

// stagger is trainee i's start in a staggered run: the starts spread over one keyGap.
func stagger(on bool, i, n int) time.Duration {
	if !on {
		return 0
	}
	return keyGap * time.Duration(i) / time.Duration(n)
}

// timedPress types one key and returns how long the next frame took.
func (term *terminal) timedPress(k string) (time.Duration, error) {
	s, ok := keyNames[k]
	if !ok {
		s = k
	}
	term.mark = term.out.Len()
	written := term.out.written()
	start := time.Now()
	if _, err := term.in.Write([]byte(s)); err != nil {
		return 0, fmt.Errorf("%s: typing %q: %v", term.name, k, err)
	}
	select {
	case <-written:
		return time.Since(start), nil
	case <-time.After(20 * time.Second):
		return 0, fmt.Errorf("%s: no frame after %q", term.name, k)
	}
}

// await is waitFor for other goroutines than the test's: it returns an error.
func (term *terminal) await(text string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for !strings.Contains(term.screen(), text) {
		if time.Now().After(deadline) {
			return errors.New(term.name + ": the screen never showed " + text)
		}
		// reading the screen emulates the whole terminal: a slow poll keeps
		// the clients' work, which shares the one core, off the measure
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
