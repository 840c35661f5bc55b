//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFrontKernelsMatchGo: the front end's kernels give their Go loops'
// bits, for every length (the tails are Go's).
func TestFrontKernelsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	frontKernelsMatchGo(t)
	if hasAVX512 {
		// The AVX2 kernels alone, as on a CPU without AVX-512.
		useAVX512 = false
		defer func() { useAVX512 = hasAVX512 }()
		frontKernelsMatchGo(t)
		TestMixDecimMatchesOneBuffer(t)
	}
}

func frontKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 90 {
		z := randomComplex(rng, n+1)
		onAxes(rng, z, 8)
		d, d1 := make([]float32, n), make([]float32, n)
		phaseSteps(d, z)
		phaseStepsGo(d1, z)
		for i := range d {
			if math.Float32bits(d[i]) != math.Float32bits(d1[i]) {
				t.Fatalf("phaseSteps, %d: AVX and Go differ at %d", n, i)
			}
		}
	}
	for n := range 70 {
		for _, nt := range []int{3, 5, 19, 21, 35, 105} {
			taps := make([]float32, nt)
			for i := range taps[:nt/2+1] {
				taps[i] = float32(rng.NormFloat64())
				taps[nt-1-i] = taps[i]
			}
			buf := randomComplex(rng, 2*n+nt)
			outs := n + 1
			e, o := make([]complex64, outs+nt/2), make([]complex64, outs+nt/2-1)
			deinterleaveGo(e, o, buf[:len(e)+len(o)])
			d, d1 := make([]complex64, outs), make([]complex64, outs)
			firDecimEO(d, e, o, taps)
			firDecimGo(d1, buf, 0, taps, 2)
			if !sameBits(d, d1) {
				t.Fatalf("firDecimEO, %d outputs, %d taps: AVX and dotSym differ", outs, nt)
			}
			outs = len(buf) - nt + 1
			d, d1 = make([]complex64, outs), make([]complex64, outs)
			firDecim(d, buf, 0, taps, 1)
			firDecimGo(d1, buf, 0, taps, 1)
			if !sameBits(d, d1) {
				t.Fatalf("firDecim by one, %d outputs, %d taps: AVX and dotSym differ", outs, nt)
			}
		}
		x := randomComplex(rng, n)
		a, b := make([]complex64, (n+1)/2), make([]complex64, n/2)
		a1, b1 := make([]complex64, (n+1)/2), make([]complex64, n/2)
		deinterleave(a, b, x)
		deinterleaveGo(a1, b1, x)
		if !sameBits(a, a1) || !sameBits(b, b1) {
			t.Fatalf("deinterleave, %d samples: AVX2 and Go differ", n)
		}
		st := complex(math.Cos(0.3), math.Sin(-0.3))
		o, _ := mix4DeintFIR(a, b, x, complex(0.6, 0.8), st, eoJob{})
		useAVX2 = false
		o1, _ := mix4DeintFIR(a1, b1, x, complex(0.6, 0.8), st, eoJob{})
		useAVX2 = true
		if o != o1 || !sameBits(a, a1) || !sameBits(b, b1) {
			t.Fatalf("mix4DeintFIR, %d samples: AVX and Go differ", n)
		}
	}
}

// BenchmarkPhaseSteps: 4096 phase steps, the AVX2 kernel alone and with
// the AVX-512 one.
func BenchmarkPhaseSteps(b *testing.B) {
	z := randomSamples(rand.New(rand.NewPCG(1, 1)), 4097)
	d := make([]float32, 4096)
	for _, avx512 := range []bool{false, true} {
		name := "avx2"
		if avx512 {
			name = "avx512"
		}
		b.Run(name, func(b *testing.B) {
			useAVX512 = avx512 && hasAVX512
			defer func() { useAVX512 = hasAVX512 }()
			b.SetBytes(8 * 4096)
			for range b.N {
				phaseSteps(d, z)
			}
		})
	}
}
