package device

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestChangesTakeTurns: changes made at once by goroutines of one program
// all land, one after the other; a change by another program (another Box
// on the same home) while one is made is refused at once, and says why.
func TestChangesTakeTurns(t *testing.T) {
	home := filepath.Join(tempDir(t), "home")
	b, err := Init(home, InitOptions{Model: "MAG254"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- b.Set(map[string]string{fmt.Sprintf("portal%d", i%2+1): fmt.Sprintf("http://portal.example/%d", i)})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a change of this program was refused: %v", err)
		}
	}

	other, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := b.lock()
	if err != nil {
		t.Fatal(err)
	}
	err = other.Set(map[string]string{"portal1": "http://portal.example/other"})
	unlock()
	if err == nil || !strings.Contains(err.Error(), "another program is changing this box") {
		t.Errorf("a change by another program while one was made: %v; want it refused", err)
	}
	if err := other.Set(map[string]string{"portal1": "http://portal.example/after"}); err != nil {
		t.Errorf("a change by another program once the first was made: %v", err)
	}
}
