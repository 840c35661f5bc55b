//go:build !purego

package demod

//go:noescape
func winnerTurnsAVX2(won *int8, cp, cm *complex64, lag, n int, q *[4]float32, masks *[16]uint32)

// winnerMasks are winnerTurnsAVX2's lane masks: none, qp's lanes, qm's
// lanes, then the sign bits of the imaginary parts (the conjugate).
var winnerMasks = [16]uint32{
	0, 0, 0, 0,
	^uint32(0), ^uint32(0), 0, 0,
	0, 0, ^uint32(0), ^uint32(0),
	0, 1 << 31, 0, 1 << 31,
}

// winnerTurnsRange is winnerTurns over the windows from start (≥ lag) to
// end (see winnerTurnsGo): whole groups of 16 windows in AVX2, the rest
// in Go, the sums one chain in order.
func winnerTurnsRange(won []int8, cp, cm []complex64, start, end, lag int) (qp, qm complex64) {
	if n := (end - start) &^ 15; useAVX2 && n > 0 && lag > 0 && start >= lag {
		_, _, _ = won[start+n-1], cp[start+n-1], cm[start+n-1]
		var q [4]float32
		winnerTurnsAVX2(&won[start], &cp[start], &cm[start], lag, n, &q, &winnerMasks)
		qp, qm = complex(q[0], q[1]), complex(q[2], q[3])
		start += n
	}
	return winnerTurnsGo(won, cp, cm, start, end, lag, qp, qm)
}
