package classroom

import (
	"runtime"
	"testing"
)

// TestRaiseProcs: a class runs Go code on at least MinProcs processors, and
// never on fewer than it was given.
func TestRaiseProcs(t *testing.T) {
	was := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(was) })
	for _, c := range []struct{ given, want int }{{1, MinProcs}, {MinProcs - 1, MinProcs}, {MinProcs, MinProcs}, {MinProcs + 4, MinProcs + 4}} {
		runtime.GOMAXPROCS(c.given)
		if got := RaiseProcs(); got != c.want || runtime.GOMAXPROCS(0) != c.want {
			t.Errorf("given %d: RaiseProcs says %d, GOMAXPROCS is %d; want %d", c.given, got, runtime.GOMAXPROCS(0), c.want)
		}
	}
}
