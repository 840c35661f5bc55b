package demod

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestExtremes checks the quickselect against a sort.
func TestExtremes(t *testing.T) {
	for n := 2; n < 300; n += 7 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32((i*7919)%97) - 40
		}
		sorted := slices.Sorted(slices.Values(v))
		for q := 1; 2*q <= n; q += 3 {
			lo, hi := extremes(slices.Clone(v), q)
			lo, hi = slices.Clone(lo), slices.Clone(hi)
			slices.Sort(lo)
			slices.Sort(hi)
			if !slices.Equal(lo, sorted[:q]) || !slices.Equal(hi, sorted[n-q:]) {
				t.Fatalf("n %d q %d: %v %v", n, q, lo, hi)
			}
		}
	}
}

// TestKernelsExtremeSums: extremeSums gives the bits of adding up
// extremes' values in their order, when its selects and chains run
// (values of few binades, duplicates, signed zeros, subnormals) and when
// they may not (many binades, non-finite values).
func TestKernelsExtremeSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []func() float32{
		func() float32 { return float32(rng.NormFloat64()) },                                     // one cluster
		func() float32 { return float32(rng.NormFloat64()*0.05 + 0.6*float64(2*rng.IntN(2)-1)) }, // two tones
		func() float32 { return float32(rng.IntN(5)) - 2 },                                       // few distinct values
		func() float32 { // zeros, subnormals
			switch rng.IntN(4) {
			case 0:
				return 0
			case 1:
				return float32(math.Copysign(0, -1))
			case 2:
				return 3e-45 * float32(rng.IntN(9)-4)
			}
			return 1e-44 * float32(rng.IntN(9)-4)
		},
		func() float32 { return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(16)-8))) }, // many binades
		func() float32 { // now and then not finite
			if rng.IntN(50) == 0 {
				return float32([]float64{math.Inf(1), math.Inf(-1), math.NaN()}[rng.IntN(3)])
			}
			return float32(rng.NormFloat64())
		},
	}
	var sorted, scratch []float32
	for trial := range 3000 {
		kind := kinds[trial%len(kinds)]
		n := 2 + rng.IntN(1200)
		v := make([]float32, n)
		for i := range v {
			v[i] = kind()
		}
		q := max(1, n/5)
		if trial%3 == 0 {
			q = 1 + rng.IntN(n/2)
		}
		orig := slices.Clone(v)
		lowest, highest := extremes(slices.Clone(v), q)
		var wlo, whi float64
		for _, x := range lowest {
			wlo += float64(x)
		}
		for _, x := range highest {
			whi += float64(x)
		}
		slo, shi := extremeSums(v, q, &sorted, &scratch)
		same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
		if !same(slo, wlo) || !same(shi, whi) {
			t.Fatalf("trial %d, n %d, q %d: sums %v %v, want %v %v", trial, n, q, slo, shi, wlo, whi)
		}
		if !slices.Equal(v, orig) && !slices.ContainsFunc(orig, func(x float32) bool { return x != x }) {
			t.Fatalf("trial %d: v changed", trial)
		}
	}
}

// TestSelectPair checks selectPair against a sort, from one value to
// 500 (few distinct values: many copies of the pivot; ±Inf, and all
// +Inf, which never splits), with v left as it was.
func TestSelectPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 3000 {
		n := 1 + trial%41
		if trial >= 1000 {
			n = 1 + rng.IntN(500)
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.IntN(1 + trial%40))
			switch {
			case trial%7 == 3 && rng.IntN(5) == 0:
				v[i] = float32(math.Inf(1 - 2*rng.IntN(2)))
			case trial%11 == 5:
				v[i] = float32(math.Inf(1))
			case trial%13 == 6:
				v[i] = float32(rng.NormFloat64())
			}
		}
		k1, k2 := rng.IntN(n), rng.IntN(n)
		s := slices.Sorted(slices.Values(v))
		orig := slices.Clone(v)
		a, b := selectPair(v, k1, k2, make([]float32, 5*(n+8)))
		if a != s[k1] || b != s[k2] {
			t.Fatalf("trial %d, n %d, k %d %d: %v %v, want %v %v", trial, n, k1, k2, a, b, s[k1], s[k2])
		}
		if !slices.Equal(v, orig) {
			t.Fatalf("trial %d: v changed", trial)
		}
	}
}
