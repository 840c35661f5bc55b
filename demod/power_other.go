//go:build !amd64 || purego

package demod

// powers writes the bin powers of x to dst (see powersGo).
func powers(dst []float32, x []complex64, hi, lo uint32) (uint32, uint32) {
	return powersGo(dst, x, hi, lo)
}
