package demod

import "math"

// selectPair returns the values sorting v would put at indexes k1 and k2
// (v is left as it was; no value NaN; buf holds 5·(len(v)+8) values):
// one quickselect partition of v shared by both, then selectOne on the
// side each is in. Each partition copies its values out, those under the
// pivot to one buffer and the others to another (partitionInto, eight at
// a time where the CPU can), so no branch depends on the values. Which
// value a select returns does not depend on how it gets there.
func selectPair(v []float32, k1, k2 int, buf []float32) (float32, float32) {
	n := len(v)
	m := n + 8
	var r [5][]float32
	for i := range r {
		r[i] = buf[i*m : (i+1)*m]
	}
	free := [3][]float32{r[2], r[3], r[4]}
	if n <= 24 {
		return selectOne(v, k1, free), selectOne(v, k2, free)
	}
	p := median3(v)
	if !(p < float32(math.Inf(1))) {
		return selectOne(v, k1, free), selectOne(v, k2, free)
	}
	nl := partitionInto(r[0], r[1], v, p)
	side := func(k int) ([]float32, int) {
		if k < nl {
			return r[0][:nl], k
		}
		return r[1][:n-nl], k - nl
	}
	s1, j1 := side(k1)
	a := selectOne(s1, j1, free)
	s2, j2 := side(k2)
	return a, selectOne(s2, j2, free)
}

// selectOne returns the value sorting v would put at index k (v is left
// as it was; no value NaN): quickselect over the three buffers of r,
// each as long as v plus 8, each partition out of the one v is in into
// the other two.
func selectOne(v []float32, k int, r [3][]float32) float32 {
	cur := -1 // the buffer v is in (-1: the caller's)
	others := func() (a, b int) {
		switch cur {
		case 0:
			return 1, 2
		case 1:
			return 0, 2
		}
		return 0, 1
	}
	for len(v) > 24 {
		n := len(v)
		p := median3(v)
		if !(p < float32(math.Inf(1))) {
			break // +Inf copies would never split off
		}
		a, b := others()
		nl := partitionInto(r[a], r[b], v, p)
		if k < nl {
			v, cur = r[a][:nl], a
			continue
		}
		v, cur, k = r[b][:n-nl], b, k-nl
		if nl == 0 {
			// p is the smallest: take its copies off.
			a, b = others()
			ne := partitionInto(r[a], r[b], v, math.Nextafter32(p, float32(math.Inf(1))))
			if k < ne {
				return p
			}
			v, cur, k = r[b][:n-ne], b, k-ne
		}
	}
	if cur < 0 {
		a, _ := others()
		v = append(r[a][:0], v...)
	}
	selectNth(v, k)
	return v[k]
}

// median3 returns the median of v's first, middle and last values.
func median3(v []float32) float32 {
	a, b, c := v[0], v[len(v)/2], v[len(v)-1]
	return max(min(a, b), min(max(a, b), c))
}

// partitionGo writes v's values under p to lo and the others to hi, each
// in order (both as long as v), and returns how many are under: each value
// goes to both and the side it belongs to moves on.
func partitionGo(lo, hi, v []float32, p float32) int {
	lo, hi = lo[:len(v)], hi[:len(v)]
	nl, nh := 0, 0
	for _, x := range v {
		lo[nl] = x
		hi[nh] = x
		var under int
		if x < p {
			under = 1
		}
		nl += under
		nh += 1 - under
	}
	return nl
}

// energySumGo returns the sum in float64, in order, of z's float32
// energies r·r + i·i.
func energySumGo(z []complex64) float64 {
	var s float64
	for _, v := range z {
		s += float64(real(v)*real(v) + imag(v)*imag(v))
	}
	return s
}
