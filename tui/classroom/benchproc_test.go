package classroom

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device"
)

// serverProcessEnv, when set, makes TestClassServerProcess serve a class
// for BenchmarkClassServerAlone; its value is the pace of the boxes.
const serverProcessEnv = "STBRECOVERY_CLASS_SERVER_PACE"

// BenchmarkClassServerAlone is BenchmarkClassUpdates as a class meets it:
// the classroom runs in a process of its own on one core (pinned with
// taskset where it is installed; GOMAXPROCS=1 as on a machine of one core,
// raised by RaiseProcs as the classroom command does), and the trainees'
// SSH clients run in this process, as on the trainees' own machines. Fifty trainees type at a person's pace
// (staggered) and each runs an update; the figures are the server's heap
// per connected trainee and the time from a key to its frame.
//
// The boxes write at two paces: "real", the classroom's default (an
// update takes as long as on the box), and "instant", where fifty boxes
// write their banks as fast as the disk takes them.
func BenchmarkClassServerAlone(b *testing.B) {
	for _, pace := range []string{device.PaceReal, device.PaceInstant} {
		b.Run("pace="+pace+"/trainees=50", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchServerAlone(b, 50, pace)
			}
		})
	}
}

func benchServerAlone(b *testing.B, n int, pace string) {
	args := []string{"-test.run=^TestClassServerProcess$"}
	name, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	if ts, err := exec.LookPath("taskset"); err == nil && runtime.NumCPU() > 1 {
		cmd = exec.Command(ts, append([]string{"-c", "0", name}, args...)...)
	} else {
		b.Log("the server is not pinned to one core: taskset is missing or the machine has one core")
	}
	cmd.Env = append(os.Environ(), serverProcessEnv+"="+pace, "GOMAXPROCS=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		in.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("the class server: %v", err)
		}
	}()
	out := bufio.NewScanner(outPipe)
	// line reads the server's next answer of the form "word value".
	line := func(word string) string {
		for out.Scan() {
			if v, ok := strings.CutPrefix(out.Text(), word+" "); ok {
				return v
			}
		}
		b.Fatalf("the class server never said %q: %v", word, out.Err())
		return ""
	}
	addr := line("addr")
	heap := func() uint64 {
		if _, err := io.WriteString(in, "heap\n"); err != nil {
			b.Fatal(err)
		}
		v, err := strconv.ParseUint(line("heap"), 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	c := &class{t: b, addr: addr}
	f := typeUpdates(b, c, n, true, heap, 2*time.Minute)
	f.report(b)
}

// TestClassServerProcess is the server of BenchmarkClassServerAlone; it
// runs only in the process that the benchmark starts. It says "addr A",
// then answers each "heap" line from stdin with "heap N" (bytes in use
// after a collection), and stops at the end of stdin.
func TestClassServerProcess(t *testing.T) {
	pace, ok := os.LookupEnv(serverProcessEnv)
	if !ok {
		t.Skip("the server of BenchmarkClassServerAlone")
	}
	RaiseProcs() // as the classroom command does
	c := startClass(t, Config{MaxSessions: 60, Pace: pace})
	fmt.Printf("addr %s\n", c.addr)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() == "heap" {
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			fmt.Printf("heap %d\n", m.HeapInuse)
		}
	}
}
