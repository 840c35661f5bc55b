//go:build !linux

package stdin

// Usable reports a closed stdin where the platform can tell; here it
// cannot.
func Usable() error { return nil }
