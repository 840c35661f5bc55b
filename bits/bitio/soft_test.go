package bitio

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSliceSoft checks SliceSoft against SoftBit, symbol by symbol, on the
// values at the edges of its bit tests and on random bit patterns.
func TestSliceSoft(t *testing.T) {
	soft := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		math.Float32frombits(0x7F800001), math.Float32frombits(0xFF800001), math.Float32frombits(0xFFFFFFFF),
		math.Float32frombits(0x7FFFFFFF), math.Float32frombits(0x7FC00000)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		soft = append(soft, math.Float32frombits(rng.Uint32()), float32(rng.NormFloat64()))
	}
	dst := make([]byte, len(soft))
	nan := SliceSoft(dst, soft)
	want := 0
	for i, v := range soft {
		b, ok := SoftBit(v)
		if dst[i] != b {
			t.Fatalf("SliceSoft(%#08x) = %d, SoftBit says %d", math.Float32bits(v), dst[i], b)
		}
		if !ok {
			want++
		}
	}
	if nan != want {
		t.Fatalf("SliceSoft counted %d NaNs, want %d", nan, want)
	}
}
