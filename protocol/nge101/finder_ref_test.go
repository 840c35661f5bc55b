package nge101

// refFinder is the bit-at-a-time finder the word-level Finder replaced,
// kept verbatim as the reference the equivalence tests and
// FuzzFinderReference hold the Finder to.
type refFinder struct {
	lo, hi   uint64 // the last 128 bits, newest in lo's bit 0
	pos      int64
	onPacket func(Packet)
	buf      [LongBits]byte
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (f *refFinder) Bits(p []byte) {
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

func (f *refFinder) try(lo, hi uint64, n int, last int64) {
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
