//go:build !amd64 || purego

package demod

// mix4PairSpanLoop is mix4PairLoop that also returns the exponent span of
// dstA's and dstB's parts together (see expSpanGo).
func mix4PairSpanLoop(dstA, dstB, x []complex64, oscA [8]float32, srA, siA float32, oscB [8]float32, srB, siB float32) (orA, oiA, orB, oiB float32, lo, hi uint32) {
	orA, oiA, orB, oiB = mix4PairLoop(dstA, dstB, x, oscA, srA, siA, oscB, srB, siB)
	lo, hi = pairSpanGo(dstA[:len(x)], dstB[:len(x)])
	return orA, oiA, orB, oiB, lo, hi
}
