package gridstream

import "github.com/gridstream-sdr/gridstream/bits/bitio"

// AppendTransmission appends the unpacked bits (one 0/1 per byte) of a
// GridStream transmission to dst, the inverse of the Deframer (for
// synthetic recordings, the built-in sample and tests): preambleBits alternating bits ending in 0,
// the version's sync bits, then frame (which starts with the 0x2A byte) and a
// trailing byte, each UART 8N1. version is 4 or 5; preambleBits below 16 is
// raised to 16.
func AppendTransmission(dst []byte, frame []byte, version, preambleBits int, trailer byte) []byte {
	if preambleBits < 16 {
		preambleBits = 16
	}
	for i := preambleBits - 1; i >= 0; i-- {
		dst = append(dst, byte(i&1))
	}
	framing, n := syncFraming(version)
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(framing>>i)&1)
	}
	for _, b := range frame {
		dst = bitio.AppendUART(dst, b)
	}
	return bitio.AppendUART(dst, trailer)
}
