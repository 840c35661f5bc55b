package demod

// The AVX2 kernels: the same operations in the same order as the Go loops
// they replace, four complex64 at a time, so their results are the same
// bits (TestKernelsMatchGo).

//go:noescape
func butterfliesAVX2(a, b, tw *complex64, n int)

func cpuidex(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv0() uint32

// hasAVX2 reports whether the CPU has AVX2 and the OS saves the YMM
// registers.
var hasAVX2 = func() bool {
	maxLeaf, _, _, _ := cpuidex(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuidex(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if c1&osxsave == 0 || c1&avx == 0 || xgetbv0()&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuidex(7, 0)
	return b7&(1<<5) != 0
}()

// butterflies does, for k < len(tw): t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t (len(a), len(b) >= len(tw)).
func butterflies(a, b, tw []complex64) {
	if n := len(tw) &^ 3; useAVX2 && n > 0 {
		_, _ = a[n-1], b[n-1]
		butterfliesAVX2(&a[0], &b[0], &tw[0], n)
		a, b, tw = a[n:], b[n:], tw[n:]
	}
	butterfliesGo(a, b, tw)
}
