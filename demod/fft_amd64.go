//go:build !purego

package demod

// The FFT's AVX2 kernels: the Go loops' float operations in their order
// (each butterfly's complex product in float64, as Go computes it), so
// the same bits (TestFFTKernelsMatchGo).

//go:noescape
func stage64AVX2(x *complex64, tw *float64, n, half int)

//go:noescape
func windowFirst3AVX2(dst, x *complex64, win *float32, rows *int32, n int, tw *float64)

// stages runs the radix-2 stages from the i-th on (size 8<<i).
func (f *fft) stages(x []complex64, i int) {
	if !useAVX2 {
		f.stagesGo(x, i)
		return
	}
	x = x[:f.n]
	for ; i < len(f.tw); i++ {
		if half := len(f.tw[i]); useAVX512 && half%8 == 0 {
			stage64AVX512(&x[0], &f.tw64[i][0], f.n, half)
		} else {
			stage64AVX2(&x[0], &f.tw64[i][0], f.n, half)
		}
	}
}

// windowTransform writes the DFT of x·win to dst (len n each; dst and x
// must not overlap): windowTransformGo, with the window, the bit-reversed
// order and the first three stages in one pass.
func (f *fft) windowTransform(dst, x []complex64, win []float32) {
	n := f.n
	if !useAVX2 || n < 32 {
		f.windowTransformGo(dst, x, win)
		return
	}
	dst, x, win = dst[:n], x[:n], win[:n]
	windowFirst3AVX2(&dst[0], &x[0], &win[0], &f.rev[0], n, &f.tw64[0][0])
	f.stages(dst, 1)
}
