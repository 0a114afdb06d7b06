package classroom

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkClassUpdates connects n trainees at once, then has every one of
// them run an update through the Bootloader's USB Bootstrap at the same
// time. It reports the heap per connected trainee (the server's and the
// in-process SSH clients' together, so an upper bound), and the slowest
// and the 99th percentile time from a key to the next frame while the
// updates run. Run it on one core with -cpu 1.
func BenchmarkClassUpdates(b *testing.B) {
	for _, n := range []int{10, 50} {
		b.Run(fmt.Sprintf("trainees=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchClass(b, n)
			}
		})
	}
}

func benchClass(b *testing.B, n int) {
	c := startClass(b, Config{MaxSessions: n + 2})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	terms := make([]*terminal, n)
	for i := range terms {
		terms[i] = c.trainee(b, fmt.Sprintf("t%02d", i), 100, 30)
	}
	for _, term := range terms {
		if err := term.await("Press m (MENU)"); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perTrainee := float64(after.HeapInuse-before.HeapInuse) / float64(n)

	var mu sync.Mutex
	var frames []time.Duration
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, term := range terms {
		wg.Add(1)
		go func(term *terminal) {
			defer wg.Done()
			keys := []string{"m", "down", "down", "down", "down", "down", "down", "down", "right", "enter", "enter"}
			waits := map[int]string{0: "Exit & Discard", 8: "USB Bootstrap", 9: "OK installs", 10: "Update finished OK"}
			for i, k := range keys {
				d, err := term.timedPress(k)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				frames = append(frames, d)
				mu.Unlock()
				if w, ok := waits[i]; ok {
					if err := term.await(w); err != nil {
						errs <- err
						return
					}
				}
			}
		}(term)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Error(err)
	}
	sort.Slice(frames, func(i, j int) bool { return frames[i] < frames[j] })
	if len(frames) == 0 {
		b.Fatal("no frame was timed")
	}
	b.ReportMetric(perTrainee/(1<<20), "MiB/trainee")
	b.ReportMetric(float64(frames[len(frames)-1])/float64(time.Millisecond), "max-frame-ms")
	b.ReportMetric(float64(frames[len(frames)*99/100])/float64(time.Millisecond), "p99-frame-ms")
}

// timedPress types one key and returns how long the next frame took.
func (term *terminal) timedPress(k string) (time.Duration, error) {
	s, ok := keyNames[k]
	if !ok {
		s = k
	}
	term.mark = term.out.Len()
	start := time.Now()
	if _, err := term.in.Write([]byte(s)); err != nil {
		return 0, fmt.Errorf("%s: typing %q: %v", term.name, k, err)
	}
	for term.out.Len() == term.mark {
		if time.Since(start) > 20*time.Second {
			return 0, fmt.Errorf("%s: no frame after %q", term.name, k)
		}
		time.Sleep(time.Millisecond)
	}
	return time.Since(start), nil
}

// await is waitFor for other goroutines than the test's: it returns an error.
func (term *terminal) await(text string) error {
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(term.screen(), text) {
		if time.Now().After(deadline) {
			return errors.New(term.name + ": the screen never showed " + text)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}
