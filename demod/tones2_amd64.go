//go:build !purego

package demod

import (
	"math"
	"math/bits"
)

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

//go:noescape
func blockSums8AVX2(pz *complex64, bl, m int, idx *[8]uint32, out *[8]float64)

var blockSumsPerm = [8]uint32{0, 4, 2, 6, 1, 5, 3, 7}

// blockSums writes the energy of each block of bl samples of pz to dst
// (see blockSumsGo): eight blocks at a time, one a lane, the last sample
// of an odd length and the last blocks in Go.
func blockSums(dst []float64, pz []complex64, bl int) {
	nb := len(dst)
	pz = pz[:nb*bl]
	j := 0
	if useAVX2 && bl >= 2 {
		m := bl &^ 1
		var out [8]float64
		for ; j+8 <= nb; j += 8 {
			blockSums8AVX2(&pz[j*bl], bl, m, &blockSumsPerm, &out)
			for b := range 8 {
				s := out[b]
				for _, v := range pz[(j+b)*bl+m : (j+b+1)*bl] {
					s += float64(real(v)*real(v) + imag(v)*imag(v))
				}
				dst[j+b] = s
			}
		}
	}
	blockSumsGo(dst[j:], pz[j*bl:], bl)
}

// partitionInto writes v's values under p to lo and the others to hi,
// each in order (both 8 longer than v), and returns how many are under:
// eight at a time, the rest as partitionGo.
func partitionInto(lo, hi, v []float32, p float32) int {
	nl, c := 0, len(v)&^7
	if !useAVX2 {
		c = 0
	}
	if c > 0 {
		_, _ = lo[c+7], hi[c+7]
		nl = partitionAVX2(&lo[0], &hi[0], &v[0], c, p, &partitionPerm)
	}
	return nl + partitionGo(lo[nl:], hi[c-nl:], v[c:], p)
}

//go:noescape
func tailSumsAVX2(v *float32, n int, tlo, thi float32, acc *[8]float64) (nlo, nhi int)

// tailChains runs tailSums' four chains per side over v (see tailSumsGo's
// loop): four values a step, one chain a lane, the rest in Go.
func tailChains(v []float32, tlo, thi float32) (lo, hi [4]float64, nlo, nhi int) {
	c := len(v) &^ 3
	if !useAVX2 {
		c = 0
	}
	if c > 0 {
		var acc [8]float64
		nlo, nhi = tailSumsAVX2(&v[0], c, tlo, thi, &acc)
		lo, hi = [4]float64(acc[:4]), [4]float64(acc[4:])
	}
	lo, hi, nlo, nhi = tailChainsGo(v, c, tlo, thi, lo, hi, nlo, nhi)
	return lo, hi, nlo, nhi
}

//go:noescape
func energySpanAVX2(z *complex64, n int, out *[12]uint64)

// energySum returns the sum in float64, in order, of z's float32 energies
// (see energySumGo). When every partial sum is exact (the energies'
// exponents span at most 29-bits.Len(len(z)) binades, all finite) it is
// the same number however it is added up: eight chains side by side
// (energySpanAVX2, which also finds the span); otherwise the Go loop.
func energySum(z []complex64) float64 {
	c := len(z) &^ 7
	if !useAVX2 || c == 0 {
		return energySumGo(z)
	}
	var out [12]uint64
	energySpanAVX2(&z[0], c, &out)
	lo, hi := uint32(255), uint32(0)
	for j := range 4 {
		l, h := uint32(out[8+j/2]>>(32*(j&1))), uint32(out[10+j/2]>>(32*(j&1)))
		lo, hi = min(lo, l), max(hi, h)
	}
	var s float64
	for _, v := range z[c:] {
		e := real(v)*real(v) + imag(v)*imag(v)
		b := math.Float32bits(e)
		hi = max(hi, b>>23)
		if b != 0 {
			lo = min(lo, max(b>>23, 1))
		}
		s += float64(e)
	}
	if hi >= 255 || int(hi)-int(min(lo, hi)) > 29-bits.Len(uint(len(z))) {
		return energySumGo(z)
	}
	for _, x := range out[:8] {
		s += math.Float64frombits(x)
	}
	return s
}
