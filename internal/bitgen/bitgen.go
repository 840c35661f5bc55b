// Package bitgen writes the synthetic bit recordings the replay benchmarks
// read: unpacked bits (one 0/1 per byte, as GNU Radio's file sink writes
// them) of random noise with GridStream transmissions and NGE101 packets
// in it, about one bit in a hundred belonging to a frame. Output is
// deterministic for a seed.
package bitgen

import (
	"bufio"
	"io"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// Counts says what a recording holds.
type Counts struct {
	Bits       int64 // bits written
	FrameBits  int64 // ...of which belong to a transmission
	GridStream int   // GridStream transmissions (CRC-good, a known utility's init)
	NGE101     int   // NGE101 packets (check good)
}

// Gaps between transmissions are uniform in [gapMin, gapMin+gapSpan) noise
// bits: with GridStream transmissions of ~230–800 bits and NGE101 packets
// of 55 or 71, that is about 1 % frame bits.
const (
	gapMin  = 20000
	gapSpan = 30000
)

// Write writes nbits unpacked bits to w and returns what they hold. A
// transmission that would not fit whole before nbits is left out (noise
// fills the rest).
func Write(w io.Writer, nbits int64, seed uint64) (Counts, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6269_7467_656e))
	bw := bufio.NewWriterSize(w, 1<<16)
	var c Counts
	var noise [4096]byte
	writeNoise := func(n int64) error {
		for n > 0 {
			k := min(n, int64(len(noise)))
			for i := int64(0); i < k; i += 64 {
				v := rng.Uint64()
				for j := i; j < min(i+64, k); j++ {
					noise[j] = byte(v) & 1
					v >>= 1
				}
			}
			if _, err := bw.Write(noise[:k]); err != nil {
				return err
			}
			n -= k
		}
		return nil
	}
	var tx []byte
	for {
		gap := int64(gapMin + rng.IntN(gapSpan))
		var nge bool
		tx, nge = next(rng, tx[:0])
		if c.Bits+gap+int64(len(tx)) > nbits {
			break
		}
		if err := writeNoise(gap); err != nil {
			return c, err
		}
		if _, err := bw.Write(tx); err != nil {
			return c, err
		}
		c.Bits += gap + int64(len(tx))
		c.FrameBits += int64(len(tx))
		if nge {
			c.NGE101 += 2
		} else {
			c.GridStream++
		}
	}
	if err := writeNoise(nbits - c.Bits); err != nil {
		return c, err
	}
	c.Bits = nbits
	return c, bw.Flush()
}

// next appends one transmission to dst: four in five are GridStream
// (version 4 or 5, 16–40 preamble bits, one in eight with two preamble bits
// wrong), the rest NGE101 (nge): two packets of one device a few noise bits
// apart, as the transmitter sends them, a power packet twice or an energy
// packet and a power packet.
func next(rng *rand.Rand, dst []byte) (tx []byte, nge bool) {
	if rng.IntN(5) == 4 {
		id, channel := rng.IntN(256), 1+rng.IntN(8)
		power := nge101.NewPacket(id, channel, false, rng.Uint64N(1<<19), false)
		if rng.IntN(2) == 0 {
			dst = append(dst, nge101.NewPacket(id, channel, true, rng.Uint64N(1<<20), rng.IntN(16) == 0)...)
		} else {
			dst = append(dst, power...)
		}
		for range 2 + rng.IntN(8) {
			dst = append(dst, byte(rng.IntN(2)))
		}
		return append(dst, power...), true
	}
	u := gridstream.Utilities[rng.IntN(len(gridstream.Utilities))]
	frame := gridstream.RandomFrame(rng, u.Init)
	preamble := 16 + rng.IntN(25)
	start := len(dst)
	dst = gridstream.AppendTransmission(dst, frame, 4+rng.IntN(2), preamble, 0x04)
	if rng.IntN(8) == 0 {
		dst[start+preamble-3] ^= 1
		dst[start+preamble-10] ^= 1
	}
	return dst, false
}
