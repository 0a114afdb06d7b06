//go:build !unix

package device

// openNonblock is 0 where opening a file never waits.
const openNonblock = 0
