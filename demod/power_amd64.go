//go:build !purego

package demod

//go:noescape
func powersAVX2(dst *float32, x *complex64, n int, hilo *[2]uint32)

// powers is powersGo, eight bins at a time where the CPU has AVX2.
func powers(dst []float32, x []complex64, hi, lo uint32) (uint32, uint32) {
	if n := len(x) &^ 7; useAVX2 && n > 0 {
		_ = dst[n-1]
		hilo := [2]uint32{hi, lo}
		powersAVX2(&dst[0], &x[0], n, &hilo)
		hi, lo = hilo[0], hilo[1]
		dst, x = dst[n:], x[n:]
	}
	return powersGo(dst, x, hi, lo)
}
