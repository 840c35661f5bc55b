package bitio

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
	for i, v := range soft {
		var b byte
		if v > 0 {
			b = 1
		} else if v != v {
			unreliable++
		}
		dst[i] = b
	}
	return unreliable
}
