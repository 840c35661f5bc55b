package demod

import (
	"math"
	"math/bits"
)

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// grow returns s resized to n, reusing its storage.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// extremes reorders v (len(v) ≥ 2q) and returns its q lowest and q highest
// values, each in no particular order: two quickselects instead of a sort.
func extremes[T float32 | float64](v []T, q int) (lowest, highest []T) {
	selectNth(v, q-1)
	rest := v[q:]
	selectNth(rest, len(rest)-q)
	return v[:q], rest[len(rest)-q:]
}

// selectNth reorders v so that v[k] is the value sorting would put there,
// with no larger value before it and no smaller one after (quickselect,
// median-of-three pivots).
func selectNth[T float32 | float64](v []T, k int) {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// extremeSums returns the sums, in float64, of the q lowest and of the q
// highest values of v (len(v) ≥ 2q; v is left as it was) as adding up
// extremes' values one by one gives them (sorted is scratch). When the
// values' exponents span few enough binades (see exactSpan) every such
// sum is exact, so the same number in any order: then each is the sum of
// the values beyond the q-th one from its end plus that one as many times
// as it is still needed (no reordering of v, and the two selects share
// their first partition; see selectPair). Otherwise, or when a value is
// not finite, it adds up extremes' values in their order.
func extremeSums(v []float32, q int, sorted, scratch *[]float32) (slo, shi float64) {
	if lo, hi := expSpan32(v); hi < 255 && int(hi)-int(lo) <= 29-bits.Len(uint(q)) {
		*scratch = grow(*scratch, 5*(len(v)+8))
		tlo, thi := selectPair(v, q-1, len(v)-q, *scratch)
		return tailSums(v, q, tlo, thi)
	}
	*sorted = append((*sorted)[:0], v...)
	lowest, highest := extremes(*sorted, q)
	for _, v := range lowest {
		slo += float64(v)
	}
	for _, v := range highest {
		shi += float64(v)
	}
	return slo, shi
}

// expSpan32 returns the smallest biased exponent of v's nonzero values (1
// for subnormals; 255 when there is none) and the largest (0 when all are
// zero). When the largest minus the smallest is at most 29-bits.Len(q),
// every sum of at most q of them (and of at most q copies of one) is
// exact in float64: each is a multiple of the unit in the last place u
// of the smallest (2⁻²³ of its binade) and under q·2^(hi+1), under 2⁵³·u.
// Non-finite values give 255.
func expSpan32(v []float32) (lo, hi uint32) {
	lo = 255
	for _, x := range v {
		b := math.Float32bits(x) &^ (1 << 31)
		e := b >> 23
		hi = max(hi, e)
		if b != 0 {
			lo = min(lo, max(e, 1))
		}
	}
	return lo, hi
}

// tailSums returns the sums of the q lowest values of v (those under tlo,
// the q-th lowest, and tlo as many times as still needed) and of the q
// highest (over thi, then thi), each added in four chains: for extremeSums,
// when every such sum is exact.
func tailSums(v []float32, q int, tlo, thi float32) (slo, shi float64) {
	lo, hi, nlo, nhi := tailChains(v, tlo, thi)
	slo = (lo[0] + lo[1]) + (lo[2] + lo[3]) + float64(q-nlo)*float64(tlo)
	shi = (hi[0] + hi[1]) + (hi[2] + hi[3]) + float64(q-nhi)*float64(thi)
	return slo, shi
}

// tailChainsGo continues tailSums' chains lo and hi (value i to chain i&3,
// masked to +0 where it is not under tlo, or over thi) and counts from
// value i0 of v on.
func tailChainsGo(v []float32, i0 int, tlo, thi float32, lo, hi [4]float64, nlo, nhi int) ([4]float64, [4]float64, int, int) {
	pick := func(x float32, in bool) (float64, int) {
		var m uint32
		if in {
			m = 1
		}
		return float64(math.Float32frombits(math.Float32bits(x) & -m)), int(m)
	}
	for i := i0; i < len(v); i++ {
		x := v[i]
		l, cl := pick(x, x < tlo)
		h, ch := pick(x, x > thi)
		lo[i&3] += l
		hi[i&3] += h
		nlo += cl
		nhi += ch
	}
	return lo, hi, nlo, nhi
}

// twoMeans splits values into two clusters and returns their centres
// (lower first), refined as the medians-of-means of each side.
func twoMeans(v []float32) (float32, float32) {
	var mean float32
	for _, x := range v {
		mean += x
	}
	mean /= float32(len(v))
	var sd float32
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	sd = float32(math.Sqrt(float64(sd / float32(len(v)))))
	c0, c1 := mean-sd, mean+sd
	last := -1 // how many values were under mid in the round that set c0, c1
	for range 10 {
		mid := (c0 + c1) / 2
		if last >= 0 && countUnder(v, mid) == last {
			// The values under mid grow with it: as many as last round
			// are the same values, whose sums are the centres already
			// set (the round would find them and stop).
			break
		}
		s0, s1, n0 := splitSums(v, mid)
		n1 := len(v) - n0
		if n0 == 0 || n1 == 0 {
			break
		}
		n0c, n1c := s0/float32(n0), s1/float32(n1)
		if n0c == c0 && n1c == c1 {
			break // converged: further rounds change nothing
		}
		c0, c1 = n0c, n1c
		last = n0
	}
	return c0, c1
}

// countUnderGo returns how many of v's values are under mid.
func countUnderGo(v []float32, mid float32) int {
	n := 0
	for _, x := range v {
		var under int
		if x < mid {
			under = 1
		}
		n += under
	}
	return n
}

// splitSumsGo returns s0 and s1 plus the sums (in order, in float32) of
// v's values under mid and of the others, and n0 plus how many are under.
// Each value is added to both sums, masked to +0 for the one it is not in:
// adding +0 changes no sum (neither starts as -0 nor becomes it), and
// there is no branch to mispredict on noisy values.
func splitSumsGo(v []float32, mid, s0, s1 float32, n0 int) (float32, float32, int) {
	for _, x := range v {
		var under uint32
		if x < mid {
			under = 1
		}
		b := math.Float32bits(x)
		mask := -under
		s0 += math.Float32frombits(b & mask)
		s1 += math.Float32frombits(b &^ mask)
		n0 += int(under)
	}
	return s0, s1, n0
}

// fastAtan2 approximates atan2(y, x) within about 0.0015 rad.
func fastAtan2(y, x float32) float32 {
	ax, ay := x, y
	if ax < 0 {
		ax = -ax
	}
	if ay < 0 {
		ay = -ay
	}
	mx, mn := ax, ay
	if ay > ax {
		mx, mn = ay, ax
	}
	if mx == 0 {
		return 0
	}
	a := mn / mx
	s := a * a
	r := ((-0.0464964749*s+0.15931422)*s-0.327622764)*s*a + a
	if ay > ax {
		r = 1.57079637 - r
	}
	if x < 0 {
		r = 3.14159274 - r
	}
	if y < 0 {
		r = -r
	}
	return r
}
