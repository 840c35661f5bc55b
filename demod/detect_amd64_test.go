//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSmooth5MatchesGo: smooth5 with its AVX2 windows gives the Go loop's
// bits for every length, powers over any span (sums that round included),
// subnormals, infinities and NaNs.
func TestSmooth5MatchesGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	defer func() { useAVX2 = hasAVX2 }()
	rng := rand.New(rand.NewPCG(21, 7))
	for trial := range 3000 {
		n := 1 + rng.IntN(100)
		if trial%10 == 0 {
			n = 4096
		}
		p := randomPowers(rng, n, rng.IntN(100), rng.IntN(120))
		if trial%7 == 0 {
			p[rng.IntN(n)] = float32(math.Inf(1))
			p[rng.IntN(n)] = float32(math.NaN())
		}
		got, want := make([]float32, n), make([]float32, n)
		useAVX2 = false
		smooth5(want, p)
		useAVX2 = true
		smooth5(got, p)
		for k := range want {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) && !(got[k] != got[k] && want[k] != want[k]) {
				t.Fatalf("trial %d, %d bins: bin %d %g, Go %g", trial, n, k, got[k], want[k])
			}
		}
	}
}
