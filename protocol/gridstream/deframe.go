package gridstream

import (
	"math"
	mathbits "math/bits"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
)

// GridStream sync: after at least 16 alternating preamble bits come the UART
// bytes 0x00 and 0xFF. Version 4 sends them as plain 8N1 (20 framing bits);
// version 5 sends eleven 1 bits after the 0x00 byte (21 framing bits). The
// framing bits are written first-bit-first as in the stream.
const (
	framingV4     = 0b0000000001_0111111111
	framingV4Bits = 20
	framingV5     = 0b0000000001_11111111111
	framingV5Bits = 21

	preamblePattern = 0xAAAAAAAAAAAAAAAA // ...1010, ends in 0 before the start bit
)

// Frame bytes the deframer keeps: the 0x2A byte, a 3-byte header, and a
// length byte's worth of body.
const (
	maxFrameBytes = 1 + 3 + 255
	startByte     = 0x2A
	maxCandidates = 8
)

// DeframerOptions tunes the correlator and the UART deframer. Its values
// mean what they say wherever they are given (an empty DeframerOptions is
// the strictest deframer: no preamble or framing error); options not given
// at all (a nil *DeframerOptions in Config) are DefaultDeframerOptions.
type DeframerOptions struct {
	// PreambleBits is how many preamble bits before the framing bits are
	// compared (16–40; below 16 is 16). Noisy receivers lose preamble bits.
	PreambleBits int
	// SyncErrors is how many of those preamble bits may be wrong.
	SyncErrors int
	// FramingErrors is how many start/stop-bit errors a frame of known length
	// may have before it is abandoned; the CRC still vouches for the data.
	// Before the length is known any framing error ends the frame.
	FramingErrors int
}

// Defaults for DeframerOptions.
const (
	DefaultPreambleBits  = 16
	DefaultSyncErrors    = 2
	DefaultFramingErrors = 2
)

// DefaultDeframerOptions returns the options a user gets without flags.
func DefaultDeframerOptions() DeframerOptions {
	return DeframerOptions{
		PreambleBits:  DefaultPreambleBits,
		SyncErrors:    DefaultSyncErrors,
		FramingErrors: DefaultFramingErrors,
	}
}

// RawFrame is one deframed GridStream frame candidate. Bytes starts with the
// 0x2A byte and runs through the CRC (or, for a frame type whose length rule
// is unknown, up to the first framing error). Bytes is only valid during the
// callback.
type RawFrame struct {
	Bytes []byte
	// Version is the sync-word version, 4 or 5.
	Version int
	// BitOffset is the stream position of the 0x2A start bit.
	BitOffset int64
	// SyncErrors is how many compared preamble bits were wrong.
	SyncErrors int
	// FramingErrors is how many start/stop bits were wrong.
	FramingErrors int
	// Complete is false for a frame of unknown type cut by a framing error or
	// the end of the stream; the decoder then works out its length itself.
	Complete bool
}

// DeframerStats counts what the deframer saw.
type DeframerStats struct {
	Bits      int64 // bits consumed
	Syncs     int64 // sync words matched
	Frames    int64 // frames delivered
	Abandoned int64 // candidates that ended before a full frame
}

// Deframer finds GridStream sync words anywhere in an endless bit stream and
// deframes the UART bytes after each, handing every complete frame to a
// callback. Several candidates are followed at once, so a false sync inside
// noise or inside another frame cannot hide a real frame. A frame is
// delivered during the call that brings its last bit. State carries across
// calls; a Deframer is not safe for concurrent use.
//
// The stream is packed 64 bits to a word (words aligned to stream
// positions: bit i of a word is the position of its bit 0 plus i). A cheap
// test of 64 positions at once (the nine 1 bits both framings end in, and
// one of the 0 bits before them) picks the few where a sync word may end;
// candidates take a whole UART character from the words every ten bits
// instead of a bit at a time.
type Deframer struct {
	opts    DeframerOptions
	preMask uint64
	onFrame func(RawFrame)
	pos     int64  // stream position of the next bit
	prev    uint64 // the word before the current one
	cur     uint64 // the current word: its first pos%64 bits so far
	active  int
	next    int64 // the earliest position where an active candidate's character ends
	cands   [maxCandidates]candidate
	stats   DeframerStats
	words   [blockWords]uint64
}

// blockWords is how many words a Deframer packs at once.
const blockWords = 64

type candidate struct {
	start         int64
	next          int64 // stream position of the last bit of the next UART character
	version       uint8
	syncErrors    uint8
	framingErrors uint8
	n             int // bytes collected
	want          int // total bytes (0: not known yet, -1: until a framing error)
	buf           [maxFrameBytes]byte
}

// NewDeframer returns a deframer that calls onFrame for every frame it
// deframes. Out-of-range options are clamped.
func NewDeframer(opts DeframerOptions, onFrame func(RawFrame)) *Deframer {
	opts.PreambleBits = min(max(opts.PreambleBits, 16), 40)
	opts.SyncErrors = min(max(opts.SyncErrors, 0), opts.PreambleBits)
	opts.FramingErrors = max(opts.FramingErrors, 0)
	return &Deframer{
		opts:    opts,
		preMask: 1<<uint(opts.PreambleBits) - 1,
		onFrame: onFrame,
		next:    noEvent,
	}
}

// noEvent is Deframer.next with no candidate active.
const noEvent = math.MaxInt64

// Stats returns the counters so far.
func (d *Deframer) Stats() DeframerStats {
	s := d.stats
	s.Bits = d.pos
	return s
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (d *Deframer) Bits(p []byte) {
	for len(p) > 0 {
		fill := int(d.pos & 63)
		if fill == 0 && len(p) >= 64 {
			n := min(len(p)/64, blockWords)
			bitio.PackWords(d.words[:n], p)
			d.block(d.words[:n])
			p = p[64*n:]
			continue
		}
		k := min(64-fill, len(p))
		d.cur |= bitio.PackPartial(p[:k]) << fill
		word := d.pos - int64(fill)
		syncs := syncsAt(d.prev, d.cur) & (^uint64(0) << fill) & (^uint64(0) >> (64 - fill - k))
		d.scan(d.prev, d.cur, syncs, word, word+int64(fill+k))
		d.pos += int64(k)
		p = p[k:]
		if fill+k == 64 {
			d.prev, d.cur = d.cur, 0
		}
	}
}

// block consumes whole words while the current word is empty.
func (d *Deframer) block(words []uint64) {
	b, pos := d.prev, d.pos
	for k := 0; k < len(words); {
		// Up to the word where a candidate's next character ends, only
		// words where a sync word may end need a closer look.
		end := len(words)
		if w := (d.next - pos) >> 6; w < int64(end-k) {
			end = k + int(max(w, 0))
		}
		j, syncs := firstSyncs(words[k:end], b)
		if j > 0 {
			b = words[k+j-1]
			pos += 64 * int64(j)
			k += j
		}
		if k == len(words) {
			break
		}
		c := words[k]
		if syncs == 0 {
			syncs = syncsAt(b, c) // the word where a character ends
		}
		d.scan(b, c, syncs, pos, pos+64)
		b, pos = c, pos+64
		k++
	}
	d.prev, d.pos = b, pos
}

// firstSyncsGeneric returns the index of the first of words (b the word
// before them) where a sync word may end and those positions (syncsAt), or
// len(words) and 0. firstSyncs is the same in assembly on amd64.
func firstSyncsGeneric(words []uint64, b uint64) (int, uint64) {
	for k, c := range words {
		if syncs := syncsAt(b, c); syncs != 0 {
			return k, syncs
		}
		b = c
	}
	return len(words), 0
}

// syncsAt returns the positions of word c (b the word before it) where a
// sync word may end: the nine 1 bits both framings end in, and one of the
// 0 bits before them.
func syncsAt(b, c uint64) uint64 {
	// Runs of 1 bits ending at each position: 2, 4, 8, then 9 long.
	ones2, ones2b := c&(c<<1|b>>63), b&(b<<1)
	ones4, ones4b := ones2&(ones2<<2|ones2b>>62), ones2b&(ones2b<<2)
	ones8 := ones4 & (ones4<<4 | ones4b>>60)
	return ones8 & (c<<8 | b>>56) &^ (c<<12 | b>>52)
}

// scan handles the positions word..end-1 of word c (b the word before it,
// word the stream position of its bit 0): the candidates' characters that
// end there and the sync words that may (syncs), in stream order.
func (d *Deframer) scan(b, c, syncs uint64, word, end int64) {
	for {
		at := int64(noEvent)
		if syncs != 0 {
			at = word + int64(mathbits.TrailingZeros64(syncs))
		}
		if d.next <= at && d.next < end {
			// Characters end here; a sync word ending on the same bit is
			// looked at after them.
			i := d.next - word
			d.feed(d.next, c<<(63-i)|b>>(i+1))
			continue
		}
		if at >= end {
			return
		}
		i := at - word
		syncs &^= 1 << i
		d.sync(mathbits.Reverse64(c<<(63-i)|b>>(i+1)), at+1)
	}
}

// Flush ends the stream: a frame of unknown type still being collected is
// delivered as it is, any other unfinished candidate is abandoned.
func (d *Deframer) Flush() {
	for i := range d.active {
		c := &d.cands[i]
		if c.want == lengthUntilError && c.n >= minUnknownBytes {
			d.deliver(c, false)
		} else {
			d.stats.Abandoned++
		}
	}
	d.active = 0
	d.next = noEvent
}

// sync reports whether the bits ending in sr (the last 64, newest in bit
// 0) are a sync word and, if so, starts a candidate whose first bit is at
// stream position next.
func (d *Deframer) sync(sr uint64, next int64) bool {
	var version uint8
	var pre uint64
	switch {
	case sr&(1<<framingV4Bits-1) == framingV4:
		version, pre = 4, sr>>framingV4Bits
	case sr&(1<<framingV5Bits-1) == framingV5:
		version, pre = 5, sr>>framingV5Bits
	default:
		return false
	}
	errs := mathbits.OnesCount64((pre ^ preamblePattern) & d.preMask)
	if errs > d.opts.SyncErrors {
		return false
	}
	d.stats.Syncs++
	if d.active == maxCandidates {
		d.stats.Abandoned++
		return false
	}
	c := &d.cands[d.active]
	d.active++
	c.start, c.next, c.version, c.syncErrors = next, next+9, version, uint8(errs)
	c.framingErrors, c.n, c.want = 0, 0, 0
	d.next = min(d.next, c.next)
	return true
}

// feed gives the UART character ending at stream position t (the top ten
// bits of win, whose bit 63 is that position) to every candidate whose
// character ends there, in the order of the candidates, and retires
// finished ones.
func (d *Deframer) feed(t int64, win uint64) {
	ch := uint16(win >> 54) // first bit in bit 0
	next := int64(noEvent)
	for i := 0; i < d.active; {
		c := &d.cands[i]
		if c.next != t {
			next = min(next, c.next)
			i++
			continue
		}
		c.next += 10
		done, complete := c.push(ch, uint8(d.opts.FramingErrors))
		if !done {
			next = min(next, c.next)
			i++
			continue
		}
		switch {
		case complete:
			d.deliver(c, true)
		case c.want == lengthUntilError && c.n >= minUnknownBytes:
			d.deliver(c, false)
		default:
			d.stats.Abandoned++
		}
		d.active--
		if i != d.active {
			d.cands[i], d.cands[d.active] = d.cands[d.active], d.cands[i]
		}
	}
	d.next = next
}

func (d *Deframer) deliver(c *candidate, complete bool) {
	d.stats.Frames++
	d.onFrame(RawFrame{
		Bytes:         c.buf[:c.n],
		Version:       int(c.version),
		BitOffset:     c.start,
		SyncErrors:    int(c.syncErrors),
		FramingErrors: int(c.framingErrors),
		Complete:      complete,
	})
}

// uartStart is the 0x2A byte as a UART character, first bit in bit 0.
const uartStart = 1<<9 | startByte<<1

// push adds one UART character (ten bits, the first in bit 0) to the
// candidate. done reports that the candidate has ended; complete that it
// ended with a whole frame of known length.
func (c *candidate) push(ch uint16, framingSlack uint8) (done, complete bool) {
	framed := ch&1 == 0 && ch>>9 == 1
	data := byte(ch >> 1)
	switch {
	case c.n == 0:
		// The 0x2A byte is not CRC-covered: one wrong bit of ten is forgiven.
		if mathbits.OnesCount16(ch^uartStart) > 1 {
			return true, false
		}
		if !framed {
			c.framingErrors++
		}
		data = startByte
	case !framed:
		if c.want <= 0 {
			return true, false
		}
		c.framingErrors++
		if c.framingErrors > framingSlack {
			return true, false
		}
	}
	c.buf[c.n] = data
	c.n++
	if c.want == 0 {
		c.want = FrameLength(c.buf[:c.n])
		if c.want < 0 && c.want != lengthUntilError {
			return true, false
		}
	}
	if c.want > 0 && c.n == c.want {
		return true, true
	}
	return c.n == len(c.buf), false
}

// Results of FrameLength other than a length.
const (
	// LengthNeedMore: the header is not complete yet.
	LengthNeedMore = 0
	// LengthUnknownType: the type has no known length rule.
	LengthUnknownType = -1
	// LengthInvalid: the length field is too small to hold a CI byte and CRC.
	LengthInvalid = -2

	lengthUntilError = LengthUnknownType
	minUnknownBytes  = 5
)

// FrameLength returns the total length in bytes, counted from the 0x2A byte
// through the CRC, of the GridStream frame that starts with frame, or one of
// LengthNeedMore, LengthUnknownType, LengthInvalid. Where the length byte
// sits is its type's rule (types 0x55 and 0xD5 carry a reserved byte before
// it; 0xA5 and 0xD2 do not); the length counts the bytes after it, CI
// through CRC.
func FrameLength(frame []byte) int {
	if len(frame) < 2 {
		return LengthNeedMore
	}
	lenAt := ciIndex(frame[1])
	if lenAt == 0 {
		return LengthUnknownType
	}
	if len(frame) <= lenAt {
		return LengthNeedMore
	}
	n := int(frame[lenAt])
	if n < 3 {
		return LengthInvalid
	}
	return lenAt + 1 + n
}

// syncFraming returns the framing bits of a sync-word version and their count.
func syncFraming(version int) (uint64, int) {
	if version == 5 {
		return framingV5, framingV5Bits
	}
	return framingV4, framingV4Bits
}
