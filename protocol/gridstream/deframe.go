package gridstream

import mathbits "math/bits"

// GridStream sync: after at least 16 alternating preamble bits come the UART
// bytes 0x00 and 0xFF. Version 4 sends them as plain 8N1 (20 framing bits);
// version 5 sends eleven 1 bits after the 0x00 byte (21 framing bits). The
// framing bits are written first-bit-first as in the stream.
const (
	framingV4     = 0b0000000001_0111111111
	framingV4Bits = 20
	framingV5     = 0b0000000001_11111111111
	framingV5Bits = 21
	// Both framings end in at least nine 1 bits; the hot loop only looks
	// closer when they are there.
	framingTail = 0x1FF

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
// noise or inside another frame cannot hide a real frame. State carries across
// calls; a Deframer is not safe for concurrent use.
type Deframer struct {
	opts    DeframerOptions
	preMask uint64
	onFrame func(RawFrame)
	sr      uint64 // last 64 bits, newest in bit 0
	pos     int64  // stream position of the next bit
	active  int
	cands   [maxCandidates]candidate
	stats   DeframerStats
}

type candidate struct {
	start         int64
	version       uint8
	syncErrors    uint8
	framingErrors uint8
	nbits         uint8  // bits of the current UART character so far
	char          uint16 // the character's bits, first bit in bit 0
	n             int    // bytes collected
	want          int    // total bytes (0: not known yet, -1: until a framing error)
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
	}
}

// Stats returns the counters so far.
func (d *Deframer) Stats() DeframerStats {
	s := d.stats
	s.Bits = d.pos
	return s
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (d *Deframer) Bits(p []byte) {
	base := d.pos
	i := 0
	for i < len(p) {
		if d.active == 0 {
			// The hot path: no frame in progress, only look for a sync word.
			sr := d.sr
			for ; i < len(p); i++ {
				sr = sr<<1 | uint64(p[i]&1)
				if sr&framingTail == framingTail && d.sync(sr, base+int64(i)+1) {
					i++
					break
				}
			}
			d.sr = sr
			continue
		}
		b := p[i] & 1
		d.sr = d.sr<<1 | uint64(b)
		i++
		d.feed(b)
		if d.sr&framingTail == framingTail {
			d.sync(d.sr, base+int64(i))
		}
	}
	d.pos = base + int64(len(p))
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
}

// sync reports whether the bits ending in sr are a sync word and, if so,
// starts a candidate whose first bit is at stream position next.
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
	c.start, c.version, c.syncErrors = next, version, uint8(errs)
	c.framingErrors, c.nbits, c.char, c.n, c.want = 0, 0, 0, 0, 0
	return true
}

// feed gives one bit to every active candidate and retires finished ones.
func (d *Deframer) feed(b byte) {
	for i := 0; i < d.active; {
		c := &d.cands[i]
		done, complete := c.push(b, uint8(d.opts.FramingErrors))
		if !done {
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

// push adds one bit to the candidate. done reports that the candidate has
// ended; complete that it ended with a whole frame of known length.
func (c *candidate) push(b byte, framingSlack uint8) (done, complete bool) {
	c.char |= uint16(b) << c.nbits
	c.nbits++
	if c.nbits < 10 {
		return false, false
	}
	ch := c.char
	c.char, c.nbits = 0, 0
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
