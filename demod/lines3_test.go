package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLineSums3Exact: the three symbol-rate line correlations summed side
// by side are each line's own sum, bit for bit, for moving sums of any
// lengths (some too short for their line, some slots empty).
func TestLineSums3Exact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	f := &fskDemod{}
	for trial := range 400 {
		var lines [3]*symbolLine
		var ms [3][]float32
		var offs [3]float32
		for k := range 3 {
			if rng.IntN(6) == 0 {
				continue
			}
			L := 1 + rng.IntN(14)
			sps := []float64{3.26, 6.51, 13.02, float64(L)}[rng.IntN(4)]
			lines[k] = f.symbolLine(L, sps)
			ms[k] = make([]float32, rng.IntN(3000))
			for i := range ms[k] {
				ms[k][i] = float32(rng.NormFloat64())
			}
			offs[k] = float32(rng.NormFloat64() * 0.3)
		}
		got := lineSums3(lines, ms, offs)
		for k := range 3 {
			var want complex128
			if lines[k] != nil {
				want = lines[k].sum(ms[k], offs[k])
			}
			if math.Float64bits(real(got[k])) != math.Float64bits(real(want)) || math.Float64bits(imag(got[k])) != math.Float64bits(imag(want)) {
				t.Fatalf("trial %d slot %d: lineSums3 %v, the line's sum %v", trial, k, got[k], want)
			}
		}
	}
}

// roundDiv is sampleSymbols' math.Round(x/d) given inv = 1/d.
func roundDiv(x, d, inv float64) float64 {
	r, ok := roundMul(x, inv)
	if !ok {
		r = math.Round(x / d)
	}
	return r
}

// TestRoundDiv: roundDiv is math.Round(x/d), also where x/d is at or a
// few units in the last place from halfway between two integers (and
// where x·(1/d) rounds the other way).
func TestRoundDiv(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 9))
	for range 200000 {
		d := 3 + rng.Float64()*12
		var x float64
		switch rng.IntN(3) {
		case 0:
			x = (rng.Float64() - 0.5) * 1e5
		default:
			// Halfway, then a few units in the last place either side.
			x = (float64(rng.IntN(20000)-10000) + 0.5) * d
			for range rng.IntN(4) {
				x = math.Nextafter(x, math.Inf(2*rng.IntN(2)-1))
			}
		}
		if got, want := roundDiv(x, d, 1/d), math.Round(x/d); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("roundDiv(%v, %v) = %v, math.Round(x/d) %v", x, d, got, want)
		}
	}
}
