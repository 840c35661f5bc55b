//go:build !purego

package demod

//go:noescape
func powerBlocksAVX2(dst *float32, x *complex64, n int, hi, lo *uint32)

// powerBlocks is powerBlocksGo, a run of 8 bins at a time in AVX2 where the
// CPU has it.
func powerBlocks(dst []float32, x []complex64, hi, lo []uint32) {
	if n := len(x) &^ 7; useAVX2 && n > 0 {
		_, _, _ = dst[n-1], hi[n/8-1], lo[n/8-1]
		powerBlocksAVX2(&dst[0], &x[0], n, &hi[0], &lo[0])
		return
	}
	powerBlocksGo(dst, x, hi, lo)
}
