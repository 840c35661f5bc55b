package nge101

import (
	mathbits "math/bits"
	"sync"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
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
// whose check bits match is a packet. Packets are delivered in the order
// their last bits arrive, during the call that brings that bit. State
// carries across calls.
//
// The stream is packed 64 bits to a word (words aligned to stream
// positions: bit i of a word is the position of its bit 0 plus i), and the
// head is matched at 64 end positions at once with shifts and ANDs (double
// shifts in assembly on amd64); only where a head and the kind bit its
// length calls for are found is the check computed, from tables, on the
// window as a word.
type Finder struct {
	onPacket func(Packet)
	pos      int64      // bits consumed
	a        uint64     // the word before m.b
	m        matchState // the word before the current one, and its kind bits
	cur      uint64     // the current word: its first pos%64 bits so far
	words    [blockWords]uint64
	cands    [blockWords]candidates
	buf      [LongBits]byte
}

// blockWords is how many words a Finder packs at once.
const blockWords = 64

// NewFinder returns a finder that calls onPacket for every packet.
func NewFinder(onPacket func(Packet)) *Finder {
	return &Finder{onPacket: onPacket}
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (f *Finder) Bits(p []byte) {
	for len(p) > 0 {
		fill := int(f.pos & 63)
		if fill == 0 && len(p) >= 64 {
			n := min(len(p)/64, blockWords)
			bitio.PackWords(f.words[:n], p)
			f.scan(f.words[:n], 0, 64)
			p = p[64*n:]
			continue
		}
		// The current word so far, looked at again from the position where
		// the last call stopped.
		k := min(64-fill, len(p))
		f.cur |= bitio.PackPartial(p[:k]) << fill
		f.words[0] = f.cur
		f.scan(f.words[:1], fill, fill+k)
		p = p[k:]
		if fill+k == 64 {
			f.cur = 0
		}
	}
}

// scan looks for packets ending in words, whose first is the current word
// (stream position f.pos rounded down to a word) and all but the last
// whole: ending at bits from.. of the first word and ..to-1 of the last.
// It matches every word first (match), checks the candidates in stream
// order and delivers the packets whose check matches, then moves on past
// the words that are whole.
func (f *Finder) scan(words []uint64, from, to int) {
	a0, b0, word0 := f.a, f.m.b, f.pos&^63
	m := f.m
	n := matchWords(&f.cands, words, &m)
	cands := f.cands[:n]
	if n > 0 && cands[0].word == 0 {
		cands[0].short &= ^uint64(0) << from
		cands[0].long &= ^uint64(0) << from
	}
	if last := len(words) - 1; n > 0 && cands[n-1].word == last {
		cands[n-1].short &= ^uint64(0) >> (64 - to)
		cands[n-1].long &= ^uint64(0) >> (64 - to)
	}
	t := checkTable()
	for _, cd := range cands {
		k := cd.word
		a, b, c := a0, b0, words[k]
		switch {
		case k >= 2:
			a, b = words[k-2], words[k-1]
		case k == 1:
			a, b = b0, words[0]
		}
		for ends := cd.short | cd.long; ends != 0; ends &= ends - 1 {
			i := mathbits.TrailingZeros64(ends)
			last := word0 + 64*int64(k) + int64(i)
			// lo holds the 64 bits ending at position i (there in bit 63):
			// the check bits on top, the data bits before them down from
			// bit 48, the last data bit first.
			lo := c<<(63-i) | b>>(i+1)
			d := lo >> 1
			check := t[2][byte(d>>16)] ^ t[3][byte(d>>24)] ^ t[4][byte(d>>32)] ^ t[5][byte(d>>40)]
			sent := uint16(lo >> (64 - checkBits))
			if cd.short>>i&1 != 0 && check == sent {
				f.deliver(lo, 0, ShortBits, last)
			}
			if cd.long>>i&1 != 0 && check^t[0][byte(d)]^t[1][byte(d>>8)] == sent {
				f.deliver(lo, b<<(63-i)|a>>(i+1), LongBits, last)
			}
		}
	}
	f.pos = word0 + 64*int64(len(words)-1) + int64(to)
	if to < 64 {
		return // the last word is not whole yet
	}
	switch len(words) {
	case 1:
		f.a = b0
	default:
		f.a = words[len(words)-2]
	}
	f.m = m
}

// candidates are the short and long packets that may end in a word.
type candidates struct {
	word        int
	short, long uint64
}

// matchState is what match carries from one word to the next: the word,
// and the positions in it that are a short packet's kind bit (a head just
// before, a 0) and a long one's (a head just before, a 1).
type matchState struct{ b, short, long uint64 }

// matchGeneric matches the head and kind bit at 64 positions per word with
// shifts and ANDs. It notes in cands, without a branch (a quarter of the
// words have a candidate, at random), the words where a short or long
// packet may end and where, given m (the word before the first and its
// kind bits; updated to the last word's), and returns how many it noted.
// matchWords is the same in assembly on amd64.
func matchGeneric(cands *[blockWords]candidates, words []uint64, m *matchState) int {
	n := 0
	b, ps, pl := m.b, m.short, m.long
	for k, c := range words {
		// y(k) has, for every position u of the word, the bit at u-k.
		y := func(k uint) uint64 { return c<<k | b>>(64-k) }
		// The head 0b11111010 ends at u-1: u is a kind bit.
		kind := y(8) & y(7) & y(6) & y(5) & y(4) &^ y(3) & y(2) &^ y(1)
		cs, cl := kind&^c, kind&c
		// A short packet's kind bit is 46 bits before its end, a long
		// one's 62.
		short := cs<<46 | ps>>18
		long := cl<<62 | pl>>2
		cands[n&(blockWords-1)] = candidates{k, short, long} // n <= k: the mask spares a bounds check
		n += int((short | long | -(short | long)) >> 63)     // 1 when there is a candidate
		b, ps, pl = c, cs, cl
	}
	m.b, m.short, m.long = b, ps, pl
	return n
}

// deliver hands on the packet of n bits ending at stream position last; lo
// and hi are the 128 bits ending there (lo's bit 63 the last, hi's bit 63
// the 65th from the end).
func (f *Finder) deliver(lo, hi uint64, n int, last int64) {
	pkt := f.buf[:n]
	for k := range n {
		back := n - 1 - k // packet bit k is this many before the last
		if back < 64 {
			pkt[k] = byte(lo>>(63-back)) & 1
		} else {
			pkt[k] = byte(hi>>(127-back)) & 1
		}
	}
	f.onPacket(Packet{Bits: pkt, BitOffset: last - int64(n) + 1})
}

// checkTable[j][v] is what the data bits in byte j of found's d add to the
// check (bit q of v is the (47-8j-q)th data bit counted back from the
// last): the XOR of the masks Check steps to for them. A short packet has
// 32 data bits from bit 8 on (bytes 2–5), a long one 48 (bytes 0–5). It is
// made when a finder first looks, not in every process.
var checkTable = sync.OnceValue(func() (t *[(LongBits - checkBits - headBits) / 8][256]uint16) {
	t = new([(LongBits - checkBits - headBits) / 8][256]uint16)
	var masks [8 * len(t)]uint16
	m := uint16(1)
	for r := range masks {
		m = step(m)
		masks[r] = m
	}
	for j := range t {
		for v := range 256 {
			for q := range 8 {
				if v>>q&1 != 0 {
					t[j][v] ^= masks[len(masks)-1-8*j-q]
				}
			}
		}
	}
	return t
})

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
