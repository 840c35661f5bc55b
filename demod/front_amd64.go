//go:build !purego

package demod

// The front end's kernels (the burst's mixer and channel filter): the
// same operations in the same order as their Go loops
// (TestFrontKernelsMatchGo).

// eoLag is how many groups of sixteen samples mixFirEOAVX512 mixes
// ahead of the outputs it filters (their stores then long written).
const eoLag = 2

// fir1Lag is how many groups of eight samples mixFir1AVX512 mixes ahead
// of the outputs it filters.
const fir1Lag = 4

//go:noescape
func firDecimEOAVX512(dst, e, o *complex64, taps *float32, ntaps, nout int)

//go:noescape
func phaseStepsAVX512(dst *float32, z *complex64, n int, c *[6][8]float32)

//go:noescape
func deinterleaveAVX512(e, o, src *complex64, n int)

//go:noescape
func firDecim1AVX512(dst, src *complex64, taps *float32, ntaps, nout int)

//go:noescape
func mixFirEOAVX512(a, b, x *complex64, npro, nmain, nepi int, osc *[4]complex64, step complex64, dst, e, o *complex64, taps *float32, ntaps int)

//go:noescape
func mixFir1AVX512(mixed, x *complex64, npro, nmain, nepi int, osc *[4]complex64, step complex64, dst, src *complex64, taps *float32, ntaps int)

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

// mix4DeintLoop is mix4DeintFIR's loop over whole groups of four samples
// (see mix4DeintGo): with AVX-512, job's first outputs are filtered in
// the mixing loop, 8 for each group of sixteen samples after eoLag of
// them; it returns how many.
func mix4DeintLoop(a, b, x []complex64, osc [8]float32, sr, si float32, job eoJob) (float32, float32, int) {
	if !useAVX2 || len(x) == 0 {
		or0, oi0 := mix4DeintGo(a, b, x, osc, sr, si)
		return or0, oi0, 0
	}
	o := [4]complex64{complex(osc[0], osc[1]), complex(osc[2], osc[3]), complex(osc[4], osc[5]), complex(osc[6], osc[7])}
	_, _ = a[len(x)/2-1], b[len(x)/2-1]
	done := 0
	if g := len(x) / 16; useAVX512 && g > 0 {
		pro := min(g, eoLag)
		main := min(g-pro, len(job.dst)/8)
		var dst, e, pe *complex64
		var taps *float32
		nt := len(job.taps)
		if main > 0 {
			_, _ = job.e[8*main+nt/2-1], job.o[8*main+nt/2-2]
			dst, e, pe, taps = &job.dst[0], &job.e[0], &job.o[0], &job.taps[0]
		}
		mixFirEOAVX512(&a[0], &b[0], &x[0], pro, main, g-pro-main, &o, complex(sr, si), dst, e, pe, taps, nt)
		done = 8 * main
		a, b, x = a[8*g:], b[8*g:], x[16*g:]
	}
	if len(x) > 0 {
		mix4DeintAVX2(&a[0], &b[0], &x[0], len(x), &o, complex(sr, si))
	}
	return real(o[0]), imag(o[0]), done
}

// mix4FIR1Loop is mix4FIR1's loop over whole groups of four samples (see
// mix4Go): with AVX-512, job's first outputs are filtered in the mixing
// loop, 8 for each group of eight samples after fir1Lag of them; it
// returns how many.
func mix4FIR1Loop(dst, x []complex64, osc [8]float32, sr, si float32, job fir1Job) (float32, float32, int) {
	if !useAVX2 || len(x) == 0 {
		or0, oi0 := mix4Go(dst, x, osc, sr, si)
		return or0, oi0, 0
	}
	o := [4]complex64{complex(osc[0], osc[1]), complex(osc[2], osc[3]), complex(osc[4], osc[5]), complex(osc[6], osc[7])}
	_ = dst[len(x)-1]
	done := 0
	if g := len(x) / 8; useAVX512 && g > 0 {
		pro := min(g, fir1Lag)
		main := min(g-pro, len(job.dst)/8)
		var d, src *complex64
		var taps *float32
		nt := len(job.taps)
		if main > 0 {
			_ = job.src[8*main-1+nt-1]
			d, src, taps = &job.dst[0], &job.src[0], &job.taps[0]
		}
		mixFir1AVX512(&dst[0], &x[0], pro, main, g-pro-main, &o, complex(sr, si), d, src, taps, nt)
		done = 8 * main
		dst, x = dst[8*g:], x[8*g:]
	}
	if len(x) > 0 {
		mix4AVX2(&dst[0], &x[0], len(x), &o, complex(sr, si))
	}
	return real(o[0]), imag(o[0]), done
}
