package demod

// useAVX2 selects the AVX2 kernels where the CPU has them (tests turn them
// off to compare).
var useAVX2 = hasAVX2

// butterfliesGo is butterflies in Go.
func butterfliesGo(a, b, tw []complex64) {
	a, b = a[:len(tw)], b[:len(tw)]
	for k, w := range tw {
		t := w * b[k]
		b[k] = a[k] - t
		a[k] += t
	}
}
