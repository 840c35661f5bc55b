package demod

import "math"

// The burst demodulators' per-sample kernels (phase steps, tone
// correlators' running sums, winners) as Go loops; on amd64 with AVX2 the
// same operations run in assembly, with the same bits
// (TestToneKernelsMatchGo).

// phaseStepsGo writes, for k < len(dst), the phase turn from z[k] to
// z[k+1] (fastAtan2 of z[k+1]·conj(z[k]), in float32) to dst; len(z) >
// len(dst).
func phaseStepsGo(dst []float32, z []complex64) {
	z = z[:len(dst)+1]
	for k := range dst {
		a, b := z[k+1], z[k]
		re := real(a)*real(b) + imag(a)*imag(b)
		im := imag(a)*real(b) - real(a)*imag(b)
		dst[k] = fastAtan2(im, re)
	}
}

// toneSumsGo runs two one-symbol tone correlators over the mixed-down
// streams pp and pm: for i < len(cp), the float64 running sums of the last
// L samples of each go to cp[i] and cm[i], their energy difference to s[i]
// (unless s is nil).
func toneSumsGo(cp, cm []complex64, s []float32, pp, pm []complex64, L int) {
	n := len(cp)
	cm, pp, pm = cm[:n], pp[:n], pm[:n]
	if s != nil {
		s = s[:n]
	}
	var ap, am complex128
	for i := range n {
		ap += complex128(pp[i])
		am += complex128(pm[i])
		if i >= L {
			ap -= complex128(pp[i-L])
			am -= complex128(pm[i-L])
		}
		cp[i], cm[i] = complex64(ap), complex64(am)
		if s != nil {
			s[i] = float32(real(ap)*real(ap) + imag(ap)*imag(ap) - real(am)*real(am) - imag(am)*imag(am))
		}
	}
}

// expSpanGo returns the smallest biased exponent of the nonzero real and
// imaginary parts of v (1 for subnormals; 255 when there is none) and
// the largest (0 when all are zero).
func expSpanGo(v []complex64) (lo, hi uint32) {
	lo = 255
	for _, c := range v {
		for _, x := range [2]float32{real(c), imag(c)} {
			b := math.Float32bits(x) &^ (1 << 31)
			e := b >> 23
			hi = max(hi, e)
			if b != 0 {
				lo = min(lo, max(e, 1))
			}
		}
	}
	return lo, hi
}

// winnersGo sets won[i], for i < len(won), to 1 where the correlator cp
// clearly won (three times cm's energy), -1 where cm did, else 0.
func winnersGo(won []int8, cp, cm []complex64) {
	cp, cm = cp[:len(won)], cm[:len(won)]
	for i := range won {
		a, b := cp[i], cm[i]
		ep := real(a)*real(a) + imag(a)*imag(a)
		em := real(b)*real(b) + imag(b)*imag(b)
		switch {
		case ep > 3*em:
			won[i] = 1
		case em > 3*ep:
			won[i] = -1
		default:
			won[i] = 0
		}
	}
}
