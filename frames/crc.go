package frames

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
// backwards over len(data) zero bytes from sent ^ CRC16(0, data).
func SolveInit(data []byte, sent uint16) uint16 {
	c := sent ^ CRC16(0, data)
	for range 8 * len(data) {
		if c&1 != 0 {
			c = (c^crcPoly)>>1 | 0x8000
		} else {
			c >>= 1
		}
	}
	return c
}

// InitForNetwork returns the CRC init of a network id.
func InitForNetwork(id uint16) uint16 { return CRC16(0, []byte{byte(id >> 8), byte(id)}) }

// NetworkForInit returns the network id whose init is init (the inverse of
// InitForNetwork, a bijection on 16 bits).
func NetworkForInit(init uint16) uint16 { return networkOfInit()[init] }

var networkOfInit = sync.OnceValue(func() *[1 << 16]uint16 {
	var inv [1 << 16]uint16
	for id := range 1 << 16 {
		inv[InitForNetwork(uint16(id))] = uint16(id)
	}
	return &inv
})
