//go:build !amd64 || purego

package demod

// phaseSteps writes the phase turns of z to dst (see phaseStepsGo).
func phaseSteps(dst []float32, z []complex64) { phaseStepsGo(dst, z) }

// sumsSpan tells whether toneSumsSpan uses the span it is given (else
// the mixer need not find it).
const sumsSpan = false

// toneSumsSpan is toneSums of pp and pm whose parts have the exponent
// span lo, hi together: Go's sums need no span.
func toneSumsSpan(cp, cm []complex64, s []float32, pp, pm []complex64, L int, _, _ uint32) {
	toneSumsGo(cp, cm, s, pp, pm, L)
}

// countUnder returns how many of v's values are under mid.
func countUnder(v []float32, mid float32) int { return countUnderGo(v, mid) }

// splitSums returns the sums (in order, in float32) of v's values under
// mid and of the others, and how many are under.
func splitSums(v []float32, mid float32) (s0, s1 float32, n0 int) {
	return splitSumsGo(v, mid, 0, 0, 0)
}

// winners marks the windows one tone clearly won (see winnersGo).
func winners(won []int8, cp, cm []complex64) { winnersGo(won, cp, cm) }
