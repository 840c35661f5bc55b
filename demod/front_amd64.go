//go:build !purego

package demod

// The front end's kernels (the burst's mixer and channel filter): the
// same operations in the same order as their Go loops
// (TestFrontKernelsMatchGo).

//go:noescape
func firDecimEOAVX512(dst, e, o *complex64, taps *float32, ntaps, nout int)

//go:noescape
func phaseStepsAVX512(dst *float32, z *complex64, n int, c *[6][8]float32)

//go:noescape
func deinterleaveAVX512(e, o, src *complex64, n int)

//go:noescape
func firDecim1AVX512(dst, src *complex64, taps *float32, ntaps, nout int)

//go:noescape
func mix4DeintAVX2(a, b, x *complex64, n int, osc *[4]complex64, step complex64)

// firDecimEO writes firDecimEOGo's outputs to dst (taps odd, at least 3;
// e and o hold len(dst)+len(taps)/2 and one less samples).
func firDecimEO(dst, e, o []complex64, taps []float32) {
	nt, k := len(taps), 0
	if n := len(dst) &^ 7; useAVX512 && useAVX2 && n > 0 {
		_, _ = e[n+nt/2-1], o[n+nt/2-2]
		firDecimEOAVX512(&dst[0], &e[0], &o[0], &taps[0], nt, n)
		k = n
	}
	if n := (len(dst) - k) &^ 3; useAVX2 && n > 0 {
		_, _ = e[k+n+nt/2-1], o[k+n+nt/2-2]
		firDecimEOAVX2(&dst[k], &e[k], &o[k], &taps[0], nt, n)
		k += n
	}
	firDecimEOGo(dst[k:], e[k:], o[k:], taps)
}

// deinterleave writes x's samples at even positions to a and those at
// odd ones to b (see deinterleaveGo).
func deinterleave(a, b, x []complex64) {
	if n := len(x) / 2 &^ 7; useAVX512 && useAVX2 && n > 0 {
		_, _ = a[n-1], b[n-1]
		deinterleaveAVX512(&a[0], &b[0], &x[0], n)
		a, b, x = a[n:], b[n:], x[2*n:]
	}
	if n := len(x) / 2 &^ 3; useAVX2 && n > 0 {
		_, _ = a[n-1], b[n-1]
		deinterleaveAVX2(&a[0], &b[0], &x[0], n)
		a, b, x = a[n:], b[n:], x[2*n:]
	}
	deinterleaveGo(a, b, x)
}

// mix4DeintLoop is mix4Deint's loop over whole groups of four samples
// (see mix4DeintGo).
func mix4DeintLoop(a, b, x []complex64, osc [8]float32, sr, si float32) (float32, float32) {
	if !useAVX2 || len(x) == 0 {
		return mix4DeintGo(a, b, x, osc, sr, si)
	}
	o := [4]complex64{complex(osc[0], osc[1]), complex(osc[2], osc[3]), complex(osc[4], osc[5]), complex(osc[6], osc[7])}
	_, _ = a[len(x)/2-1], b[len(x)/2-1]
	mix4DeintAVX2(&a[0], &b[0], &x[0], len(x), &o, complex(sr, si))
	return real(o[0]), imag(o[0])
}
