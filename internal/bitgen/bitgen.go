// Package bitgen writes the synthetic bit recordings the replay benchmarks
// read: unpacked bits (one 0/1 per byte, as GNU Radio's file sink writes
// them) of random noise with transmissions of the listed protocols in it
// (GridStream and NGE101, made by their protocol.Transmitter), about one
// bit in a hundred belonging to a frame. Output is deterministic for a
// seed.
package bitgen

import (
	"bufio"
	"io"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
)

// Counts says what a recording holds.
type Counts struct {
	Bits      int64 // bits written
	FrameBits int64 // ...of which belong to a transmission
	// Frames counts the transmissions by protocol name, each a valid
	// frame (CRC or check good).
	Frames map[string]int
}

// Total is the number of transmissions.
func (c Counts) Total() int {
	n := 0
	for _, v := range c.Frames {
		n += v
	}
	return n
}

// mix is what a recording holds, by protocol (named in the list): its
// share of the transmissions, the framing variants drawn for it
// (GridStream's sync versions), and how many times each frame is sent, a
// few noise bits apart (an NGE101 transmitter sends a packet twice; a
// receiver reports a device not heard before once its second packet
// confirms it).
var mix = []struct {
	name     string
	share    int
	variants []int
	sends    int
}{
	{"gridstream", 4, []int{4, 5}, 1},
	{"nge101", 1, nil, 2},
}

// senders are mix's protocols from the list, in its order.
var senders = func() []protocol.Transmitter {
	var out []protocol.Transmitter
	for _, m := range mix {
		t, ok := protocol.Find(protocols.All(), m.name).(protocol.Transmitter)
		if !ok {
			panic("bitgen: no transmitter " + m.name + " in the protocol list")
		}
		out = append(out, t)
	}
	return out
}()

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
	c := Counts{Frames: map[string]int{}}
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
		var name string
		var sends int
		tx, name, sends = next(rng, tx[:0])
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
		c.Frames[name] += sends
	}
	if err := writeNoise(nbits - c.Bits); err != nil {
		return c, err
	}
	c.Bits = nbits
	return c, bw.Flush()
}

// next appends one transmission to dst, of a protocol drawn by its share
// in mix, and returns the protocol's name and the frames sent: a random
// valid frame, behind 16–40 preamble bits (one in eight with two preamble
// bits wrong) when the protocol has a preamble (FSK), sent as many times
// as mix says.
func next(rng *rand.Rand, dst []byte) ([]byte, string, int) {
	total := 0
	for _, m := range mix {
		total += m.share
	}
	i, r := 0, rng.IntN(total)
	for r >= mix[i].share {
		r -= mix[i].share
		i++
	}
	tx, m := senders[i], mix[i]
	frame := tx.RandomFrame(rng, protocol.Traffic{})
	if tx.Radio().Modulation != protocol.FSK {
		for k := range m.sends {
			if k > 0 {
				for range 2 + rng.IntN(8) {
					dst = append(dst, byte(rng.IntN(2)))
				}
			}
			dst, _ = tx.AppendAir(dst, frame, protocol.Framing{})
		}
		return dst, m.name, m.sends
	}
	for range m.sends {
		f := protocol.Framing{PreambleBits: 16 + rng.IntN(25), Trailer: 0x04}
		if len(m.variants) > 0 {
			f.Variant = m.variants[rng.IntN(len(m.variants))]
		}
		start := len(dst)
		dst, _ = tx.AppendAir(dst, frame, f)
		if rng.IntN(8) == 0 {
			dst[start+f.PreambleBits-3] ^= 1
			dst[start+f.PreambleBits-10] ^= 1
		}
	}
	return dst, m.name, m.sends
}
