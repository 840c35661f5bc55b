package demod

import (
	"math"
	"math/cmplx"
	"strconv"
	"testing"
)

// TestFFT compares the FFT with a direct DFT.
func TestFFT(t *testing.T) {
	for _, n := range []int{4, 8, 16, 32, 64, 128, 512, 1024} {
		f := newFFT(n)
		x := make([]complex64, n)
		for i := range x {
			x[i] = complex(float32(i%7)-3, float32(i%5)+0.1*float32(i))
		}
		want := make([]complex128, n)
		for k := range want {
			for i, v := range x {
				s, c := math.Sincos(-2 * math.Pi * float64(k*i) / float64(n))
				want[k] += complex128(v) * complex(c, s)
			}
		}
		f.transform(x)
		for k := range x {
			if d := cmplx.Abs(complex128(x[k]) - want[k]); d > 1e-4*float64(n) {
				t.Fatalf("n %d bin %d: %v, want %v", n, k, x[k], want[k])
			}
		}
	}
}

func BenchmarkFFT512(b *testing.B) {
	f := newFFT(512)
	x := make([]complex64, 512)
	for range b.N {
		f.transform(x)
	}
}

// BenchmarkWindowTransform is the search's windowed transform of one
// frame at each rate's size (64: 250 kS/s, 512: 2.4 MS/s, 4096: 20 MS/s).
func BenchmarkWindowTransform(b *testing.B) {
	for _, n := range []int{64, 512, 4096} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			d := newDetector(float64(n)*5000, n, 10)
			x := make([]complex64, n)
			for i := range x {
				x[i] = complex(float32(i%7), float32(i%5))
			}
			for b.Loop() {
				d.f.windowTransform(d.buf, x, d.win)
			}
		})
	}
}
