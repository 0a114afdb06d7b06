package device

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// The fault matrix, in the manner of an updater's Error_in_<State> and
// Killed_in_<State> tests: for every step of an install, a fault at its
// disk and source operations (an I/O error, a full disk, a cancel, a power
// cut), and after each the box is checked as it would power on. The short
// form takes the first and the last operation of each step; with STBRECOVERY_FAULT_MATRIX=full every operation of every step,
// and a killed child process in every step.

// faultMatrixFull reports whether the whole matrix runs.
func faultMatrixFull() bool { return os.Getenv("STBRECOVERY_FAULT_MATRIX") == "full" }

// matrixScenario is a box and an update to run on it.
type matrixScenario struct {
	name  string
	setup func(f *fixture) (*Box, Model)
	image func(f *fixture, m Model) []byte
	// bootable: the box powers on to GO__ before the update.
	bootable bool
	// only, when set, are the steps the short form faults in this scenario.
	only []installStep
}

func matrixScenarios() []matrixScenario {
	next := func(f *fixture, m Model) []byte {
		return f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 2, Tag: "pub", RootFSSize: 1 << 20})
	}
	return []matrixScenario{
		{name: "two valid banks", setup: twoBankBox, image: next, bootable: true},
		{name: "active bank damaged", setup: func(f *fixture) (*Box, Model) {
			b, m := twoBankBox(f)
			if err := b.DamageBank(1); err != nil {
				f.t.Fatal(err)
			}
			return b, m
		}, image: next},
		{name: "image refused", setup: twoBankBox, bootable: true, only: []installStep{stepVerifying, stepRolledBack}, image: func(f *fixture, m Model) []byte {
			return f.image(m, demoimage.Spec{Signer: "stb_public", Version: m.FactoryVersion + 2, Tag: "pub", RootFSSize: 1 << 20, Tamper: true})
		}},
	}
}

// faultKind is one of the faults the matrix injects.
type faultKind string

const (
	faultIO       faultKind = "io error"
	faultDiskFull faultKind = "disk full"
	faultCancel   faultKind = "cancel"
	faultPowerCut faultKind = "power cut"
)

// opAt is the index-th operation of a step.
type opAt struct {
	step  installStep
	index int
	op    string
}

// recordOps runs the scenario's update once without faults and lists its operations.
func recordOps(t *testing.T, f *fixture, sc matrixScenario) []opAt {
	t.Helper()
	b, m := sc.setup(f)
	var ops []opAt
	count := map[installStep]int{}
	b.faults = func(s installStep, op string) error {
		ops = append(ops, opAt{s, count[s], op})
		count[s]++
		return nil
	}
	f.update(b, sc.image(f, m), UpdateOptions{})
	return ops
}

// boxPicture is what a box holds on disk: its state and each bank's file.
type boxPicture struct {
	st    State
	files [2][]byte
}

func picture(t *testing.T, b *Box) boxPicture {
	t.Helper()
	p := boxPicture{st: b.State()}
	for n := range 2 {
		p.files[n], _ = os.ReadFile(b.BankFile(n))
	}
	return p
}

// checkBoxAfterFault opens home as the next power-on would and checks what
// no fault may break: the state reads; no temporary file is left; a bank
// marked valid holds, byte for byte, the image its record describes; the
// valid bank that was not written is untouched; a box that booted before
// boots now, on a bank whose file is what the state says; a result that says
// nothing was changed changed nothing.
func checkBoxAfterFault(t *testing.T, home string, before boxPicture, images map[[32]byte][]byte, sc matrixScenario, target int, r *Result) {
	t.Helper()
	b, err := Open(home)
	if err != nil {
		t.Fatalf("the box does not open: %v", err)
	}
	filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".tmp") {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
	after := picture(t, b)
	for n, bk := range after.st.Banks {
		if !bk.Valid {
			continue
		}
		data, known := images[sha256.Sum256(after.files[n])]
		if !known || !b.bankLooksRight(n, bk.Image) || int64(len(data)) != bk.Image.Size {
			t.Errorf("bank %d is marked valid (version %d) but its file is not that image", n, bk.Image.Version)
		}
	}
	other := 1 - target
	if before.st.Banks[other].Valid {
		if !after.st.Banks[other].Valid || !bytes.Equal(after.files[other], before.files[other]) {
			t.Errorf("bank %d, valid and not the one written, changed", other)
		}
	}
	br := b.Boot()
	switch {
	case br.OK:
		if !after.st.Banks[br.Bank].Valid {
			t.Errorf("booted bank %d, which is not valid", br.Bank)
		}
	case sc.bootable:
		t.Errorf("the box booted before and does not now: %+v", br.Stages)
	case !after.st.Banks[0].Valid && !after.st.Banks[1].Valid:
		t.Errorf("no valid bank is left: %+v", after.st.Banks)
	default:
		// The box never switches banks by itself: a person picks the
		// backup bank (NAND2 / Boot from backup bank), and it starts.
		v := 1 - after.st.Active
		defer func() {
			if err := b.SetActiveBank(v); err != nil {
				t.Fatal(err)
			}
			if br := b.Boot(); !br.OK || br.Bank != v {
				t.Errorf("the valid bank %d does not start when picked: %+v", v, br.Stages)
			}
		}()
	}
	if before.st.Banks[target].Valid && !before.st.Banks[other].Valid {
		t.Errorf("bank %d, the only valid bank, was the one written", target)
	}
	if r == nil {
		return
	}
	if r.Installed != (after.st.Active == target && after.st.Banks[target].Valid && after.st.Banks[target].Image.Version == r.Image.Version && br.OK) {
		t.Errorf("installed=%v, but the box holds %+v (active %d)", r.Installed, after.st.Banks, after.st.Active)
	}
	if strings.Contains(r.Explain, "Nothing was changed") {
		if after.st.Active != before.st.Active || !sameBanks(after.st.Banks, before.st.Banks) ||
			!bytes.Equal(after.files[target], before.files[target]) {
			t.Errorf("%q, but the box changed: %+v", r.Explain, after.st.Banks)
		}
	}
	if !r.Installed && after.st.Active != before.st.Active {
		t.Errorf("not installed, yet the active bank moved to %d", after.st.Active)
	}
}

func sameBanks(a, b [2]Bank) bool {
	for i := range a {
		if a[i].Valid != b[i].Valid || (a[i].Image == nil) != (b[i].Image == nil) {
			return false
		}
		if a[i].Image != nil && (a[i].Image.Version != b[i].Image.Version || a[i].Image.Size != b[i].Image.Size) {
			return false
		}
	}
	return true
}

// copyHome copies a box's folder as it stands on disk: what a power cut
// at this instant would leave.
func copyHome(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pick chooses which operations of a step the matrix faults.
func pick(ops []opAt, step installStep) []opAt {
	var in []opAt
	for _, o := range ops {
		if o.step == step {
			in = append(in, o)
		}
	}
	if faultMatrixFull() || len(in) <= 2 {
		return in
	}
	return []opAt{in[0], in[len(in)-1]}
}

func TestFaultMatrix(t *testing.T) {
	f := newFixture(t)
	steps := []installStep{stepIdle, stepReading, stepWriting, stepVerifying, stepSwitching, stepDone, stepRolledBack}
	faults := []faultKind{faultIO, faultDiskFull, faultCancel, faultPowerCut}
	cells, held := 0, 0
	type cell struct {
		step  installStep
		fault faultKind
	}
	grid := map[cell][2]int{} // held, run
	for _, sc := range matrixScenarios() {
		ops := recordOps(t, f, sc)
		// Every cell starts from a copy of one box, and reads one stick.
		base, m := sc.setup(f)
		data := sc.image(f, m)
		stick := f.stick(m, data)
		for _, step := range steps {
			if !faultMatrixFull() && sc.only != nil && !slices.Contains(sc.only, step) {
				continue
			}
			for _, fault := range faults {
				for _, at := range pick(ops, step) {
					name := fmt.Sprintf("%s/%s_in_%s/%d_%s", sc.name, strings.ReplaceAll(string(fault), " ", "_"), strings.ReplaceAll(step.String(), " ", "_"), at.index, strings.ReplaceAll(at.op, " ", "_"))
					cells++
					ok := t.Run(name, func(t *testing.T) {
						home := filepath.Join(tempDir(t), "home")
						copyHome(t, base.Home(), home)
						b, err := Open(home)
						if err != nil {
							t.Fatal(err)
						}
						runFaultCell(t, b, USBSource(stick, m), data, sc, at, fault)
					})
					g := grid[cell{step, fault}]
					g[1]++
					if ok {
						held++
						g[0]++
					}
					grid[cell{step, fault}] = g
				}
			}
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-12s", "held/run")
	for _, fault := range faults {
		fmt.Fprintf(&table, " %-10s", fault)
	}
	for _, step := range steps {
		fmt.Fprintf(&table, "\n%-12s", step)
		for _, fault := range faults {
			g := grid[cell{step, fault}]
			fmt.Fprintf(&table, " %-10s", fmt.Sprintf("%d/%d", g[0], g[1]))
		}
	}
	t.Logf("\n%s", table.String())
	t.Logf("fault matrix: %d cells (%d steps × %d faults × operations, %d scenarios); %d held", cells, len(steps), len(faults), len(matrixScenarios()), held)
}

func runFaultCell(t *testing.T, b *Box, src Source, data []byte, sc matrixScenario, at opAt, fault faultKind) {
	images := map[[32]byte][]byte{sha256.Sum256(data): data}
	for n := range 2 {
		if old, err := os.ReadFile(b.BankFile(n)); err == nil {
			images[sha256.Sum256(old)] = old
		}
	}
	before := picture(t, b)
	target := b.targetBank()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snapshot := ""
	count := map[installStep]int{}
	b.faults = func(s installStep, op string) error {
		i := count[s]
		count[s]++
		if s != at.step || i != at.index {
			return nil
		}
		switch fault {
		case faultIO:
			return syscall.EIO
		case faultDiskFull:
			return syscall.ENOSPC
		case faultCancel:
			cancel()
		case faultPowerCut:
			snapshot = filepath.Join(tempDir(t), "home")
			copyHome(t, b.Home(), snapshot)
		}
		return nil
	}
	r := b.Update(ctx, src, UpdateOptions{})
	if count[at.step] <= at.index {
		t.Fatalf("the install never reached operation %d of %s", at.index, at.step)
	}
	if fault == faultPowerCut {
		checkBoxAfterFault(t, snapshot, before, images, sc, target, nil)
		return
	}
	if (fault == faultIO || fault == faultDiskFull) && r.Installed && at.step < stepDone {
		t.Errorf("an %s in %s, and the image installed", fault, at.step)
	}
	checkBoxAfterFault(t, b.Home(), before, images, sc, target, &r)
}

// TestInstallKilledInEachStep kills a child process that is installing, with
// SIGKILL, in a step of the install (Killed_in_<State>); the box then
// powers on as the fault matrix says. Short form: writing and switching.
func TestInstallKilledInEachStep(t *testing.T) {
	if os.Getenv("STBRECOVERY_INSTALL_CHILD") != "" {
		t.Skip("runs in the parent only")
	}
	f := newFixture(t)
	steps := []installStep{stepWriting, stepSwitching}
	if faultMatrixFull() {
		steps = []installStep{stepIdle, stepReading, stepWriting, stepVerifying, stepSwitching, stepDone}
	}
	sc := matrixScenarios()[0]
	for _, step := range steps {
		for _, last := range []bool{false, true} {
			t.Run(fmt.Sprintf("Killed_in_%s/last=%v", step, last), func(t *testing.T) {
				b, m := sc.setup(f)
				data := sc.image(f, m)
				images := map[[32]byte][]byte{sha256.Sum256(data): data}
				for n := range 2 {
					old, _ := os.ReadFile(b.BankFile(n))
					images[sha256.Sum256(old)] = old
				}
				before := picture(t, b)
				target := b.targetBank()
				cmd := exec.Command(os.Args[0], "-test.run=^TestInstallChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), "STBRECOVERY_INSTALL_CHILD=1", "STB_HOME="+b.Home(),
					"STB_STICK="+f.stick(m, data), "STB_STEP="+strconv.Itoa(int(step)), "STB_LAST="+strconv.FormatBool(last))
				out, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				line := make(chan string, 1)
				go func() {
					sc := bufio.NewScanner(out)
					for sc.Scan() {
						if strings.HasPrefix(sc.Text(), "at ") {
							line <- sc.Text()
							io.Copy(io.Discard, out)
							return
						}
					}
					close(line)
				}()
				select {
				case l, ok := <-line:
					if !ok {
						cmd.Wait()
						t.Fatalf("the child ended before %s", step)
					}
					t.Log(l)
				case <-time.After(30 * time.Second):
					t.Error("the child never reached the step")
				}
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				checkBoxAfterFault(t, b.Home(), before, images, sc, target, nil)
			})
		}
	}
}

// TestInstallChild is the installing child of TestInstallKilledInEachStep:
// it says where it is and then waits to be killed.
func TestInstallChild(t *testing.T) {
	if os.Getenv("STBRECOVERY_INSTALL_CHILD") == "" {
		t.Skip("runs only as a child process of TestInstallKilledInEachStep")
	}
	b, err := Open(os.Getenv("STB_HOME"))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(os.Getenv("STB_STEP"))
	step, last := installStep(n), os.Getenv("STB_LAST") == "true"
	var seen []string
	b.faults = func(s installStep, op string) error {
		if s != step {
			if len(seen) > 0 && last { // the step's last operation was the one before
				fmt.Printf("at %s after %s\n", step, seen[len(seen)-1])
				os.Stdout.Sync()
				time.Sleep(time.Hour)
			}
			return nil
		}
		seen = append(seen, op)
		if !last || step == stepDone {
			fmt.Printf("at %s %s\n", step, op)
			os.Stdout.Sync()
			time.Sleep(time.Hour)
		}
		return nil
	}
	r := b.Update(context.Background(), USBSource(os.Getenv("STB_STICK"), b.Model()), UpdateOptions{})
	fmt.Printf("finished without reaching %s: %d %s\n", step, r.Status, r.Explain)
	os.Exit(3)
}
