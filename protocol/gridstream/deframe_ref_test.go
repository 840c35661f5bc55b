package gridstream

import mathbits "math/bits"

// refFramingTail: both framings end in at least nine 1 bits; the hot loop
// only looks closer when they are there.
const refFramingTail = 0x1FF

// refDeframer is the bit-at-a-time deframer the word-level Deframer
// replaced, kept verbatim as the reference the equivalence tests and
// FuzzDeframerReference hold the Deframer to: every frame, field, stat
// and the moment of every delivery must be the same.
type refDeframer struct {
	opts    DeframerOptions
	preMask uint64
	onFrame func(RawFrame)
	sr      uint64 // last 64 bits, newest in bit 0
	pos     int64  // stream position of the next bit
	active  int
	cands   [maxCandidates]refCandidate
	stats   DeframerStats
}

type refCandidate struct {
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

// newRefDeframer returns a deframer that calls onFrame for every frame it
// deframes. Out-of-range options are clamped.
func newRefDeframer(opts DeframerOptions, onFrame func(RawFrame)) *refDeframer {
	opts.PreambleBits = min(max(opts.PreambleBits, 16), 40)
	opts.SyncErrors = min(max(opts.SyncErrors, 0), opts.PreambleBits)
	opts.FramingErrors = max(opts.FramingErrors, 0)
	return &refDeframer{
		opts:    opts,
		preMask: 1<<uint(opts.PreambleBits) - 1,
		onFrame: onFrame,
	}
}

// Stats returns the counters so far.
func (d *refDeframer) Stats() DeframerStats {
	s := d.stats
	s.Bits = d.pos
	return s
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (d *refDeframer) Bits(p []byte) {
	base := d.pos
	i := 0
	for i < len(p) {
		if d.active == 0 {
			// The hot path: no frame in progress, only look for a sync word.
			sr := d.sr
			for ; i < len(p); i++ {
				sr = sr<<1 | uint64(p[i]&1)
				if sr&refFramingTail == refFramingTail && d.sync(sr, base+int64(i)+1) {
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
		if d.sr&refFramingTail == refFramingTail {
			d.sync(d.sr, base+int64(i))
		}
	}
	d.pos = base + int64(len(p))
}

// Flush ends the stream: a frame of unknown type still being collected is
// delivered as it is, any other unfinished refCandidate is abandoned.
func (d *refDeframer) Flush() {
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
// starts a refCandidate whose first bit is at stream position next.
func (d *refDeframer) sync(sr uint64, next int64) bool {
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

// feed gives one bit to every active refCandidate and retires finished ones.
func (d *refDeframer) feed(b byte) {
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

func (d *refDeframer) deliver(c *refCandidate, complete bool) {
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

// refUARTStart is the 0x2A byte as a UART character, first bit in bit 0.
const refUARTStart = 1<<9 | startByte<<1

// push adds one bit to the refCandidate. done reports that the refCandidate has
// ended; complete that it ended with a whole frame of known length.
func (c *refCandidate) push(b byte, framingSlack uint8) (done, complete bool) {
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
		if mathbits.OnesCount16(ch^refUARTStart) > 1 {
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
