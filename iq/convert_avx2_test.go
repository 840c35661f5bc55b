package iq

import (
	"math"
	"testing"
)

// TestDecode8Tables: the 8-bit conversions give the tables' values (the
// AVX2 kernels where the CPU has them), for every byte and length.
func TestDecode8Tables(t *testing.T) {
	src := make([]byte, 2*300)
	for i := range src {
		src[i] = byte(i * 7)
	}
	for _, f := range []Format{CU8, CS8} {
		lut := &cu8LUT
		if f == CS8 {
			lut = &cs8LUT
		}
		for n := range 300 {
			dst := make([]complex64, n)
			if got := Decode(f, dst, src[:2*n]); got != n {
				t.Fatalf("%v: %d samples, want %d", f, got, n)
			}
			for i, v := range dst {
				re, im := lut[src[2*i]], lut[src[2*i+1]]
				if math.Float32bits(real(v)) != math.Float32bits(re) || math.Float32bits(imag(v)) != math.Float32bits(im) {
					t.Fatalf("%v, %d samples: sample %d is %v, want %v", f, n, i, v, complex(re, im))
				}
			}
		}
	}
}
