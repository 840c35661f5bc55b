package gridstream

import "sync"

// GridStream's CRC is CRC-16 with polynomial 0x1021, MSB first, not
// reflected, no final XOR, over the CI byte through the byte before the CRC.
// The init differs per utility network: it is the CRC-16/XMODEM (init 0) of
// the network's 2-byte id.

const crcPoly = 0x1021

var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ crcPoly
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC16 computes GridStream's CRC of data starting from init.
func CRC16(init uint16, data []byte) uint16 {
	c := init
	for _, b := range data {
		c = c<<8 ^ crcTable[byte(c>>8)^b]
	}
	return c
}

// SolveInit returns the one init for which CRC16(init, data) == sent. The CRC
// is affine in its init, so the init is found by running the register
// backwards over len(data) zero bytes from sent ^ CRC16(0, data), a byte
// per step (crcBack).
func SolveInit(data []byte, sent uint16) uint16 {
	c := sent ^ CRC16(0, data)
	for range data {
		// Forward, a zero byte makes c<<8 ^ crcTable[c>>8], whose low byte
		// is the table entry's: it tells the high byte c had.
		hi := crcBack[byte(c)]
		c = (c^crcTable[hi])>>8 | uint16(hi)<<8
	}
	return c
}

// crcBack[v] is the index of the crcTable entry whose low byte is v (the
// low bytes of the 256 entries are all different).
var crcBack = func() (t [256]byte) {
	for i, v := range crcTable {
		t[byte(v)] = byte(i)
	}
	return t
}()

// InitForNetwork returns the CRC init of a network id.
func InitForNetwork(id uint16) uint16 { return CRC16(0, []byte{byte(id >> 8), byte(id)}) }

// NetworkForInit returns the network id whose init is init (the inverse of
// InitForNetwork, a bijection on 16 bits). An id's two bytes fed to a zero
// register leave in it what the id as init and two zero bytes would, so the
// id is the init SolveInit finds for two zero bytes.
func NetworkForInit(init uint16) uint16 { return SolveInit([]byte{0, 0}, init) }

// singleBitSyndromes maps x^m mod g, the CRC difference one flipped bit makes
// when m bits (counting the 16 CRC bits) follow it, back to m. The powers of
// x repeat only after 32767, so every frame length has distinct entries.
var singleBitSyndromes = sync.OnceValue(func() *[1 << 16]int16 {
	var t [1 << 16]int16
	for i := range t {
		t[i] = -1
	}
	s := uint16(1)
	for m := range int16(32767) {
		t[s] = m
		if s&0x8000 != 0 {
			s = s<<1 ^ crcPoly
		} else {
			s <<= 1
		}
	}
	return &t
})

// OneBitFrom reports whether a CRC-failed body of n bytes whose solved init
// is solved would be valid under init with one bit flipped somewhere in the
// body or its CRC. The CRC is affine in its input: one flipped bit moves the
// solved init by a fixed amount that depends only on the bit's position.
func OneBitFrom(solved, init uint16, n int) bool {
	_, ok := oneBitPosition(solved, init, n)
	return ok
}

// oneBitPosition is OneBitFrom that also says where the bit is: m bits
// (counting the 16 CRC bits) follow it.
func oneBitPosition(solved, init uint16, n int) (m int, ok bool) {
	var zeros [256]byte
	diff := CRC16(solved^init, zeros[:min(n, len(zeros))])
	m = int(singleBitSyndromes()[diff])
	return m, m >= 0 && m < 8*n+16
}
