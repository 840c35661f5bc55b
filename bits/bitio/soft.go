package bitio

import "math"

// SoftBit is the one rule that turns a soft symbol into a bit, for every
// input: float32 files, GNU Radio soft streams and the pure-Go receiver.
// Greater than zero is 1, anything else 0. A NaN carries no information: it
// keeps its slot (as a 0), so that every later bit stays where it was sent,
// and reliable is false. A receiver that inverts the polarity negates the
// symbol first (a NaN stays a NaN).
func SoftBit(v float32) (bit byte, reliable bool) {
	if v > 0 {
		return 1, true
	}
	return 0, v == v
}

// SliceSoft writes the bits of soft symbols into dst (one 0/1 per byte; dst
// is at least as long as soft) by SoftBit, and returns how many symbols were
// NaN.
func SliceSoft(dst []byte, soft []float32) (unreliable int) {
	dst = dst[:len(soft)]
	// By the bits, without a compare that branches (a receiver's symbols
	// are random signs): v > 0 is a bit pattern from 1 to +Inf's, a NaN
	// one over +Inf's in magnitude.
	nan := 0
	for i, v := range soft {
		b := math.Float32bits(v)
		dst[i] = byte((uint64(b-1) - 0x7F800000) >> 63)
		nan += int((uint64(0x7F800000) - uint64(b&^(1<<31))) >> 63)
	}
	return nan
}
