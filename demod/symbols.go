package demod

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
