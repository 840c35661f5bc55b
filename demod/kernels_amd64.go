//go:build !purego

package demod

import "github.com/gridstream-sdr/gridstream/internal/avx2"

// The AVX2 kernels: the same operations in the same order as the Go loops
// they replace, four complex64 at a time, so their results are the same
// bits (TestKernelsMatchGo).

//go:noescape
func butterfliesAVX2(a, b, tw *complex64, n int)

//go:noescape
func halfband7AVX2(dst, src *complex64, n int, taps *[3]float32)

//go:noescape
func halfband11AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfband15AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfbandSeq5AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfbandSeq6AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfbandSeq7AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfbandSeq8AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func halfbandSeq9AVX2(dst, src *complex64, n int, taps *float32)

//go:noescape
func floorStepAVX2(s, floor *float32, hot, claim *bool, n int, thr, least float32)

//go:noescape
func maxAVX2(m float32, s *float32, n int) float32

//go:noescape
func mix4AVX2(dst, x *complex64, n int, osc *[4]complex64, step complex64)

//go:noescape
func mix4PairAVX2(dstA, dstB, x *complex64, n int, oscA, oscB *[4]complex64, stepA, stepB complex64)

//go:noescape
func mixOscAVX2(dst, src, osc *complex64, n int)

//go:noescape
func mixOscDCAVX2(dst, src, osc *complex64, n int, dc complex64)

//go:noescape
func firDecim1AVX2(dst, src *complex64, taps *float32, ntaps, nout int)

//go:noescape
func deinterleaveAVX2(e, o, src *complex64, n int)

//go:noescape
func firDecimEOAVX2(dst, e, o *complex64, taps *float32, ntaps, nout int)

//go:noescape
func firDecim2AVX2(dst, src *complex64, taps *float32, ntaps, nout int)

// hasAVX2 reports whether the CPU runs the kernels.
var hasAVX2 = avx2.Available

// useAVX2 selects the AVX2 kernels where the CPU has them (tests turn them
// off to compare).
var useAVX2 = hasAVX2

// butterflies does, for k < len(tw): t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t (len(a), len(b) >= len(tw)).
func butterflies(a, b, tw []complex64) {
	if n := len(tw) &^ 3; useAVX2 && n > 0 {
		_, _ = a[n-1], b[n-1]
		butterfliesAVX2(&a[0], &b[0], &tw[0], n)
		a, b, tw = a[n:], b[n:], tw[n:]
	}
	butterfliesGo(a, b, tw)
}

// halfband7Out is halfband7's loop from window start s on (see
// halfband7Go); it returns the next window's start.
func halfband7Out(dst, buf []complex64, s int, c, t0, t1 float32) int {
	// The kernel reads one sample past the last window.
	if n := min(len(dst), (len(buf)-s-6)/2) &^ 3; useAVX2 && n > 0 {
		_ = buf[s+2*n+5]
		taps := [3]float32{c, t0, t1}
		if n8 := n &^ 7; useAVX512 && n8 > 0 {
			halfband7AVX512(&dst[0], &buf[s], n8, &taps)
			dst, s, n = dst[n8:], s+2*n8, n-n8
		}
		if n > 0 {
			halfband7AVX2(&dst[0], &buf[s], n, &taps)
			dst, s = dst[n:], s+2*n
		}
	}
	return halfband7Go(dst, buf, s, c, t0, t1)
}

// mixOsc writes x[i]·osc[i] to dst (see mixOscGo).
func mixOsc(dst, x, osc []complex64) {
	if n := len(x) &^ 7; useAVX512 && useAVX2 && n > 0 {
		_, _ = dst[n-1], osc[n-1]
		mixOscAVX512(&dst[0], &x[0], &osc[0], n)
		dst, x, osc = dst[n:], x[n:], osc[n:]
	}
	if n := len(x) &^ 3; useAVX2 && n > 0 {
		_, _ = dst[n-1], osc[n-1]
		mixOscAVX2(&dst[0], &x[0], &osc[0], n)
		dst, x, osc = dst[n:], x[n:], osc[n:]
	}
	mixOscGo(dst, x, osc)
}

// mixOscDC writes (x[i]-dc)·osc[i] to dst (see mixOscDCGo).
func mixOscDC(dst, x, osc []complex64, dc complex64) {
	if n := len(x) &^ 7; useAVX512 && useAVX2 && n > 0 {
		_, _ = dst[n-1], osc[n-1]
		mixOscDCAVX512(&dst[0], &x[0], &osc[0], n, dc)
		dst, x, osc = dst[n:], x[n:], osc[n:]
	}
	if n := len(x) &^ 3; useAVX2 && n > 0 {
		_, _ = dst[n-1], osc[n-1]
		mixOscDCAVX2(&dst[0], &x[0], &osc[0], n, dc)
		dst, x, osc = dst[n:], x[n:], osc[n:]
	}
	mixOscDCGo(dst, x, osc, dc)
}

// firDecim writes dotSym(taps, buf[s+k·decim:]) for k < len(dst) to dst
// and returns the next window's start.
func firDecim(dst, buf []complex64, s int, taps []float32, decim int) int {
	if n := len(dst) &^ 7; useAVX512 && useAVX2 && decim == 1 && len(taps) >= 3 && len(taps)%2 == 1 && n > 0 {
		_ = buf[s+n-1+len(taps)-1]
		firDecim1AVX512(&dst[0], &buf[s], &taps[0], len(taps), n)
		dst, s = dst[n:], s+n
	}
	if useAVX2 && (decim == 1 || decim == 2) && len(taps) >= 3 && len(taps)%2 == 1 {
		n := len(dst) &^ 3
		if decim == 2 {
			// The kernel reads one sample past the last window.
			n = min(n, (len(buf)-s-len(taps)+1)/2&^3)
		}
		if n > 0 {
			_ = buf[s+(n-1)*decim+len(taps)-1+decim-1]
			if decim == 1 {
				firDecim1AVX2(&dst[0], &buf[s], &taps[0], len(taps), n)
			} else {
				firDecim2AVX2(&dst[0], &buf[s], &taps[0], len(taps), n)
			}
			dst, s = dst[n:], s+n*decim
		}
	}
	return firDecimGo(dst, buf, s, taps, decim)
}

// halfbandOut is halfband.filter's loop for c and pairs (the centre tap
// and the rest from the middle out) from window start s on; it returns
// the next window's start.
func halfbandOut(dst, buf []complex64, s int, c float32, pairs []float32) int {
	m := len(pairs)
	if m == 2 {
		return halfband7Out(dst, buf, s, c, pairs[0], pairs[1])
	}
	// The kernels read one sample past the last window (4m-1 taps).
	if n := min(len(dst), (len(buf)-s-4*m+2)/2) &^ 3; useAVX2 && m >= 3 && m <= 9 && n > 0 {
		_ = buf[s+2*n+4*m-3]
		var taps [10]float32
		taps[0] = c
		copy(taps[1:], pairs)
		d, b, t := &dst[0], &buf[s], &taps[0]
		// Each with its Go loop's order of additions.
		switch m {
		case 3:
			halfband11AVX2(d, b, n, t)
		case 4:
			halfband15AVX2(d, b, n, t)
		case 5:
			halfbandSeq5AVX2(d, b, n, t)
		case 6:
			halfbandSeq6AVX2(d, b, n, t)
		case 7:
			halfbandSeq7AVX2(d, b, n, t)
		case 8:
			halfbandSeq8AVX2(d, b, n, t)
		case 9:
			halfbandSeq9AVX2(d, b, n, t)
		}
		dst, s = dst[n:], s+2*n
	}
	return halfbandGo(dst, buf, s, c, pairs)
}

// floorStep is findHot's loop over the bins (see floorStepGo).
func floorStep(s, floor []float32, hot, claim []bool, thr, least float32) {
	if n := len(s) &^ 7; useAVX2 && n > 0 {
		_, _, _ = floor[n-1], hot[n-1], claim[n-1]
		floorStepAVX2(&s[0], &floor[0], &hot[0], &claim[0], n, thr, least)
		s, floor, hot, claim = s[n:], floor[n:], hot[n:], claim[n:]
	}
	floorStepGo(s, floor, hot, claim, thr, least)
}

// maxOf returns the largest of m and s's values (none NaN).
func maxOf(m float32, s []float32) float32 {
	if n := len(s) &^ 7; useAVX2 && n > 0 {
		m = maxAVX2(m, &s[0], n)
		s = s[n:]
	}
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// mix4Loop is mix4's loop over whole groups of four samples (see mix4Go).
func mix4Loop(dst, x []complex64, osc [8]float32, sr, si float32) (float32, float32) {
	if !useAVX2 || len(x) == 0 {
		return mix4Go(dst, x, osc, sr, si)
	}
	o := [4]complex64{complex(osc[0], osc[1]), complex(osc[2], osc[3]), complex(osc[4], osc[5]), complex(osc[6], osc[7])}
	_ = dst[len(x)-1]
	mix4AVX2(&dst[0], &x[0], len(x), &o, complex(sr, si))
	return real(o[0]), imag(o[0])
}

// mix4PairLoop is mix4Loop for two oscillators over the same samples.
func mix4PairLoop(dstA, dstB, x []complex64, oscA [8]float32, srA, siA float32, oscB [8]float32, srB, siB float32) (float32, float32, float32, float32) {
	if !useAVX2 || len(x) == 0 {
		orA, oiA := mix4Go(dstA, x, oscA, srA, siA)
		orB, oiB := mix4Go(dstB, x, oscB, srB, siB)
		return orA, oiA, orB, oiB
	}
	oa := [4]complex64{complex(oscA[0], oscA[1]), complex(oscA[2], oscA[3]), complex(oscA[4], oscA[5]), complex(oscA[6], oscA[7])}
	ob := [4]complex64{complex(oscB[0], oscB[1]), complex(oscB[2], oscB[3]), complex(oscB[4], oscB[5]), complex(oscB[6], oscB[7])}
	_, _ = dstA[len(x)-1], dstB[len(x)-1]
	mix4PairAVX2(&dstA[0], &dstB[0], &x[0], len(x), &oa, &ob, complex(srA, siA), complex(srB, siB))
	return real(oa[0]), imag(oa[0]), real(ob[0]), imag(ob[0])
}
