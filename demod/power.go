package demod

import "math"

// powersGo writes the power of x[k] (re² + im², in float32) to dst[k] and
// returns the largest and the smallest of their bit patterns (non-negative
// floats order as their bits; a NaN, either sign, is over +Inf), given
// hi and lo so far.
func powersGo(dst []float32, x []complex64, hi, lo uint32) (uint32, uint32) {
	dst = dst[:len(x)]
	for k, v := range x {
		pw := real(v)*real(v) + imag(v)*imag(v)
		dst[k] = pw
		b := math.Float32bits(pw)
		hi, lo = max(hi, b), min(lo, b)
	}
	return hi, lo
}
