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

// PackWords packs unpacked bits (only the low bit of each byte counts) 64
// to a word, the first bit in the least significant: dst[k] holds
// src[64k:64k+64]. src must hold at least 64*len(dst) bytes. On amd64 it
// uses SSE2 (16 bytes per instruction); elsewhere packWordsGeneric.
func PackWords(dst []uint64, src []byte) {
	if len(src) < 64*len(dst) {
		panic("bitio: PackWords: src shorter than 64 bits per word")
	}
	packWords(dst, src)
}

// PackPartial packs up to 64 unpacked bits like PackWords into the low
// len(p) bits of a word; the rest are 0.
func PackPartial(p []byte) uint64 {
	p = p[:min(len(p), 64)]
	var w uint64
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w |= pack8(p[i:]) << i
	}
	for ; i < len(p); i++ {
		w |= uint64(p[i]&1) << i
	}
	return w
}

// Generic word-level packing: the low bits of eight bytes, read as a
// little-endian word, are gathered into its top byte by one multiplication
// (the first byte's bit becomes the least significant of that byte; no two
// partial products meet, so nothing carries).
const (
	lowBits = 0x0101010101010101
	gather  = 0x0102040810204080
)

// pack8 packs the eight unpacked bits of p[0:8] into a byte, first bit least
// significant.
func pack8(p []byte) uint64 {
	return (binary.LittleEndian.Uint64(p) & lowBits * gather) >> 56
}

// packWordsGeneric is PackWords in plain Go.
func packWordsGeneric(dst []uint64, src []byte) {
	for k := range dst {
		p := src[64*k : 64*k+64]
		dst[k] = pack8(p[0:]) | pack8(p[8:])<<8 | pack8(p[16:])<<16 | pack8(p[24:])<<24 |
			pack8(p[32:])<<32 | pack8(p[40:])<<40 | pack8(p[48:])<<48 | pack8(p[56:])<<56
	}
}

// normalize turns every byte of p into its low bit, XORed with invert (0
// or 1).
func normalize(p []byte, invert byte) {
	n := len(p) &^ 63
	normalizeBlocks(p[:n], uint64(invert)*lowBits)
	for i := n; i < len(p); i++ {
		p[i] = p[i]&1 ^ invert
	}
}

// normalizeGeneric is normalizeBlocks in plain Go: every byte of p (whose
// length is a multiple of 64) becomes its low bit XOR the matching byte of
// inv (0 or 0x0101010101010101).
func normalizeGeneric(p []byte, inv uint64) {
	le := binary.LittleEndian
	for len(p) >= 32 {
		q := p[:32]
		le.PutUint64(q[0:], le.Uint64(q[0:])&lowBits^inv)
		le.PutUint64(q[8:], le.Uint64(q[8:])&lowBits^inv)
		le.PutUint64(q[16:], le.Uint64(q[16:])&lowBits^inv)
		le.PutUint64(q[24:], le.Uint64(q[24:])&lowBits^inv)
		p = p[32:]
	}
}
