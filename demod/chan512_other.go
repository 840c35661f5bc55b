//go:build !amd64 || purego

package demod

// mixFirst mixes and filters in one pass where the CPU can (see its amd64
// version); here it does nothing and returns 0.
func mixFirst(_ *halfband, _, _, _ []complex64, _ complex64) int { return 0 }
