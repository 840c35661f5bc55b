//go:build !amd64 || purego

package demod

// phaseSteps writes the phase turns of z to dst (see phaseStepsGo).
func phaseSteps(dst []float32, z []complex64) { phaseStepsGo(dst, z) }

// toneSums runs the tone correlators' running sums (see toneSumsGo).
func toneSums(cp, cm []complex64, s []float32, pp, pm []complex64, L int) {
	toneSumsGo(cp, cm, s, pp, pm, L)
}

// winners marks the windows one tone clearly won (see winnersGo).
func winners(won []int8, cp, cm []complex64) { winnersGo(won, cp, cm) }
