package bitio

// AppendUART appends one byte as UART 8N1 bits (one 0/1 per byte): a 0
// start bit, eight data bits least-significant first, a 1 stop bit.
func AppendUART(dst []byte, b byte) []byte {
	dst = append(dst, 0)
	for i := range 8 {
		dst = append(dst, b>>i&1)
	}
	return append(dst, 1)
}

// AppendPacked appends the bits of p, most significant bit of each byte
// first, limited to n bits.
func AppendPacked(dst []byte, p []byte, n int) []byte {
	for i := 0; i < n && i/8 < len(p); i++ {
		dst = append(dst, p[i/8]>>(7-i%8)&1)
	}
	return dst
}

// Pack packs unpacked bits (only the low bit of each byte counts) eight to
// a byte, most significant bit first, zero-padding the last byte; it is the
// inverse of AppendPacked.
func Pack(p []byte) []byte {
	out := make([]byte, (len(p)+7)/8)
	for i, b := range p {
		out[i/8] |= (b & 1) << (7 - i%8)
	}
	return out
}
