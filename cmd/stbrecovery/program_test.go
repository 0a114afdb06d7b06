package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// builtProgram is the program built once for every test of this package that
// runs it as a separate process; TestMain removes it at the end.
type builtProgram struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// program is the one build of this test run.
var program builtProgram

// programPath builds the program on first use and returns its path.
func programPath(t testing.TB) string {
	t.Helper()
	program.once.Do(func() {
		program.dir, program.err = os.MkdirTemp("", "stbrecovery-bin-")
		if program.err != nil {
			return
		}
		program.path = filepath.Join(program.dir, "stbrecovery")
		program.out, program.err = exec.Command("go", "build", "-o", program.path, ".").CombinedOutput()
	})
	if program.err != nil {
		t.Fatalf("go build: %v\n%s", program.err, program.out)
	}
	return program.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if program.dir != "" {
		os.RemoveAll(program.dir)
	}
	os.Exit(code)
}
