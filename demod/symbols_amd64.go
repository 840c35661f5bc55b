//go:build !purego

package demod

//go:noescape
func winnerTurnsAVX2(won *int8, cp, cm *complex64, lag, n int, q *[4]float32, masks *[96]uint32)

//go:noescape
func amplitudesAVX2(soft, when *float32, cp, cm *complex64, n, last int)

// winnerMasks are winnerTurnsAVX2's masks: for each pair of windows'
// code c = w0 + 4·w1 (w 1 where the upper tone won the window both
// times, 2 the lower, else 0), at 32·c, the lanes of the upper tone's
// products to keep ([re, im] of each window), then the lower one's;
// at 352 the sign of the imaginary parts of two complex128.
var winnerMasks = func() (m [96]uint32) {
	for c := range 11 {
		for w := range 2 {
			code := c >> (2 * w) & 3
			if code == 1 {
				m[8*c+2*w], m[8*c+2*w+1] = ^uint32(0), ^uint32(0)
			}
			if code == 2 {
				m[8*c+4+2*w], m[8*c+4+2*w+1] = ^uint32(0), ^uint32(0)
			}
		}
	}
	m[91], m[95] = 1<<31, 1<<31
	return m
}()

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

// amplitudes is amplitudeSoft's loop (see amplitudesGo): four symbols at
// a time in AVX2, the rest in Go.
func amplitudes(soft, when []float32, cp, cm []complex64) {
	if n := len(when) &^ 3; useAVX2 && n > 0 && len(cp) >= 2 && len(cm) >= len(cp) {
		_ = soft[n-1]
		amplitudesAVX2(&soft[0], &when[0], &cp[0], &cm[0], n, len(cp)-2)
		soft, when = soft[n:], when[n:]
	}
	amplitudesGo(soft, when, cp, cm)
}
