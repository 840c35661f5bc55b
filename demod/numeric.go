package demod

import "math"

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
