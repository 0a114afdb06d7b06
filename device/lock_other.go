//go:build !unix

package device

// lockFile does nothing where file locks are not available.
func lockFile(path string) (func(), error) { return func() {}, nil }
