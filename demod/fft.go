package demod

import "math"

// fft is an in-place radix-2 complex FFT of a fixed power-of-two size
// (at least 4).
type fft struct {
	n   int
	tw  [][]complex64 // per stage of size 8, 16… n: e^{-j2πk/size}, k < size/2
	rev []int32
	// tw64 is tw in float64 for the AVX2 kernels, four twiddles at a
	// time, each part twice: re₀ re₀ … re₃ re₃ im₀ im₀ … im₃ im₃ (the same
	// values: float32 to float64 is exact), so a butterfly needs no
	// shuffle of its twiddles.
	tw64 [][]float64
}

func newFFT(n int) *fft {
	f := &fft{n: n, rev: make([]int32, n)}
	for size := 8; size <= n; size <<= 1 {
		tw := make([]complex64, size/2)
		for k := range tw {
			s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(size))
			tw[k] = complex(float32(c), float32(s))
		}
		f.tw = append(f.tw, tw)
		t64 := make([]float64, 0, 4*len(tw))
		for k := 0; k < len(tw); k += 4 {
			for _, w := range tw[k : k+4] {
				t64 = append(t64, float64(real(w)), float64(real(w)))
			}
			for _, w := range tw[k : k+4] {
				t64 = append(t64, float64(imag(w)), float64(imag(w)))
			}
		}
		f.tw64 = append(f.tw64, t64)
	}
	bits := 0
	for 1<<bits < n {
		bits++
	}
	for i := range f.rev {
		r := 0
		for b := range bits {
			r |= (i >> b & 1) << (bits - 1 - b)
		}
		f.rev[i] = int32(r)
	}
	return f
}

// transform computes the DFT of x in place (len(x) == n).
func (f *fft) transform(x []complex64) {
	x = x[:f.n]
	for i, r := range f.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	f.transformReversed(x)
}

// windowReversed writes x·win to dst in bit-reversed order, ready for
// transformReversed (dst and x must not overlap).
func (f *fft) windowReversed(dst, x []complex64, win []float32) {
	dst, x, win = dst[:f.n], x[:f.n], win[:f.n]
	for i, r := range f.rev {
		v, w := x[i], win[i]
		dst[r] = complex(real(v)*w, imag(v)*w)
	}
}

// windowTransformGo is windowTransform in Go: windowReversed, then
// transformReversed.
func (f *fft) windowTransformGo(dst, x []complex64, win []float32) {
	f.windowReversed(dst, x, win)
	f.transformReversed(dst)
}

// transformReversed is transform of x given in bit-reversed order.
func (f *fft) transformReversed(x []complex64) {
	x = x[:f.n]
	radix4(x)
	f.stages(x, 0)
}

// stagesGo runs the radix-2 stages from the i-th on (size 8<<i) in Go.
func (f *fft) stagesGo(x []complex64, i int) {
	for ; i < len(f.tw); i++ {
		stageGo(x, f.tw[i])
	}
}

// radix4 runs the first two stages (twiddles 1 and -j) as radix-4
// butterflies.
func radix4(x []complex64) {
	n := len(x)
	for start := 0; start+4 <= n; start += 4 {
		v := x[start : start+4 : start+4]
		a0, a1 := v[0]+v[1], v[0]-v[1]
		b0, b1 := v[2]+v[3], v[2]-v[3]
		b1 = complex(imag(b1), -real(b1)) // ·(-j)
		v[0], v[2] = a0+b0, a0-b0
		v[1], v[3] = a1+b1, a1-b1
	}
}
