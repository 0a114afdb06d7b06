package device

import (
	"testing"
)

// TestMatrixEveryCell installs, through the real pipeline, a real signed image
// for every cell of the decision matrix and checks the status and the rule
// against the table below and against Matrix (the `rules` command).
func TestMatrixEveryCell(t *testing.T) {
	// For each box (path, running image, operator key): the rule that decides
	// and the incoming images it accepts; every other incoming image gets 17.
	table := []struct {
		path    Path
		running string
		op      bool
		rule    Rule
		accepts []string
	}{
		{PathBoot, "factory", false, "R1", []string{"factory", "public", "custom-alpha", "custom-beta"}},
		{PathBoot, "public", false, "R1", []string{"factory", "public", "custom-alpha", "custom-beta"}},
		{PathBoot, "custom-alpha", false, "R1", []string{"factory", "public", "custom-alpha", "custom-beta"}},
		{PathBoot, "factory", true, "R2", []string{"operator-one"}},
		{PathBoot, "public", true, "R2", []string{"operator-one"}},
		{PathBoot, "custom-alpha", true, "R2", []string{"operator-one"}},
		{PathBoot, "operator-one", true, "R2", []string{"operator-one"}},
		{PathPortal, "factory", false, "R3", []string{"factory"}},
		{PathPortal, "public", false, "R4", []string{"factory", "public"}},
		{PathPortal, "custom-alpha", false, "R5", []string{"custom-alpha"}},
		{PathPortal, "factory", true, "R6", []string{"operator-one"}},
		{PathPortal, "public", true, "R6", []string{"operator-one"}},
		{PathPortal, "custom-alpha", true, "R6", []string{"operator-one"}},
		{PathPortal, "operator-one", true, "R6", []string{"operator-one"}},
	}
	for _, model := range []string{"MAG254", "MAG322"} {
		f := newFixture(t)
		m := f.model(model)
		cells, err := Matrix(f.keys, m)
		if err != nil {
			t.Fatal(err)
		}
		computed := map[MatrixCase]Decision{}
		for _, c := range cells {
			computed[c.Case] = c.Decision
		}
		if len(cells) != len(table)*len(matrixIncoming) {
			t.Fatalf("%s: the matrix has %d cells, the table covers %d", model, len(cells), len(table)*len(matrixIncoming))
		}
		images := map[string][]byte{}
		for _, inc := range matrixIncoming {
			s, _ := MatrixCase{Incoming: inc}.IncomingSpec(m)
			images[inc] = f.image(m, s)
		}
		for _, row := range table {
			c := MatrixCase{Path: row.path, Running: row.running, OperatorKey: row.op}
			run, _ := c.RunningSpec(m)
			for _, inc := range matrixIncoming {
				c.Incoming = inc
				want := StatusWrongSignature
				for _, a := range row.accepts {
					if a == inc {
						want = StatusFinishedOK
					}
				}
				b := f.box(m, &run, row.op)
				got := f.update(b, images[inc], UpdateOptions{Path: row.path})
				if got.Status != want || got.Rule != row.rule {
					t.Errorf("%s %+v: got %d %s, want %d %s (%s)", model, c, got.Status, got.Rule, want, row.rule, got.Explain)
				}
				if d, ok := computed[c]; !ok || d.Status != got.Status || d.Rule != got.Rule {
					t.Errorf("%s %+v: Matrix says %d %s, the pipeline %d %s", model, c, d.Status, d.Rule, got.Status, got.Rule)
				}
				if got.Installed != (want == StatusFinishedOK) {
					t.Errorf("%s %+v: installed = %v", model, c, got.Installed)
				}
			}
		}
	}
}
