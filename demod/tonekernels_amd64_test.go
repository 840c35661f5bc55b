//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestToneKernelsMatchGo: the burst channel's and demodulators' assembly
// kernels give their Go loops' bits, for every length (the tails are
// Go's), with zeros of either sign, subnormals and magnitudes over twelve
// decades.
func TestToneKernelsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	same32 := func(a, b []float32) bool {
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	}
	// firDecim by two over more than one split of its input.
	for _, outs := range []int{255, 256, 257, 600, 1030} {
		for _, nt := range []int{3, 19, 35, 105, 253} {
			taps := make([]float32, nt)
			for i := range taps[:nt/2+1] {
				taps[i] = float32(rng.NormFloat64())
				taps[nt-1-i] = taps[i]
			}
			buf := randomComplex(rng, 2*outs+nt)
			s := rng.IntN(2)
			n := (len(buf)-s-nt)/2 + 1
			d, d1 := make([]complex64, n), make([]complex64, n)
			if e, e1 := firDecim(d, buf, s, taps, 2), firDecimGo(d1, buf, s, taps, 2); e != e1 || !sameBits(d, d1) {
				t.Fatalf("firDecim, %d outputs, decimation 2, %d taps: AVX2 and Go differ", n, nt)
			}
		}
	}
	for n := range 90 {
		z := randomComplex(rng, n+1)
		if n%3 == 0 {
			onAxes(rng, z, 4)
		}
		d, d1 := make([]float32, n), make([]float32, n)
		phaseSteps(d, z)
		phaseStepsGo(d1, z)
		if !same32(d, d1) {
			t.Fatalf("phaseSteps, %d: AVX2 and Go differ", n)
		}
		for _, L := range []int{1, 2, 7, 13, 40} {
			for _, narrow := range []bool{false, true} {
				pp, pm := randomComplex(rng, n), randomComplex(rng, n)
				if narrow {
					// Magnitudes over a few decades, a zero here and
					// there: every sum exact, the two-chain kernel.
					for i := range pp {
						pp[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e-3))
						pm[i] = complex(float32(rng.NormFloat64()*10), 0)
					}
					if n > 3 {
						pp[3] = 0
					}
				}
				lo, hi := expSpan(pp)
				if lo1, hi1 := expSpanGo(pp); lo != lo1 || hi != hi1 {
					t.Fatalf("expSpan, %d: AVX2 %d %d, Go %d %d", n, lo, hi, lo1, hi1)
				}
				cp, cm, s := make([]complex64, n), make([]complex64, n), make([]float32, n)
				cp1, cm1, s1 := make([]complex64, n), make([]complex64, n), make([]float32, n)
				toneSums(cp, cm, s, pp, pm, L)
				toneSumsGo(cp1, cm1, s1, pp, pm, L)
				if !sameBits(cp, cp1) || !sameBits(cm, cm1) || !same32(s, s1) {
					t.Fatalf("toneSums, %d samples, L %d, exact sums %v: AVX2 and Go differ", n, L, sumsExact(pp, pm, L))
				}
				toneSums(cp, cm, nil, pp, pm, L)
				if !sameBits(cp, cp1) || !sameBits(cm, cm1) {
					t.Fatalf("toneSums without energies, %d samples, L %d: AVX2 and Go differ", n, L)
				}
			}
		}
		cp, cm := randomComplex(rng, n), randomComplex(rng, n)
		for i := range cm {
			if rng.IntN(3) == 0 {
				// Near the 3:1 boundary.
				cm[i] = cp[i] * complex(float32(math.Sqrt(1.0/3)), 0)
			}
		}
		x, osc := randomComplex(rng, n), randomComplex(rng, n)
		dc := randomComplex(rng, 1)[0]
		m, m1 := make([]complex64, n), make([]complex64, n)
		mixOscDC(m, x, osc, dc)
		for i, v := range x {
			x[i] = v - dc
		}
		mixOscGo(m1, x, osc)
		if !sameBits(m, m1) {
			t.Fatalf("mixOscDC, %d: AVX2 and Go less the DC, then mixed, differ", n)
		}
		sA, sB := complex(math.Cos(0.3), math.Sin(0.3)), complex(math.Cos(-1.1), math.Sin(-1.1))
		pa, pb := make([]complex64, n), make([]complex64, n)
		oa, ob := mix4Pair(pa, pb, x, complex(0.6, 0.8), sA, complex(0, 1), sB)
		for _, avx := range []bool{true, false} {
			useAVX2 = avx
			qa, qb := make([]complex64, n), make([]complex64, n)
			oa1, ob1 := mix4(qa, x, complex(0.6, 0.8), sA), mix4(qb, x, complex(0, 1), sB)
			if oa != oa1 || ob != ob1 || !sameBits(pa, qa) || !sameBits(pb, qb) {
				t.Fatalf("mix4Pair, %d samples: not two mix4 (AVX2 %v)", n, avx)
			}
		}
		useAVX2 = true
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.IntN(5) - 2)
		}
		if n > 9 {
			v[9] = float32(math.NaN())
		}
		for _, mid := range []float32{-1.5, 0, 1, float32(math.NaN())} {
			if c, c1 := countUnder(v, mid), countUnderGo(v, mid); c != c1 {
				t.Fatalf("countUnder, %d values under %v: AVX2 %d, Go %d", n, mid, c, c1)
			}
		}
		for _, m := range []int{1, 13} { // over more than one split of 512
			w := make([]float32, n*m)
			for i := range w {
				w[i] = float32(rng.NormFloat64())
				if rng.IntN(40) == 0 {
					w[i] = v[rng.IntN(max(1, n))%max(1, n)*min(1, n)]
				}
			}
			for _, mid := range []float32{-0.5, 0, 0.7, float32(math.NaN())} {
				a0, a1, an := splitSums(w, mid)
				b0, b1, bn := splitSumsGo(w, mid, 0, 0, 0)
				if math.Float32bits(a0) != math.Float32bits(b0) || math.Float32bits(a1) != math.Float32bits(b1) || an != bn {
					t.Fatalf("splitSums, %d values under %v: AVX2 %v %v %d, Go %v %v %d", len(w), mid, a0, a1, an, b0, b1, bn)
				}
			}
		}
		w, w1 := make([]int8, n), make([]int8, n)
		winners(w, cp, cm)
		winnersGo(w1, cp, cm)
		for i := range w {
			if w[i] != w1[i] {
				t.Fatalf("winners, %d: AVX2 and Go differ at %d", n, i)
			}
		}
	}
}

// onAxes moves about three in oneIn of z's samples onto the axes and the
// diagonals: fastAtan2's branches.
func onAxes(rng *rand.Rand, z []complex64, oneIn int) {
	for i := range z {
		switch rng.IntN(oneIn) {
		case 0:
			z[i] = complex(real(z[i]), 0)
		case 1:
			z[i] = complex(0, imag(z[i]))
		case 2:
			z[i] = complex(real(z[i]), real(z[i])*float32(1-2*rng.IntN(2)))
		}
	}
}
