//go:build !amd64 || purego

package iq

// decode8 converts the first whole groups of four 8-bit samples of src
// into dst and returns how many; without AVX2 kernels, none.
func decode8(Format, []complex64, []byte) int { return 0 }
