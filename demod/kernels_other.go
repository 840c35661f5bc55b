//go:build !amd64 || purego

package demod

// butterflies does, for k < len(tw): t := tw[k]*b[k]; b[k] = a[k]-t;
// a[k] += t (len(a), len(b) >= len(tw)).
func butterflies(a, b, tw []complex64) { butterfliesGo(a, b, tw) }

// mixOsc writes x[i]·osc[i] to dst (see mixOscGo).
func mixOsc(dst, x, osc []complex64) { mixOscGo(dst, x, osc) }

// mixOscDC writes (x[i]-dc)·osc[i] to dst (see mixOscDCGo).
func mixOscDC(dst, x, osc []complex64, dc complex64) { mixOscDCGo(dst, x, osc, dc) }

// firDecim writes dotSym(taps, buf[s+k·decim:]) for k < len(dst) to dst
// and returns the next window's start.
func firDecim(dst, buf []complex64, s int, taps []float32, decim int) int {
	return firDecimGo(dst, buf, s, taps, decim)
}

// halfbandOut is halfband.filter's loop for c and pairs (the centre tap
// and the rest from the middle out) from window start s on; it returns
// the next window's start.
func halfbandOut(dst, buf []complex64, s int, c float32, pairs []float32) int {
	return halfbandGo(dst, buf, s, c, pairs)
}

// floorStep is findHot's loop over the bins (see floorStepGo).
func floorStep(s, floor []float32, hot, claim []bool, thr, least float32) {
	floorStepGo(s, floor, hot, claim, thr, least)
}

// maxOf returns the largest of m and s's values (none NaN).
func maxOf(m float32, s []float32) float32 {
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// mix4Loop is mix4's loop over whole groups of four samples (see mix4Go).
func mix4Loop(dst, x []complex64, osc [8]float32, sr, si float32) (float32, float32) {
	return mix4Go(dst, x, osc, sr, si)
}

// mix4PairLoop is mix4Loop for two oscillators over the same samples.
func mix4PairLoop(dstA, dstB, x []complex64, oscA [8]float32, srA, siA float32, oscB [8]float32, srB, siB float32) (float32, float32, float32, float32) {
	orA, oiA := mix4Go(dstA, x, oscA, srA, siA)
	orB, oiB := mix4Go(dstB, x, oscB, srB, siB)
	return orA, oiA, orB, oiB
}
