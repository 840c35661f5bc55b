//go:build !amd64 || purego

package demod

// firDecimEO writes firDecimEOGo's outputs to dst.
func firDecimEO(dst, e, o []complex64, taps []float32) { firDecimEOGo(dst, e, o, taps) }

// deinterleave writes x's samples at even positions to a and those at
// odd ones to b (see deinterleaveGo).
func deinterleave(a, b, x []complex64) { deinterleaveGo(a, b, x) }

// mix4DeintLoop is mix4DeintFIR's loop over whole groups of four samples
// (see mix4DeintGo); it filters none of job's outputs.
func mix4DeintLoop(a, b, x []complex64, osc [8]float32, sr, si float32, _ eoJob) (float32, float32, int) {
	or0, oi0 := mix4DeintGo(a, b, x, osc, sr, si)
	return or0, oi0, 0
}

// mix4FIR1Loop is mix4FIR1's loop over whole groups of four samples (see
// mix4Go); it filters none of job's outputs.
func mix4FIR1Loop(dst, x []complex64, osc [8]float32, sr, si float32, _ fir1Job) (float32, float32, int) {
	or0, oi0 := mix4Go(dst, x, osc, sr, si)
	return or0, oi0, 0
}
