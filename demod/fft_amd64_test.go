//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFFTKernelsMatchGo: the AVX2 FFT (the stages, and the window with the
// first three stages in one pass) gives the Go loops' bits, for every size
// the detector and the other transforms use, mixed magnitudes, signed
// zeros, subnormals, infinities and NaNs (a NaN counts as equal to any
// NaN: a frame holding one is dropped, whatever its bits).
func TestFFTKernelsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	defer func() { useAVX2 = hasAVX2 }()
	rng := rand.New(rand.NewPCG(13, 5))
	same := func(a, b []complex64) bool {
		f := func(x, y float32) bool {
			return math.Float32bits(x) == math.Float32bits(y) || (x != x && y != y)
		}
		for i := range a {
			if !f(real(a[i]), real(b[i])) || !f(imag(a[i]), imag(b[i])) {
				return false
			}
		}
		return true
	}
	for n := 8; n <= 8192; n *= 2 {
		f := newFFT(n)
		for trial := range 20 {
			x := randomComplex(rng, n)
			win := make([]float32, n)
			for i := range win {
				win[i] = float32(rng.Float64())
			}
			if trial%4 == 3 {
				for range 3 {
					switch k := rng.IntN(n); rng.IntN(3) {
					case 0:
						x[k] = complex(float32(math.NaN()), 1)
					case 1:
						x[k] = complex(float32(math.Inf(1)), 0)
					default:
						x[k] = complex(3e38, -3e38)
					}
				}
			}
			want, got := make([]complex64, n), make([]complex64, n)
			useAVX2 = false
			f.windowTransform(want, x, win)
			useAVX2 = true
			f.windowTransform(got, x, win)
			if !same(got, want) {
				t.Fatalf("windowTransform %d, trial %d: AVX2 and Go differ", n, trial)
			}
			a, b := append([]complex64(nil), x...), append([]complex64(nil), x...)
			useAVX2 = false
			f.transform(a)
			useAVX2 = true
			f.transform(b)
			if !same(a, b) {
				t.Fatalf("transform %d, trial %d: AVX2 and Go differ", n, trial)
			}
		}
	}
}
