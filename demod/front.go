package demod

import "math"

// The channel filter decimating by two runs on its input split by parity
// (planes e and o: e[m] = sample 2m, o[m] = sample 2m+1 from the next
// output's window start): four or eight outputs' samples at a tap are then
// one load. The mixer writes the planes directly, so each input sample is
// mixed, split and stored once; with AVX-512 the filter runs inside the
// mixer's loop, in the shadow of its oscillators' recurrence (as it does
// for the filters by one, mix4FIR1).

// eoJob is firDecimEO(dst, e, o, taps) for mix4DeintFIR to start on
// while it mixes: dst[k]'s window must lie in the planes once the samples
// mixed before x and x[:16k+16·eoLag] are in.
type eoJob struct {
	dst, e, o []complex64
	taps      []float32
}

// mix4DeintFIR is mix4 of x with the products at even positions written
// to a and those at odd ones to b (a[i/2] (i even) or b[i/2] (i odd) gets
// mix4's dst[i]), and as many of job's first outputs as it computes while
// mixing (a multiple of 8, maybe none). It returns mix4's next oscillator
// value and their number.
func mix4DeintFIR(a, b, x []complex64, osc, step complex128, job eoJob) (complex128, int) {
	o4, sr, si := mix4Start(osc, step)
	n := len(x) &^ 3
	or0, oi0, done := mix4DeintLoop(a, b, x[:n], o4, sr, si, job)
	o := complex(float64(or0), float64(oi0))
	for i := n; i < len(x); i++ {
		v := x[i] * complex64(o)
		if i&1 == 0 {
			a[i/2] = v
		} else {
			b[i/2] = v
		}
		o *= step
	}
	return o / complex(math.Hypot(real(o), imag(o)), 0), done
}

// fir1Job is firDecim(dst, src, 0, taps, 1) for mix4FIR1 to start on
// while it mixes: dst[k]'s window must lie in src once x[:8k+8·fir1Lag]
// is mixed.
type fir1Job struct {
	dst, src []complex64
	taps     []float32
}

// mix4FIR1 is mix4, with as many of job's first outputs as it computes
// while mixing (a multiple of 8, maybe none); it returns the oscillator's
// next value and their number.
func mix4FIR1(dst, x []complex64, osc, step complex128, job fir1Job) (complex128, int) {
	o4, sr, si := mix4Start(osc, step)
	n := len(x) &^ 3
	dst = dst[:len(x)]
	or0, oi0, done := mix4FIR1Loop(dst[:n], x[:n], o4, sr, si, job)
	return mix4End(dst, x, n, or0, oi0, step), done
}

// mix4DeintGo is mix4Go with its products split by parity as mix4DeintFIR
// writes them (len(x) a multiple of 4).
func mix4DeintGo(a, b, x []complex64, osc [8]float32, sr, si float32) (float32, float32) {
	or0, oi0, or1, oi1, or2, oi2, or3, oi3 := osc[0], osc[1], osc[2], osc[3], osc[4], osc[5], osc[6], osc[7]
	for i := 0; i < len(x); i += 4 {
		v := x[i : i+4 : i+4]
		da := a[i/2 : i/2+2 : i/2+2]
		db := b[i/2 : i/2+2 : i/2+2]
		da[0] = complex(real(v[0])*or0-imag(v[0])*oi0, real(v[0])*oi0+imag(v[0])*or0)
		db[0] = complex(real(v[1])*or1-imag(v[1])*oi1, real(v[1])*oi1+imag(v[1])*or1)
		da[1] = complex(real(v[2])*or2-imag(v[2])*oi2, real(v[2])*oi2+imag(v[2])*or2)
		db[1] = complex(real(v[3])*or3-imag(v[3])*oi3, real(v[3])*oi3+imag(v[3])*or3)
		or0, oi0 = or0*sr-oi0*si, or0*si+oi0*sr
		or1, oi1 = or1*sr-oi1*si, or1*si+oi1*sr
		or2, oi2 = or2*sr-oi2*si, or2*si+oi2*sr
		or3, oi3 = or3*sr-oi3*si, or3*si+oi3*sr
	}
	return or0, oi0
}

// deinterleaveGo writes x's samples at even positions to a and those at
// odd ones to b.
func deinterleaveGo(a, b, x []complex64) {
	for i, v := range x {
		if i&1 == 0 {
			a[i/2] = v
		} else {
			b[i/2] = v
		}
	}
}

// firDecimEOGo is firDecimGo by two from the planes of its input (e[m] =
// buf[s+2m], o[m] = buf[s+2m+1]): dotSym's operations in its order.
func firDecimEOGo(dst, e, o []complex64, taps []float32) {
	n := len(taps)
	h := n / 2
	for k := range dst {
		var r0, r1, i0, i1 float32
		j := 0
		for ; j+2 <= h; j += 2 {
			// Taps j and n-1-j are even, j+1 and n-2-j odd.
			a0, b0 := e[k+j/2], e[k+(n-1-j)/2]
			a1, b1 := o[k+j/2], o[k+(n-2-j)/2]
			t0, t1 := taps[j], taps[j+1]
			r0 += t0 * (real(a0) + real(b0))
			i0 += t0 * (imag(a0) + imag(b0))
			r1 += t1 * (real(a1) + real(b1))
			i1 += t1 * (imag(a1) + imag(b1))
		}
		if j < h {
			a, b := e[k+j/2], e[k+(n-1-j)/2]
			r0 += taps[j] * (real(a) + real(b))
			i0 += taps[j] * (imag(a) + imag(b))
		}
		c := e[k+h/2]
		if h&1 == 1 {
			c = o[k+h/2]
		}
		dst[k] = complex(r0+r1+taps[h]*real(c), i0+i1+taps[h]*imag(c))
	}
}
