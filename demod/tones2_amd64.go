//go:build !purego

package demod

//go:noescape
func toneSumsQuadAVX2(cp, cm *complex64, s *float32, pp, pm *complex64, L, k int, st *[4]float64)

// toneSumsExact is toneSumsGo when sumsExact(pp, pm, L) holds, L ≥ 2 and
// len(cp) ≥ L+4: the first window in Go's order, then four samples at a
// time (toneSumsQuadAVX2), the rest in Go from the running sums it left.
func toneSumsExact(cp, cm []complex64, s []float32, pp, pm []complex64, L int) {
	n := len(cp)
	cm, pp, pm = cm[:n], pp[:n], pm[:n]
	var sh []float32
	var sp *float32
	if s != nil {
		s = s[:n]
		sh, sp = s[:L], &s[L]
	}
	toneSumsGo(cp[:L], cm[:L], sh, pp[:L], pm[:L], L)
	var ap, am complex128
	for i := range L {
		ap += complex128(pp[i])
		am += complex128(pm[i])
	}
	st := [4]float64{real(ap), imag(ap), real(am), imag(am)}
	k := (n - L) / 4
	toneSumsQuadAVX2(&cp[L], &cm[L], sp, &pp[L], &pm[L], L, k, &st)
	ap, am = complex(st[0], st[1]), complex(st[2], st[3])
	for i := L + 4*k; i < n; i++ {
		ap += complex128(pp[i])
		am += complex128(pm[i])
		ap -= complex128(pp[i-L])
		am -= complex128(pm[i-L])
		cp[i], cm[i] = complex64(ap), complex64(am)
		if s != nil {
			s[i] = float32(real(ap)*real(ap) + imag(ap)*imag(ap) - real(am)*real(am) - imag(am)*imag(am))
		}
	}
}
