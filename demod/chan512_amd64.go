//go:build !purego

package demod

//go:noescape
func mixHalfband7AVX512(dst, mix, x, osc *complex64, n int, dc complex64, taps *[3]float32, prev *[16]complex64, idx *[3][8]uint64)

// mh7Idx is mixHalfband7AVX512's idx for windows starting at even (0) or
// odd (1) samples of its input: the lanes of the outer taps' samples and
// of the centres' among two vectors' sixteen, then the centres' among two
// rounds of those.
var mh7Idx = [2][3][8]uint64{
	{{0, 2, 4, 6, 8, 10, 12, 14}, {1, 3, 5, 7, 9, 11, 13, 15}, {6, 7, 8, 9, 10, 11, 12, 13}},
	{{1, 3, 5, 7, 9, 11, 13, 15}, {0, 2, 4, 6, 8, 10, 12, 14}, {7, 8, 9, 10, 11, 12, 13, 14}},
}

// mixFirst mixes x less dc by osc into the 7-tap first stage h's new input
// (h.in(len(x))) and writes the first of its outputs (h.outputs()) to
// dst, in one pass, 16 samples (8 outputs) at a time where the CPU has
// AVX-512; it returns how many outputs it wrote (0: none). Of the 2·done
// samples it mixed only the last 16 are in h's input: the later windows
// and the history need no others. mixOscDC and h.filterFrom(dst, done)
// do the rest, the same values.
func mixFirst(h *halfband, dst, x, osc []complex64, dc complex64) int {
	hist := h.n - 1
	s := h.next - hist
	n := len(x) &^ 15
	if !useAVX512 || !useAVX2 || len(h.pairs) != 2 || s < 0 || s > 1 || n == 0 {
		return 0
	}
	// The windows of outputs k < n/2 end before mix[n].
	m := h.buf[hist : hist+n]
	_, _ = dst[n/2-1], osc[n-1]
	if dc == 0 {
		dc = 0 // the kernel subtracts it: +0 leaves every sample as it is, -0 not
	}
	var prev [16]complex64
	copy(prev[16-hist:], h.buf[:hist])
	taps := [3]float32{h.center, h.pairs[0], h.pairs[1]}
	mixHalfband7AVX512(&dst[0], &m[0], &x[0], &osc[0], n, dc, &taps, &prev, &mh7Idx[s])
	return n / 2
}
