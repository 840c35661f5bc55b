package nge101

import (
	mathbits "math/bits"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// Packet geometry (transmission order; every field is LSB first) and
// timing (differential Manchester OOK).
const (
	// ShortBits is the length of the power packet.
	ShortBits = 55
	// LongBits is the length of the energy packet.
	LongBits = 71
	// HalfCell is half a bit cell in seconds.
	HalfCell = 486e-6
	// Gap is the silence, in seconds, that ends a packet.
	Gap = 2e-3

	head      = 0b11111010
	headBits  = 8
	kindBit   = 8 // 0: power packet, 1: energy packet
	checkBits = 15
)

// Timing is the NGE101's OOK line coding: rows up to one bit longer than
// the energy packet are kept (a closing pulse after a packet reads as one
// more bit).
var Timing = pulse.Timing{Coding: pulse.DifferentialManchester, HalfCell: HalfCell, Gap: Gap, MaxBits: LongBits + 1}

// Packet is one NGE101 packet as unpacked bits (55 or 71 of them, in
// transmission order). Bits is only valid during the callback.
type Packet struct {
	Bits []byte
	// BitOffset is the stream position of the packet's first bit (for level
	// input: the sample position of its first edge).
	BitOffset int64
}

// Check computes the 15-bit check of a packet's data bits (all bits before
// the check) and returns it with the check the packet carries. The check is
// a linear parity over data bits 8 onward: walking them from the last back
// to bit 8, a 15-bit mask is stepped before each bit and XORed into the
// check at every 1 bit. It reproduces every packet of the published
// captures.
func Check(packet []byte) (computed, sent uint16) {
	data := len(packet) - checkBits
	if data <= headBits {
		return 0, 0
	}
	mask := uint16(1)
	for i := data - 1; i >= headBits; i-- {
		mask = step(mask)
		if packet[i]&1 != 0 {
			computed ^= mask
		}
	}
	for i := range checkBits {
		sent |= uint16(packet[data+i]&1) << i
	}
	return computed, sent
}

func step(m uint16) uint16 {
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

// SetCheck fills the last 15 bits of packet with its check, so a packet
// built from fields is valid.
func SetCheck(packet []byte) {
	c, _ := Check(packet)
	data := len(packet) - checkBits
	for i := range checkBits {
		packet[data+i] = byte(c>>i) & 1
	}
}

// looksLike reports whether packet starts with the NGE101 head and has the
// kind bit its length calls for (0 for 55 bits, 1 for 71).
func looksLike(packet []byte) bool {
	if len(packet) != ShortBits && len(packet) != LongBits {
		return false
	}
	h := 0
	for _, b := range packet[:headBits] {
		h = h<<1 | int(b&1)
	}
	long := packet[kindBit]&1 == 1
	return h == head && long == (len(packet) == LongBits)
}

// Finder finds NGE101 packets in an unpacked bit stream with no other
// delimiter: every 55- or 71-bit window that starts with the packet head and
// whose check bits match is a packet. State carries across calls.
type Finder struct {
	lo, hi   uint64 // the last 128 bits, newest in lo's bit 0
	pos      int64
	onPacket func(Packet)
	buf      [LongBits]byte
}

// NewFinder returns a finder that calls onPacket for every packet.
func NewFinder(onPacket func(Packet)) *Finder {
	return &Finder{onPacket: onPacket}
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (f *Finder) Bits(p []byte) {
	lo, hi := f.lo, f.hi
	for i, b := range p {
		hi = hi<<1 | lo>>63
		lo = lo<<1 | uint64(b&1)
		// Short packet: head in window bits 54..47, kind bit 46 is 0.
		if lo>>46&0x1FF == head<<1 {
			f.try(lo, hi, ShortBits, f.pos+int64(i))
		}
		// Long packet: head in window bits 70..63, kind bit 62 is 1.
		if (hi<<2|lo>>62)&0x1FF == head<<1|1 {
			f.try(lo, hi, LongBits, f.pos+int64(i))
		}
	}
	f.lo, f.hi = lo, hi
	f.pos += int64(len(p))
}

func (f *Finder) try(lo, hi uint64, n int, last int64) {
	pkt := f.buf[:n]
	for k := range n {
		w := n - 1 - k // window bit of packet bit k
		if w < 64 {
			pkt[k] = byte(lo>>w) & 1
		} else {
			pkt[k] = byte(hi>>(w-64)) & 1
		}
	}
	if c, s := Check(pkt); c == s {
		f.onPacket(Packet{Bits: pkt, BitOffset: last - int64(n) + 1})
	}
}

// Rows picks the NGE101 packets out of rows sliced from a level stream:
// rows of the right length and head are delivered even when their check
// fails, so the decoder can count or show them. A packet's length follows
// from its kind bit, and a row's end may be read three ways (pulse.Row):
// as sliced; one bit longer when a last cell that is off all through may
// be hidden in the silence after it (OpenEnd); one bit shorter when its
// last bit was read from a half-cell pulse that may be the closing pulse a
// transmitter sends after a packet whose last cell ends off (Closing). At
// most one reading has the length the kind bit calls for, so a row is
// never checked twice: the 15-bit check guards every row alike. Not safe
// for concurrent use.
type Rows struct {
	onPacket func(Packet)
	buf      [LongBits]byte
}

// NewRows returns a packet picker that calls onPacket for every packet.
func NewRows(onPacket func(Packet)) *Rows { return &Rows{onPacket: onPacket} }

// Row consumes one row.
func (p *Rows) Row(r pulse.Row) {
	n := len(r.Bits)
	if n <= kindBit {
		return
	}
	want := ShortBits
	if r.Bits[kindBit]&1 == 1 {
		want = LongBits
	}
	var pkt []byte
	switch {
	case n == want:
		pkt = p.buf[:copy(p.buf[:], r.Bits)]
	case n == want-1 && r.OpenEnd:
		pkt = p.buf[:copy(p.buf[:], r.Bits)+1]
		pkt[n] = 1
	case n == want+1 && r.Closing:
		pkt = p.buf[:copy(p.buf[:], r.Bits[:want])]
	default:
		return
	}
	if looksLike(pkt) {
		p.onPacket(Packet{Bits: pkt, BitOffset: r.Start})
	}
}
