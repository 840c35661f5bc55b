package demod

import "math"

// winnerTurnsGo is winnerTurns' loop over the windows from start to end
// (start ≥ lag), its sums going on from qp and qm.
func winnerTurnsGo(won []int8, cp, cm []complex64, start, end, lag int, qp, qm complex64) (complex64, complex64) {
	for i := start; i < end; i++ {
		c := won[i]
		if c == 0 || won[i-lag] != c {
			continue
		}
		if c > 0 {
			qp += cp[i] * complex(real(cp[i-lag]), -imag(cp[i-lag]))
		} else {
			qm += cm[i] * complex(real(cm[i-lag]), -imag(cm[i-lag]))
		}
	}
	return qp, qm
}

// amplitudesGo is amplitudeSoft's loop: for each position t of when (at
// least 0; len(cm) ≥ len(cp) ≥ 2), the amplitude of cp less that of cm,
// each interpolated linearly at t, to soft.
func amplitudesGo(soft, when []float32, cp, cm []complex64) {
	abs := func(v complex64) float32 { return float32(math.Sqrt(float64(real(v)*real(v) + imag(v)*imag(v)))) }
	soft = soft[:len(when)]
	for k, t := range when {
		// when is float32: a position just under the last sample may have
		// rounded up to it.
		i := min(int(t), len(cp)-2)
		fr := t - float32(i)
		a := abs(cp[i]) + fr*(abs(cp[i+1])-abs(cp[i]))
		b := abs(cm[i]) + fr*(abs(cm[i+1])-abs(cm[i]))
		soft[k] = a - b
	}
}
