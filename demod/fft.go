package demod

import "math"

// fft is an in-place radix-2 complex FFT of a fixed power-of-two size.
type fft struct {
	n   int
	tw  []complex64 // twiddles e^{-j2πk/n}, k < n/2
	rev []int32
}

func newFFT(n int) *fft {
	f := &fft{n: n, tw: make([]complex64, n/2), rev: make([]int32, n)}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.tw[k] = complex(float32(c), float32(s))
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
	n := f.n
	x = x[:n]
	for i, r := range f.rev {
		if int(r) > i {
			x[i], x[r] = x[r], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half := size >> 1
		step := n / size
		for start := 0; start < n; start += size {
			a := x[start : start+half]
			b := x[start+half : start+size]
			for k := range a {
				t := f.tw[k*step] * b[k]
				b[k] = a[k] - t
				a[k] += t
			}
		}
	}
}
