//go:build !purego

package demod

//go:noescape
func mix4PairSpanAVX2(dstA, dstB, x *complex64, n int, oscA, oscB *[4]complex64, stepA, stepB complex64, span *[16]uint32)

// mix4PairSpanLoop is mix4PairLoop that also returns the exponent span of
// dstA's and dstB's parts together (see expSpanGo): in the same pass
// where there is AVX2, the mixer's oscillator updates hiding its cost.
func mix4PairSpanLoop(dstA, dstB, x []complex64, oscA [8]float32, srA, siA float32, oscB [8]float32, srB, siB float32) (orA, oiA, orB, oiB float32, lo, hi uint32) {
	if !useAVX2 || len(x) == 0 {
		orA, oiA, orB, oiB = mix4PairLoop(dstA, dstB, x, oscA, srA, siA, oscB, srB, siB)
		lo, hi = pairSpanGo(dstA[:len(x)], dstB[:len(x)])
		return orA, oiA, orB, oiB, lo, hi
	}
	oa := [4]complex64{complex(oscA[0], oscA[1]), complex(oscA[2], oscA[3]), complex(oscA[4], oscA[5]), complex(oscA[6], oscA[7])}
	ob := [4]complex64{complex(oscB[0], oscB[1]), complex(oscB[2], oscB[3]), complex(oscB[4], oscB[5]), complex(oscB[6], oscB[7])}
	_, _ = dstA[len(x)-1], dstB[len(x)-1]
	var span [16]uint32
	mix4PairSpanAVX2(&dstA[0], &dstB[0], &x[0], len(x), &oa, &ob, complex(srA, siA), complex(srB, siB), &span)
	// The smallest nonzero |bits| has the smallest exponent; a zero's
	// |bits|-1 is all ones.
	least, most := ^uint32(0), uint32(0)
	for j := range 8 {
		least, most = min(least, span[j]), max(most, span[8+j])
	}
	lo, hi = 255, most>>23
	if least != ^uint32(0) {
		lo = max((least+1)>>23, 1)
	}
	return real(oa[0]), imag(oa[0]), real(ob[0]), imag(ob[0]), lo, hi
}
