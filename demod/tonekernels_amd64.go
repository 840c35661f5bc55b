//go:build !purego

package demod

import "math/bits"

//go:noescape
func phaseStepsAVX2(dst *float32, z *complex64, n int, c *[6][8]float32)

//go:noescape
func toneSumsAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, n, L int)

//go:noescape
func toneSumsPairAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, n, L, M int)

//go:noescape
func expSpanAVX2(v *complex64, n int, lohi *[16]uint32)

//go:noescape
func countUnderAVX2(v *float32, n int, mid float32) int

//go:noescape
func partitionAVX2(lo, hi, v *float32, n int, mid float32, perm *[256][8]uint32) int

//go:noescape
func winnersAVX2(won *int8, cp, cm *complex64, n int)

// atanConsts are fastAtan2's constants, each in float32 as Go rounds them
// and repeated for the eight lanes: the polynomial's three, π/2, π, and
// the sign bit.
var atanConsts = func() (c [6][8]float32) {
	v := [6]float32{-0.0464964749, 0.15931422, 0.327622764, 1.57079637, 3.14159274, float32(negZero)}
	for i, x := range v {
		for j := range c[i] {
			c[i][j] = x
		}
	}
	return c
}()

var negZero = func() float32 { z := float32(0); return -z }()

// phaseSteps writes the phase turns of z to dst (see phaseStepsGo).
func phaseSteps(dst []float32, z []complex64) {
	if n := len(dst) &^ 15; useAVX512 && useAVX2 && n > 0 {
		_ = z[n]
		phaseStepsAVX512(&dst[0], &z[0], n, &atanConsts)
		dst, z = dst[n:], z[n:]
	}
	if n := len(dst) &^ 7; useAVX2 && n > 0 {
		_ = z[n]
		phaseStepsAVX2(&dst[0], &z[0], n, &atanConsts)
		dst, z = dst[n:], z[n:]
	}
	phaseStepsGo(dst, z)
}

// toneSums runs the tone correlators' running sums (see toneSumsGo).
func toneSums(cp, cm []complex64, s []float32, pp, pm []complex64, L int) {
	n := len(cp)
	exact := useAVX2 && L >= 1 && n >= L+4 && sumsExact(pp[:n], pm[:n], L)
	toneSumsKnown(cp, cm, s, pp, pm, L, exact)
}

// sumsSpan tells whether toneSumsSpan uses the span it is given (else
// the mixer need not find it).
const sumsSpan = true

// toneSumsSpan is toneSums of pp and pm whose parts (the first len(cp)
// of each) have the exponent span lo, hi together (see expSpanGo).
func toneSumsSpan(cp, cm []complex64, s []float32, pp, pm []complex64, L int, lo, hi uint32) {
	toneSumsKnown(cp, cm, s, pp, pm, L, len(cp) >= L+4 && spanExact(lo, hi, L))
}

// toneSumsKnown is toneSums where exact tells whether sumsExact holds
// (read only with AVX2, L ≥ 1 and len(cp) ≥ L+4).
func toneSumsKnown(cp, cm []complex64, s []float32, pp, pm []complex64, L int, exact bool) {
	n := len(cp)
	if !useAVX2 || n == 0 || L < 1 {
		toneSumsGo(cp, cm, s, pp, pm, L)
		return
	}
	_, _, _ = cm[n-1], pp[n-1], pm[n-1]
	var sp *float32
	if s != nil {
		_ = s[n-1]
		sp = &s[0]
	}
	if exact && L >= 2 {
		toneSumsExact(cp, cm, s, pp, pm, L)
		return
	}
	if exact && n >= 2*L+2 {
		// The first window's sums in order, then two chains.
		var sh []float32
		if s != nil {
			sh = s[:L]
		}
		toneSumsGo(cp[:L], cm[:L], sh, pp[:L], pm[:L], L)
		toneSumsPairAVX2(&cp[0], &cm[0], sp, &pp[0], &pm[0], n, L, L+(n-L)/2)
		return
	}
	toneSumsAVX2(&cp[0], &cm[0], sp, &pp[0], &pm[0], n, L)
}

// countUnder returns how many of v's values are under mid.
func countUnder(v []float32, mid float32) int {
	c := 0
	if n := len(v) &^ 7; useAVX2 && n > 0 {
		c = countUnderAVX2(&v[0], n, mid)
		v = v[n:]
	}
	return c + countUnderGo(v, mid)
}

// expSpan returns the exponent span of v's parts (see expSpanGo).
func expSpan(v []complex64) (lo, hi uint32) {
	lo, hi = 255, 0
	if n := 2 * len(v) &^ 7; useAVX2 && n > 0 {
		var lohi [16]uint32
		expSpanAVX2(&v[0], n, &lohi)
		for j := range 8 {
			lo, hi = min(lo, lohi[j]), max(hi, lohi[8+j])
		}
		v = v[n/2:]
	}
	l, h := expSpanGo(v)
	return min(lo, l), max(hi, h)
}

// partitionPerm[m] lists the lanes whose bit is set in m, in order.
var partitionPerm = func() (t [256][8]uint32) {
	for m := range 256 {
		k := 0
		for i := range 8 {
			if m>>i&1 == 1 {
				t[m][k] = uint32(i)
				k++
			}
		}
	}
	return t
}()

// splitSums returns the sums (in order, in float32) of v's values under
// mid and of the others, and how many are under: each 512 values split
// into the two sides (in order), then each side's sum a chain of its own,
// the two side by side; the rest as splitSumsGo.
func splitSums(v []float32, mid float32) (s0, s1 float32, n0 int) {
	if !useAVX2 {
		return splitSumsGo(v, mid, 0, 0, 0)
	}
	var lo, hi [512 + 8]float32
	for len(v) >= 8 {
		c := min(len(v), 512) &^ 7
		k := partitionAVX2(&lo[0], &hi[0], &v[0], c, mid, &partitionPerm)
		s0, s1 = pairSums(s0, s1, lo[:k], hi[:c-k])
		n0 += k
		v = v[c:]
	}
	return splitSumsGo(v, mid, s0, s1, n0)
}

// pairSums returns s0 plus the sum of a and s1 plus that of b, each in
// order.
func pairSums(s0, s1 float32, a, b []float32) (float32, float32) {
	k := min(len(a), len(b))
	a2, b2 := a[:k], b[:k]
	for i, x := range a2 {
		s0 += x
		s1 += b2[i]
	}
	for _, x := range a[k:] {
		s0 += x
	}
	for _, x := range b[k:] {
		s1 += x
	}
	return s0, s1
}

// winners marks the windows one tone clearly won (see winnersGo).
func winners(won []int8, cp, cm []complex64) {
	if n := len(won) &^ 7; useAVX2 && n > 0 {
		_, _ = cp[n-1], cm[n-1]
		winnersAVX2(&won[0], &cp[0], &cm[0], n)
		won, cp, cm = won[n:], cp[n:], cm[n:]
	}
	winnersGo(won, cp, cm)
}

// sumsExact reports whether every partial sum of toneSumsGo's running sums
// over pp and pm is exact in float64: each value is a multiple of the
// unit in the last place u of the smallest nonzero part (2⁻²³ of its
// binade), and the partial sums, of at most L+1 values, stay under
// (L+1)·2^(hi+1) with hi the largest part's exponent; that is under 2⁵³·u
// while the exponents span at most 29-⌈log₂(L+1)⌉ binades. Then each
// window's sum is the same number however it is added up. Non-finite
// values are never exact.
func sumsExact(pp, pm []complex64, L int) bool {
	lo, hi := expSpan(pp)
	lo2, hi2 := expSpan(pm)
	return spanExact(min(lo, lo2), max(hi, hi2), L)
}

// spanExact is sumsExact for values whose parts' exponent span (see
// expSpanGo) is lo, hi.
func spanExact(lo, hi uint32, L int) bool {
	return hi < 255 && int(hi)-int(lo) <= 29-bits.Len(uint(L))
}
