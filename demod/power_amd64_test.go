//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPowerBlocksMatchGo: the AVX2 bin powers and each run's largest and
// smallest bit patterns are powerBlocksGo's, bit for bit, for mixed
// magnitudes, signed zeros, subnormals, overflow to Inf and NaN.
func TestPowerBlocksMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(13, 8))
	for trial := range 500 {
		n := 8 * rng.IntN(20)
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
		want, got := make([]float32, n), make([]float32, n)
		wh, wl := make([]uint32, n/8), make([]uint32, n/8)
		gh, gl := make([]uint32, n/8), make([]uint32, n/8)
		powerBlocksGo(want, x, wh, wl)
		powerBlocks(got, x, gh, gl)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("trial %d (%d bins): bin %d %v, Go %v", trial, n, i, got[i], want[i])
			}
		}
		if !slices.Equal(gh, wh) || !slices.Equal(gl, wl) {
			t.Fatalf("trial %d (%d bins): runs' bits %x %x, Go %x %x", trial, n, gh, gl, wh, wl)
		}
	}
}
