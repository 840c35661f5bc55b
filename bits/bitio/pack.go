package bitio

import "encoding/binary"

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

// Word-level packing: the low bits of eight bytes, read as a little-endian
// word, are gathered into its top byte by one multiplication (the first
// byte's bit becomes the most significant; no two partial products meet,
// so nothing carries).
const (
	lowBits = 0x0101010101010101
	gather  = 0x8040201008040201
)

// pack8 packs the eight unpacked bits of p[0:8] into a byte, first bit most
// significant.
func pack8(p []byte) uint64 {
	return (binary.LittleEndian.Uint64(p) & lowBits * gather) >> 56
}

// PackWord packs the first 64 unpacked bits of p (only the low bit of each
// byte counts; p holds at least 64) into a word, the first bit in the most
// significant bit.
func PackWord(p []byte) uint64 {
	p = p[:64]
	return pack8(p[0:])<<56 | pack8(p[8:])<<48 | pack8(p[16:])<<40 | pack8(p[24:])<<32 |
		pack8(p[32:])<<24 | pack8(p[40:])<<16 | pack8(p[48:])<<8 | pack8(p[56:])
}

// PackPartial packs up to 64 unpacked bits like PackWord into the top
// len(p) bits of a word; the rest are 0.
func PackPartial(p []byte) uint64 {
	p = p[:min(len(p), 64)]
	var w uint64
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w |= pack8(p[i:]) << (56 - i)
	}
	for ; i < len(p); i++ {
		w |= uint64(p[i]&1) << (63 - i)
	}
	return w
}

// normalize turns every byte of p into its low bit, XORed with invert (0
// or 1), eight bytes at a time.
func normalize(p []byte, invert byte) {
	inv := uint64(invert) * lowBits
	i := 0
	for ; i+16 <= len(p); i += 16 {
		q := p[i : i+16]
		binary.LittleEndian.PutUint64(q, binary.LittleEndian.Uint64(q)&lowBits^inv)
		binary.LittleEndian.PutUint64(q[8:], binary.LittleEndian.Uint64(q[8:])&lowBits^inv)
	}
	for ; i < len(p); i++ {
		p[i] = p[i]&1 ^ invert
	}
}
