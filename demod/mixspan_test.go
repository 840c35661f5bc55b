package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// spanTestSamples returns n samples over twelve decades, with zeros of
// either sign, subnormals, values whose mixing overflows, infinities and
// NaNs where edges is set.
func spanTestSamples(rng *rand.Rand, n int, edges bool) []complex64 {
	part := func() float32 {
		v := float32(math.Pow(10, rng.Float64()*12-6) * (rng.Float64()*2 - 1))
		if !edges {
			return v
		}
		switch rng.IntN(24) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return math.Float32frombits(rng.Uint32N(1 << 23)) // subnormal
		case 3:
			return math.Float32frombits(1 << 23) // smallest normal
		case 4:
			return 3e38
		case 5:
			if rng.IntN(8) == 0 {
				return float32(math.Inf(1 - 2*rng.IntN(2)))
			}
		case 6:
			if rng.IntN(8) == 0 {
				return float32(math.NaN())
			}
		}
		return v
	}
	x := make([]complex64, n)
	for i := range x {
		x[i] = complex(part(), part())
	}
	return x
}

// TestToneMixSpanMatchesGo: mix4PairSpan writes mix4Pair's bits (its Go
// loop's) and returns expSpanGo's span of them, for every length and
// for zeros, subnormals, infinities and NaNs; mixTones's span over its
// chunks is that of all it wrote.
func TestToneMixSpanMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 7))
	same := func(a, b []complex64) bool {
		for i := range a {
			if math.Float32bits(real(a[i])) != math.Float32bits(real(b[i])) || math.Float32bits(imag(a[i])) != math.Float32bits(imag(b[i])) {
				return false
			}
		}
		return true
	}
	sA, sB := complex(math.Cos(0.3), math.Sin(0.3)), complex(math.Cos(-1.1), math.Sin(-1.1))
	oA, oB := complex(0.6, 0.8), complex(0, 1)
	var lengths []int
	for n := range 41 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1021, 1024, 1027, 4099)
	for _, n := range lengths {
		for trial := range 12 {
			x := spanTestSamples(rng, n, trial%3 != 0)
			if trial == 1 {
				clear(x) // no nonzero part: lo 255
			}
			if trial == 2 && n > 0 {
				clear(x)
				x[rng.IntN(n)] = complex(0, 1e-44) // one subnormal
			}
			// mix4Pair's Go loop.
			wa, wb := make([]complex64, n), make([]complex64, n)
			ga, ra, ia := mix4Start(oA, sA)
			gb, rb, ib := mix4Start(oB, sB)
			k := n &^ 3
			ar, ai := mix4Go(wa[:k], x[:k], ga, ra, ia)
			br, bi := mix4Go(wb[:k], x[:k], gb, rb, ib)
			wantA, wantB := mix4End(wa, x, k, ar, ai, sA), mix4End(wb, x, k, br, bi, sB)
			wlo, whi := pairSpanGo(wa, wb)

			pa, pb := make([]complex64, n), make([]complex64, n)
			gotA, gotB, lo, hi := mix4PairSpan(pa, pb, x, oA, sA, oB, sB)
			if !same(pa, wa) || !same(pb, wb) || gotA != wantA || gotB != wantB {
				t.Fatalf("mix4PairSpan, %d samples (trial %d): not mix4Pair's Go loop", n, trial)
			}
			if lo != wlo || hi != whi {
				t.Fatalf("mix4PairSpan, %d samples (trial %d): span %d..%d, expSpanGo %d..%d", n, trial, lo, hi, wlo, whi)
			}
			if !sumsSpan {
				continue
			}
			f := &fskDemod{z: x}
			ma, mb := make([]complex64, n), make([]complex64, n)
			lo, hi = f.mixTones(ma, mb, 0.3, -1.1)
			wlo, whi = pairSpanGo(ma, mb)
			if lo != wlo || hi != whi {
				t.Fatalf("mixTones, %d samples (trial %d): span %d..%d, expSpanGo %d..%d", n, trial, lo, hi, wlo, whi)
			}
		}
	}
}
