package bits

import mathbits "math/bits"

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

// DiffManchester slices an OOK level stream (one 0/1 sample per byte at a
// known sample rate) into NGE101 packets: runs of about half a cell and a
// whole cell between level changes become bits, a gap ends a packet. Packets
// of the right length and head are delivered even when their check fails, so
// the decoder can count or show them. State carries across Write calls.
type DiffManchester struct {
	half     float64 // samples per half cell
	gap      int     // samples of silence that end a packet
	onPacket func(NGEPacket)

	level    byte
	run      int   // samples since the last level change
	pos      int64 // sample position of the next sample
	start    int64 // sample position of the packet's first edge
	inPacket bool
	mid      bool // a half-cell run was seen: the cell's middle edge
	n        int
	bits     [NGELongBits + 1]byte
}

// NewDiffManchester returns a slicer for level samples at sampleRate.
func NewDiffManchester(sampleRate float64, onPacket func(NGEPacket)) *DiffManchester {
	return &DiffManchester{
		half:     sampleRate * NGEHalfCell,
		gap:      int(sampleRate*NGEGap + 0.5),
		onPacket: onPacket,
		run:      1 << 30,
	}
}

// Write consumes level samples (only the low bit counts).
func (s *DiffManchester) Write(p []byte) {
	for _, v := range p {
		v &= 1
		if v == s.level {
			s.run++
			if s.inPacket && s.run == s.gap {
				s.end()
			}
			s.pos++
			continue
		}
		s.edge()
		s.level = v
		s.run = 1
		s.pos++
	}
}

// Flush ends the stream as if a gap followed.
func (s *DiffManchester) Flush() {
	if s.inPacket {
		s.end()
	}
}

// edge handles a level change after a run of s.run samples.
func (s *DiffManchester) edge() {
	if !s.inPacket {
		if s.run >= s.gap {
			s.inPacket, s.mid, s.n, s.start = true, false, 0, s.pos
		}
		return
	}
	r := float64(s.run)
	switch {
	case r >= 0.5*s.half && r < 1.5*s.half: // half a cell
		if s.mid {
			s.add(0)
		}
		s.mid = !s.mid
	case r >= 1.5*s.half && r < 2.5*s.half && !s.mid: // a whole cell
		s.add(1)
	default: // not differential Manchester: drop the packet
		s.inPacket = false
	}
}

func (s *DiffManchester) add(b byte) {
	if s.n == len(s.bits) {
		s.inPacket = false
		return
	}
	s.bits[s.n] = b
	s.n++
}

// end closes a packet at a gap. A cell whose middle edge was seen is a 0; a
// final cell with no middle edge cannot be told from the packet's last edge,
// so both readings are tried.
func (s *DiffManchester) end() {
	s.inPacket = false
	if s.mid {
		s.add(0)
	}
	pkt := s.bits[:s.n]
	var withOne []byte
	if !s.mid && s.n < len(s.bits) {
		s.bits[s.n] = 1
		withOne = s.bits[:s.n+1]
	}
	best := []byte(nil)
	for _, cand := range [][]byte{pkt, withOne} {
		if !ngeLooksLike(cand) {
			continue
		}
		if c, sent := NGECheck(cand); c == sent || best == nil {
			best = cand
		}
	}
	if best != nil {
		s.onPacket(NGEPacket{Bits: best, BitOffset: s.start})
	}
}
