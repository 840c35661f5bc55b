package demod

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// dcQuotient is complex division by the window's sum, bit for bit, for
// every finite bin; a bin that is not finite gives a quotient that is not
// finite either, as the division's does (removeDC then holds its estimate).
func TestDCQuotient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	odd := []float32{0, float32(math.Copysign(0, -1)), 1, -1, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for _, n := range []int{16, 64, 512, 4096} {
		d := newDetector(250e3, n, 7)
		if !d.dcSmith {
			t.Fatalf("n=%d: window sum %v takes the division", n, d.winDC[2])
		}
		for i := range 20000 {
			var v complex64
			switch i % 4 {
			case 0:
				v = complex(odd[rng.IntN(len(odd))], odd[rng.IntN(len(odd))])
			case 1:
				v = complex(math.Float32frombits(rng.Uint32()), math.Float32frombits(rng.Uint32()))
			default:
				v = complex(float32(rng.NormFloat64()*100), float32(rng.NormFloat64()*100))
			}
			got, want := d.dcQuotient(v), complex128(v)/d.winDC[2]
			finite := !cmplx.IsNaN(want) && !cmplx.IsInf(want)
			if finite && (math.Float64bits(real(got)) != math.Float64bits(real(want)) ||
				math.Float64bits(imag(got)) != math.Float64bits(imag(want))) {
				t.Fatalf("n=%d: %v / %v = %v, want %v", n, v, d.winDC[2], got, want)
			}
			if gotFinite := !cmplx.IsNaN(got) && !cmplx.IsInf(got); gotFinite != finite {
				t.Fatalf("n=%d: %v / %v = %v, want %v", n, v, d.winDC[2], got, want)
			}
		}
	}
}
