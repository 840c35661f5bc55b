package bits

import (
	mathbits "math/bits"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// NGE101 packet geometry and timing (differential Manchester OOK).
const (
	// NGEShortBits is the length of the power packet.
	NGEShortBits = 55
	// NGELongBits is the length of the energy packet.
	NGELongBits = 71
	// NGEHalfCell is half a bit cell in seconds.
	NGEHalfCell = 486e-6
	// NGEGap is the silence, in seconds, that ends a packet.
	NGEGap = 2e-3

	ngeHead      = 0b11111010
	ngeDataStart = 8
	ngeCheckBits = 15
)

// NGEPacket is one NGE101 packet as unpacked bits (55 or 71 of them, in
// transmission order). Bits is only valid during the callback.
type NGEPacket struct {
	Bits []byte
	// BitOffset is the stream position of the packet's first bit (for level
	// input: the sample position of its first edge).
	BitOffset int64
}

// NGECheck computes the 15-bit check of a packet's data bits (all bits before
// the check) and returns it with the check the packet carries. The check is
// a linear parity over data bits 8 onward: walking them from the last back to
// bit 8, a 15-bit mask is stepped before each bit and XORed into the check at
// every 1 bit. It reproduces every packet of the published captures.
func NGECheck(packet []byte) (computed, sent uint16) {
	data := len(packet) - ngeCheckBits
	if data <= ngeDataStart {
		return 0, 0
	}
	mask := uint16(1)
	for i := data - 1; i >= ngeDataStart; i-- {
		mask = ngeStep(mask)
		if packet[i]&1 != 0 {
			computed ^= mask
		}
	}
	for i := range ngeCheckBits {
		sent |= uint16(packet[data+i]&1) << i
	}
	return computed, sent
}

func ngeStep(m uint16) uint16 {
	n := m >> 1
	if m&1 != 0 {
		n ^= 0x4880
	}
	if m&(1<<8) != 0 {
		n ^= 0x2080
	}
	// Every set bit among 9..14 toggles bit 14.
	if mathbits.OnesCount16(m>>9&0x3F)&1 != 0 {
		n ^= 0x4000
	}
	return n
}

// SetNGECheck fills the last 15 bits of packet with its check, so a packet
// built from fields is valid.
func SetNGECheck(packet []byte) {
	c, _ := NGECheck(packet)
	data := len(packet) - ngeCheckBits
	for i := range ngeCheckBits {
		packet[data+i] = byte(c>>i) & 1
	}
}

// ngeLooksLike reports whether packet starts with the NGE101 head and has the
// kind bit its length calls for (0 for 55 bits, 1 for 71).
func ngeLooksLike(packet []byte) bool {
	if len(packet) != NGEShortBits && len(packet) != NGELongBits {
		return false
	}
	head := 0
	for _, b := range packet[:8] {
		head = head<<1 | int(b&1)
	}
	long := packet[8]&1 == 1
	return head == ngeHead && long == (len(packet) == NGELongBits)
}

// NGEFinder finds NGE101 packets in an unpacked bit stream with no other
// delimiter: every 55- or 71-bit window that starts with the packet head and
// whose check bits match is a packet. State carries across Write calls.
type NGEFinder struct {
	lo, hi   uint64 // the last 128 bits, newest in lo's bit 0
	pos      int64
	onPacket func(NGEPacket)
	buf      [NGELongBits]byte
}

// NewNGEFinder returns a finder that calls onPacket for every packet.
func NewNGEFinder(onPacket func(NGEPacket)) *NGEFinder {
	return &NGEFinder{onPacket: onPacket}
}

// Write consumes unpacked bits (one per byte, only the low bit counts).
func (f *NGEFinder) Write(p []byte) {
	lo, hi := f.lo, f.hi
	for i, b := range p {
		hi = hi<<1 | lo>>63
		lo = lo<<1 | uint64(b&1)
		// Short packet: head in window bits 54..47, kind bit 46 is 0.
		if lo>>46&0x1FF == ngeHead<<1 {
			f.try(lo, hi, NGEShortBits, f.pos+int64(i))
		}
		// Long packet: head in window bits 70..63, kind bit 62 is 1.
		if (hi<<2|lo>>62)&0x1FF == ngeHead<<1|1 {
			f.try(lo, hi, NGELongBits, f.pos+int64(i))
		}
	}
	f.lo, f.hi = lo, hi
	f.pos += int64(len(p))
}

func (f *NGEFinder) try(lo, hi uint64, n int, last int64) {
	pkt := f.buf[:n]
	for k := range n {
		w := n - 1 - k // window bit of packet bit k
		if w < 64 {
			pkt[k] = byte(lo>>w) & 1
		} else {
			pkt[k] = byte(hi>>(w-64)) & 1
		}
	}
	if c, s := NGECheck(pkt); c == s {
		f.onPacket(NGEPacket{Bits: pkt, BitOffset: last - int64(n) + 1})
	}
}

// NGETiming is the NGE101's OOK line coding: differential Manchester,
// rows up to one bit longer than the energy packet.
var NGETiming = pulse.Timing{Coding: pulse.DifferentialManchester, HalfCell: NGEHalfCell, Gap: NGEGap, MaxBits: NGELongBits + 1}

// NGERows returns a handler of rows sliced from a level stream that passes
// on the NGE101 packets among them: rows of the right length and head are
// delivered even when their check fails, so the decoder can count or show
// them. A row whose final 1 may be missing (pulse.Row.OpenEnd) is tried both
// ways, the reading whose check matches first.
func NGERows(onPacket func(NGEPacket)) func(pulse.Row) {
	var buf [NGELongBits + 1]byte
	return func(r pulse.Row) {
		pkt := buf[:copy(buf[:], r.Bits)]
		var withOne []byte
		if r.OpenEnd && len(pkt) < len(buf) {
			withOne = append(pkt, 1)
		}
		var best []byte
		for _, cand := range [][]byte{pkt, withOne} {
			if !ngeLooksLike(cand) {
				continue
			}
			if c, sent := NGECheck(cand); c == sent || best == nil {
				best = cand
			}
		}
		if best != nil {
			onPacket(NGEPacket{Bits: best, BitOffset: r.Start})
		}
	}
}
