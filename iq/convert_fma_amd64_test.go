//go:build !purego

package iq

import (
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/avx2"
)

// TestCU8Kernels: both cu8 kernels, the divider's (cu8AVX2) and the
// corrected product's (cu8FMA), give cu8LUT's values bit for bit for every
// byte, in either half of a sample, at every length (multiples of 4, odd
// multiples included).
func TestCU8Kernels(t *testing.T) {
	if !avx2.Available {
		t.Skip("no AVX2")
	}
	kernels := map[string]func(*complex64, *byte, int){"cu8AVX2": cu8AVX2}
	if avx2.FMA {
		kernels["cu8FMA"] = cu8FMA
	}
	src := make([]byte, 2*520)
	for i := range src {
		src[i] = byte(i * 7) // every value, in the real and the imaginary half
	}
	for name, k := range kernels {
		for n := 4; n <= 520; n += 4 {
			dst := make([]complex64, n+1)
			dst[n] = 42
			k(&dst[0], &src[0], n)
			for i, v := range dst[:n] {
				re, im := cu8LUT[src[2*i]], cu8LUT[src[2*i+1]]
				if math.Float32bits(real(v)) != math.Float32bits(re) || math.Float32bits(imag(v)) != math.Float32bits(im) {
					t.Fatalf("%s, %d samples: sample %d is %v, want %v", name, n, i, v, complex(re, im))
				}
			}
			if dst[n] != 42 {
				t.Fatalf("%s, %d samples: wrote past them", name, n)
			}
		}
	}
}
