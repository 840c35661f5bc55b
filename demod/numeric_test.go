package demod

import (
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
