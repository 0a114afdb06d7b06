package classroom

import "runtime"

// MinProcs is the fewest processors a class lets the Go runtime run Go code
// on at once (GOMAXPROCS), whatever the cores. A box writing its flash waits
// on the disk's syncs, and the runtime hands the processor of a thread that
// waits on the disk to other goroutines only after a while: with one
// processor (the default on a machine of one core), a trainee's key pressed
// while many boxes sync waits with them. More processors than cores cost a
// little memory, and let the screens run while a box waits on the disk.
const MinProcs = 4

// RaiseProcs lets the Go runtime use at least MinProcs processors, for a
// program that serves a class, and returns the number in force.
func RaiseProcs() int {
	if n := runtime.GOMAXPROCS(0); n >= MinProcs {
		return n
	}
	runtime.GOMAXPROCS(MinProcs)
	return MinProcs
}
