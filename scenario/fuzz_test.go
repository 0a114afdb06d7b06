package scenario

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/stbrecovery/stbrecovery/assets"
)

// FuzzParse: any bytes give a scenario or one error naming the file; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(""))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("goal: {running: {kind: public}}\nhints: [x]\n"))
	entries, _ := fs.ReadDir(assets.Scenarios(), ".")
	for _, e := range entries {
		if data, err := fs.ReadFile(assets.Scenarios(), e.Name()); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			if sc != nil {
				t.Fatal("a scenario and an error")
			}
			return
		}
		if sc.Model.Name == "" || len(sc.Hints) == 0 || len(sc.Solution) == 0 || sc.Goal.Show() == "" {
			t.Fatalf("accepted an incomplete scenario: %+v", sc)
		}
		for _, st := range sc.Solution {
			if _, ok := lookupAction(st.Action); !ok {
				t.Fatalf("accepted action %q", st.Action)
			}
			_ = st.Describe()
		}
		for _, fl := range append(append([]FileSpec{}, sc.USB...), sc.Server...) {
			if _, ok := cleanRel(fl.Path); !ok {
				t.Fatalf("accepted path %q", fl.Path)
			}
		}
	})
}
