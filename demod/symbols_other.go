//go:build !amd64 || purego

package demod

// winnerTurnsRange is winnerTurns over the windows from start (≥ lag) to
// end (see winnerTurnsGo).
func winnerTurnsRange(won []int8, cp, cm []complex64, start, end, lag int) (qp, qm complex64) {
	return winnerTurnsGo(won, cp, cm, start, end, lag, 0, 0)
}

// amplitudes is amplitudeSoft's loop (see amplitudesGo).
func amplitudes(soft, when []float32, cp, cm []complex64) { amplitudesGo(soft, when, cp, cm) }
