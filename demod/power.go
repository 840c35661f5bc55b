package demod

import "math"

// powerBlocksGo writes the power of x[k] (re² + im², in float32) to dst[k]
// and, for each run of 8 bins (len(x) a multiple of 8), the largest and
// the smallest of their bit patterns to hi and lo (non-negative floats
// order as their bits; a NaN, either sign, is over +Inf).
func powerBlocksGo(dst []float32, x []complex64, hi, lo []uint32) {
	dst = dst[:len(x)]
	for k0 := 0; k0+8 <= len(x); k0 += 8 {
		bh, bl := uint32(0), uint32(math.MaxUint32)
		for k, v := range x[k0 : k0+8] {
			pw := real(v)*real(v) + imag(v)*imag(v)
			dst[k0+k] = pw
			b := math.Float32bits(pw)
			bh, bl = max(bh, b), min(bl, b)
		}
		hi[k0/8], lo[k0/8] = bh, bl
	}
}
