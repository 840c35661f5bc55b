//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sameComplex reports whether a and b hold the same float32 bits, any
// NaN matching any other: which of two NaNs an operation passes on
// depends on its operands' order, which the compiler picks per call site
// for commutative ones (the same Go loop inlined in two places can
// return NaNs of either sign).
func sameComplex(a, b complex64) bool {
	same := func(x, y float32) bool {
		return math.Float32bits(x) == math.Float32bits(y) || x != x && y != y
	}
	return same(real(a), real(b)) && same(imag(a), imag(b))
}

// TestKernelsSymbolsMatchGo: the symbol stage's AVX2 kernels give their Go
// loops' bits, for every length (the tails are Go's), NaN and Inf among
// the values.
func TestKernelsSymbolsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(13, 6))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 3e38, -3e38}
	for n := range 120 {
		for _, lag := range []int{1, 2, 3, 5, 8, 17} {
			total := n + lag + 3
			cp, cm := randomComplex(rng, total), randomComplex(rng, total)
			won := make([]int8, total)
			for i := range won {
				won[i] = int8(rng.IntN(3) - 1)
				if rng.IntN(30) == 0 {
					won[i] = int8(rng.IntN(256) - 128)
				}
			}
			if n%3 == 0 {
				// Mostly one tone: long runs of added windows.
				for i := range won {
					if rng.IntN(8) != 0 {
						won[i] = 1
					}
				}
			}
			if n%4 == 1 {
				for range 2 {
					k := rng.IntN(total)
					v := special[rng.IntN(len(special))]
					if rng.IntN(2) == 0 {
						cp[k] = complex(v, imag(cp[k]))
					} else {
						cm[k] = complex(real(cm[k]), v)
					}
				}
			}
			if n%4 == 2 && total > 2*lag {
				// NaN in both factors of a product.
				k := lag + rng.IntN(total-2*lag)
				nan := float32(math.NaN())
				cp[k], cp[k+lag] = complex(1, nan), complex(2, nan)
				cm[k], cm[k+lag] = complex(3, nan), complex(nan, 4)
				won[k+lag] = won[k]
			}
			start := lag + rng.IntN(3)
			end := min(total, start+n)
			qp, qm := winnerTurnsRange(won, cp, cm, start, end, lag)
			qp1, qm1 := winnerTurnsGo(won, cp, cm, start, end, lag, 0, 0)
			if !sameComplex(qp, qp1) || !sameComplex(qm, qm1) {
				t.Fatalf("winnerTurns, %d windows, lag %d: AVX2 %v %v, Go %v %v", end-start, lag, qp, qm, qp1, qm1)
			}
		}
	}
}

// TestKernelsAmplitudesMatchGo: amplitudeSoft's AVX2 loop gives the Go
// loop's bits, for every number of symbols, at positions on and between
// samples up to the last one, NaN and Inf among the samples.
func TestKernelsAmplitudesMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(13, 7))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 3e38, 1e-40}
	for trial := range 400 {
		ns := 2 + rng.IntN(300)
		cp, cm := randomComplex(rng, ns), randomComplex(rng, ns+rng.IntN(3))
		for range rng.IntN(3) {
			k := rng.IntN(ns)
			v := special[rng.IntN(len(special))]
			if rng.IntN(2) == 0 {
				cp[k] = complex(v, imag(cp[k]))
			} else {
				cm[k] = complex(real(cm[k]), v)
			}
		}
		n := trial % 41
		when := make([]float32, n)
		for k := range when {
			switch rng.IntN(5) {
			case 0:
				when[k] = float32(rng.IntN(ns))
			case 1:
				when[k] = float32(ns - 1)
			default:
				when[k] = rng.Float32() * float32(ns-1)
			}
		}
		soft, soft1 := make([]float32, n), make([]float32, n)
		amplitudes(soft, when, cp, cm)
		amplitudesGo(soft1, when, cp, cm)
		for k := range soft {
			a, b := soft[k], soft1[k]
			if math.Float32bits(a) != math.Float32bits(b) && !(a != a && b != b) {
				t.Fatalf("amplitudes, %d symbols, symbol %d at %v: AVX2 %v, Go %v", n, k, when[k], a, b)
			}
		}
	}
}

// BenchmarkWinnerTurns: winnerTurns over 300 symbols of 8 windows, the
// tones' runs of one to four symbols with a transition window between.
func BenchmarkWinnerTurns(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 3))
	const L, n = 8, 2400
	cp, cm := randomComplex(rng, n), randomComplex(rng, n)
	won := make([]int8, n)
	for i := 0; i < n; {
		run := L * (1 + rng.IntN(4))
		c := int8(2*rng.IntN(2) - 1)
		for j := i; j < min(n, i+run-1); j++ {
			won[j] = c
		}
		i += run
	}
	for _, k := range []struct {
		name string
		avx2 bool
	}{{"go", false}, {"avx2", true}} {
		b.Run(k.name, func(b *testing.B) {
			defer func(u bool) { useAVX2 = u }(useAVX2)
			useAVX2 = k.avx2 && hasAVX2
			for b.Loop() {
				winnerTurnsRange(won, cp, cm, L, n, L/2)
				winnerTurnsRange(won, cp, cm, L, n, L)
			}
		})
	}
}
