package demod

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAnalyzeTransformed: a frame transformed on its own (transformFrame)
// and finished in order (analyzeTransformed) gives the detector exactly
// what analyze gives it: the same bin powers, smoothing, noise floor, DC
// estimate and peaks, frame after frame, for frames whose DC offset widens
// the powers' span past exact smoothing or narrows it, strong tones,
// silence, and frames that are not finite or near the float32 range.
func TestAnalyzeTransformed(t *testing.T) {
	for _, fs := range []float64{100e3, 250e3, 800e3, 2.4e6, 20e6} {
		n := 16
		for float64(n) < fs/5000 {
			n <<= 1
		}
		a, b := newDetector(fs, n, 7), newDetector(fs, n, 7)
		rng := rand.New(rand.NewPCG(1, uint64(fs)))
		x := make([]complex64, n)
		f := specFrame{buf: make([]complex64, n), p: make([]float32, n), s: make([]float32, n), blkHi: make([]uint32, n/8), blkLo: make([]uint32, n/8)}
		for frame := range 400 {
			kind := frame % 10
			dc := complex(float32(rng.NormFloat64()*0.01), 0)
			if kind == 3 {
				dc = 1e3 // the DC bins far above the rest: exact sums no longer
			}
			for i := range x {
				x[i] = complex(float32(rng.NormFloat64()*0.01), float32(rng.NormFloat64()*0.01)) + dc
				switch kind {
				case 1: // a strong tone
					s, c := math.Sincos(2 * math.Pi * 0.1234 * float64(i))
					x[i] += complex(float32(10*c), float32(10*s))
				case 4: // silence but for the DC offset
					x[i] = dc
				case 5:
					x[i] *= 1e-20 // subnormal powers
				case 6:
					x[i] *= 1e17 // near the float32 range
				case 7:
					if i == n/3 {
						x[i] = complex(float32(math.NaN()), 0)
					}
				case 8:
					if i == n/5 {
						x[i] = complex(float32(math.Inf(1)), 0)
					}
				}
			}
			a.holdDC, b.holdDC = frame%7 == 2, frame%7 == 2
			want := slices.Clone(a.analyze(x))
			b.transformFrame(x, &f)
			got := b.analyzeTransformed(&f)
			if !slices.Equal(got, want) {
				t.Fatalf("%g S/s frame %d (kind %d): peaks %v, want %v", fs, frame, kind, got, want)
			}
			if !equalBits(a.p, b.p) || !equalBits(a.s, b.s) || !equalBits(a.floor, b.floor) || a.dc != b.dc || a.span != b.span {
				t.Fatalf("%g S/s frame %d (kind %d): detector state differs", fs, frame, kind)
			}
		}
	}
}

func equalBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}
