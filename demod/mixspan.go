package demod

// mix4PairSpan is mix4Pair that also returns the exponent span of dstA's
// and dstB's parts together (see expSpanGo), so that toneSumsSpan needs
// no pass of its own over them.
func mix4PairSpan(dstA, dstB, x []complex64, oscA, stepA, oscB, stepB complex128) (oA, oB complex128, lo, hi uint32) {
	sA, srA, siA := mix4Start(oscA, stepA)
	sB, srB, siB := mix4Start(oscB, stepB)
	n := len(x) &^ 3
	dstA, dstB = dstA[:len(x)], dstB[:len(x)]
	orA, oiA, orB, oiB, lo, hi := mix4PairSpanLoop(dstA[:n], dstB[:n], x[:n], sA, srA, siA, sB, srB, siB)
	oA, oB = mix4End(dstA, x, n, orA, oiA, stepA), mix4End(dstB, x, n, orB, oiB, stepB)
	l, h := pairSpanGo(dstA[n:], dstB[n:])
	return oA, oB, min(lo, l), max(hi, h)
}

// pairSpanGo returns the exponent span of a's and b's parts together
// (see expSpanGo).
func pairSpanGo(a, b []complex64) (lo, hi uint32) {
	lo, hi = expSpanGo(a)
	l, h := expSpanGo(b)
	return min(lo, l), max(hi, h)
}
