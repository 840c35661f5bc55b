//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPowersMatchGo: the AVX2 bin powers and their largest and smallest
// bit patterns are powersGo's, bit for bit, at every length (with a tail
// for the Go loop), for mixed magnitudes, signed zeros, subnormals,
// overflow to Inf and NaN.
func TestPowersMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(13, 8))
	for trial := range 500 {
		n := rng.IntN(140)
		x := randomComplex(rng, n)
		for i := range x {
			switch rng.IntN(40) {
			case 0:
				x[i] = complex(float32(math.NaN()), 1)
			case 1:
				x[i] = complex(3e38, float32(math.Inf(-1)))
			case 2:
				x[i] = complex(2e19, -3e19) // its power overflows
			}
		}
		hi0, lo0 := uint32(rng.Uint32()), uint32(rng.Uint32())
		if trial%2 == 0 {
			hi0, lo0 = 0, math.MaxUint32
		}
		want := make([]float32, n)
		wh, wl := powersGo(want, x, hi0, lo0)
		got := make([]float32, n)
		gh, gl := powers(got, x, hi0, lo0)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("trial %d (%d bins): bin %d %v, Go %v", trial, n, i, got[i], want[i])
			}
		}
		if gh != wh || gl != wl {
			t.Fatalf("trial %d (%d bins): bits %#x %#x, Go %#x %#x", trial, n, gh, gl, wh, wl)
		}
	}
}
