//go:build !amd64 || purego

package demod

// powerBlocks writes the bin powers of x to dst and each run of 8 bins'
// largest and smallest bit patterns to hi and lo (see powerBlocksGo).
func powerBlocks(dst []float32, x []complex64, hi, lo []uint32) {
	powerBlocksGo(dst, x, hi, lo)
}
