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
