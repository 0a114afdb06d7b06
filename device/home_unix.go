//go:build unix

package device

import "syscall"

// openNonblock opens a named pipe or a device without waiting for a writer
// or a medium, so that the file can be looked at (fstat) and refused.
const openNonblock = syscall.O_NONBLOCK
