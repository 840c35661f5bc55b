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

// finite is cmplx's test, one part at a time: neither NaN nor infinite.
func TestFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vals := []float64{0, math.Copysign(0, -1), 1, -1, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7FF0000000000001), math.Float64frombits(0xFFFFFFFFFFFFFFFF)}
	for range 10000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()))
	}
	for _, x := range vals {
		if got, want := finite(x), !math.IsNaN(x) && !math.IsInf(x, 0); got != want {
			t.Fatalf("finite(%v) = %v", x, got)
		}
		for _, y := range vals[:12] {
			c := complex(x, y)
			if got, want := finite(x) && finite(y), !cmplx.IsNaN(c) && !cmplx.IsInf(c); got != want {
				t.Fatalf("finite(%v): %v, cmplx says %v", c, got, want)
			}
		}
	}
}
