//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomComplex returns n samples of mixed magnitudes, signed zeros and
// subnormals included.
func randomComplex(rng *rand.Rand, n int) []complex64 {
	x := make([]complex64, n)
	v := func() float32 {
		switch rng.IntN(20) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return 1e-40
		}
		return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6)))
	}
	for i := range x {
		x[i] = complex(v(), v())
	}
	return x
}

// sameBits reports whether a and b hold the same float32 bits.
func sameBits(a, b []complex64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(real(a[i])) != math.Float32bits(real(b[i])) ||
			math.Float32bits(imag(a[i])) != math.Float32bits(imag(b[i])) {
			return false
		}
	}
	return true
}

// TestKernelsMatchGo: the assembly kernels give the Go loops' bits, for
// every length (the tails are Go's).
func TestKernelsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 70 {
		a, b, tw := randomComplex(rng, n), randomComplex(rng, n), randomComplex(rng, n)
		a1, b1 := append([]complex64(nil), a...), append([]complex64(nil), b...)
		butterflies(a, b, tw)
		butterfliesGo(a1, b1, tw)
		if !sameBits(a, a1) || !sameBits(b, b1) {
			t.Fatalf("butterflies, %d: AVX2 and Go differ", n)
		}
	}
	for n := range 70 {
		buf := randomComplex(rng, 2*n+7)
		for s := range 2 {
			outs := (len(buf) - s - 6) / 2
			d, d1 := make([]complex64, outs), make([]complex64, outs)
			e := halfband7Out(d, buf, s, 0.5, 9.0/32, -1.0/32)
			e1 := halfband7Go(d1, buf, s, 0.5, 9.0/32, -1.0/32)
			if e != e1 || !sameBits(d, d1) {
				t.Fatalf("halfband7, %d outputs: AVX2 and Go differ", outs)
			}
		}
		for _, decim := range []int{1, 2, 4, 5} {
			for _, nt := range []int{3, 19, 21, 35, 105} {
				taps := make([]float32, nt)
				for i := range taps[:nt/2+1] {
					taps[i] = float32(rng.NormFloat64())
					taps[nt-1-i] = taps[i]
				}
				buf := randomComplex(rng, n*decim+nt)
				outs := (len(buf)-nt)/decim + 1
				d, d1 := make([]complex64, outs), make([]complex64, outs)
				if e, e1 := firDecim(d, buf, 0, taps, decim), firDecimGo(d1, buf, 0, taps, decim); e != e1 || !sameBits(d, d1) {
					t.Fatalf("firDecim, %d outputs, decimation %d, %d taps: AVX2 and Go differ", outs, decim, nt)
				}
			}
		}
		for m := 2; m <= 10; m++ {
			pairs := make([]float32, m)
			for i := range pairs {
				pairs[i] = float32(rng.NormFloat64())
			}
			buf := randomComplex(rng, 2*n+4*m)
			for s := range 2 {
				outs := (len(buf) - s - 4*m + 2) / 2
				d, d1 := make([]complex64, outs), make([]complex64, outs)
				e, e1 := halfbandOut(d, buf, s, 0.5, pairs), halfbandGo(d1, buf, s, 0.5, pairs)
				if e != e1 || !sameBits(d, d1) {
					t.Fatalf("half-band, %d pairs, %d outputs: AVX2 and Go differ", m, outs)
				}
			}
		}
		pw := make([]float32, n)
		for i := range pw {
			pw[i] = float32(math.Abs(rng.NormFloat64()) * math.Pow(10, float64(rng.IntN(6)-3)))
		}
		if n > 5 {
			pw[2], pw[3] = 0, 1e-40
		}
		fl := make([]float32, n)
		for i := range fl {
			fl[i] = pw[(i+rng.IntN(n))%n] * float32(rng.Float64()*3)
		}
		fl1 := append([]float32(nil), fl...)
		h, h1 := make([]bool, n), make([]bool, n)
		c, c1 := make([]bool, n), make([]bool, n)
		for i := range c {
			c[i], c1[i] = true, true
		}
		floorStep(pw, fl, h, c, 5, 1e-3)
		floorStepGo(pw, fl1, h1, c1, 5, 1e-3)
		for i := range fl {
			if math.Float32bits(fl[i]) != math.Float32bits(fl1[i]) || h[i] != h1[i] || c[i] != c1[i] {
				t.Fatalf("floorStep, %d bins: AVX2 and Go differ at %d", n, i)
			}
		}
		m := float32(0)
		for _, v := range pw {
			m = max(m, v)
		}
		if got := maxOf(0, pw); got != m {
			t.Fatalf("maxOf, %d values: %g, want %g", n, got, m)
		}
		x := randomComplex(rng, n)
		d, d1 := make([]complex64, n), make([]complex64, n)
		st := complex(math.Cos(0.3), math.Sin(0.3))
		o := mix4(d, x, complex(0.6, 0.8), st)
		useAVX2 = false
		o1 := mix4(d1, x, complex(0.6, 0.8), st)
		useAVX2 = true
		if o != o1 || !sameBits(d, d1) {
			t.Fatalf("mix4, %d samples: AVX2 and Go differ", n)
		}
		osc := randomComplex(rng, n)
		d, d1 = make([]complex64, n), make([]complex64, n)
		mixOsc(d, x, osc)
		mixOscGo(d1, x, osc)
		if !sameBits(d, d1) {
			t.Fatalf("mixOsc, %d samples: AVX2 and Go differ", n)
		}

	}
	for _, n := range []int{16, 64, 512, 4096} {
		f := newFFT(n)
		x := randomComplex(rng, n)
		y := append([]complex64(nil), x...)
		f.transform(x)
		useAVX2 = false
		f.transform(y)
		useAVX2 = true
		if !sameBits(x, y) {
			t.Fatalf("FFT %d: AVX2 and Go differ", n)
		}
		// Windowed into bit-reversed order: the same as windowed, then
		// transformed.
		win := make([]float32, n)
		for i := range win {
			win[i] = float32(rng.Float64())
		}
		in := randomComplex(rng, n)
		a, b := make([]complex64, n), make([]complex64, n)
		for i, v := range in {
			a[i] = complex(real(v)*win[i], imag(v)*win[i])
		}
		f.transform(a)
		f.windowReversed(b, in, win)
		f.transformReversed(b)
		if !sameBits(a, b) {
			t.Fatalf("FFT %d: windowed in bit-reversed order differs", n)
		}
	}
}
