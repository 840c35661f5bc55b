// Package pipeline connects one input's stream to the decoders: bits to the
// GridStream deframer and the NGE101 finder, OOK levels to the differential
// Manchester slicer, and what they find to the shared frames.Decoder.
package pipeline

import (
	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
)

// Config says what one input carries and where its frames go.
type Config struct {
	// Decoder is shared by all inputs.
	Decoder *frames.Decoder
	// GridStream and NGE101 choose the protocols searched in bit streams.
	GridStream, NGE101 bool
	// Deframer tunes the GridStream correlator.
	Deframer bits.DeframerOptions
	// LevelRate is the sample rate of OOK level input (WriteLevels).
	LevelRate float64
	// Input names the input in every message (file name, endpoint).
	Input string
}

// Channel is the decoding state of one input. It is not safe for concurrent
// use: give every input (every channel of a channelized flowgraph) its own.
type Channel struct {
	cfg      Config
	emit     func(*frames.Message)
	deframer *bits.Deframer
	nge      *bits.NGEFinder
	slicer   *pulse.Slicer
	hard     []byte
	// unreliable counts NaN soft symbols.
	unreliable int64

	// Annotate, when set, is called on every message made from this
	// channel's frames, as the frame is decoded (before it is emitted, or
	// held back until its network is learned): inputs use it to add Radio
	// fields or Meta. A message is annotated by its own channel only, even
	// when another frame's channel emits it.
	Annotate func(*frames.Message)
}

// New returns a Channel that emits every message its input yields.
func New(cfg Config, emit func(*frames.Message)) *Channel {
	c := &Channel{cfg: cfg, emit: emit}
	if cfg.GridStream {
		annotate := c.annotate
		c.deframer = bits.NewDeframer(cfg.Deframer, func(f bits.RawFrame) {
			cfg.Decoder.GridStreamAnnotated(f, annotate, c.emit)
		})
	}
	if cfg.NGE101 {
		c.nge = bits.NewNGEFinder(c.nge101)
	}
	return c
}

func (c *Channel) nge101(p bits.NGEPacket) { c.cfg.Decoder.NGE101(p, c.send) }

// annotate marks a message made from this channel's frames.
func (c *Channel) annotate(m *frames.Message) {
	if c.cfg.Input != "" {
		m.Input = c.cfg.Input
	}
	if c.Annotate != nil {
		c.Annotate(m)
	}
}

// send annotates and emits an NGE101 message (they never wait).
func (c *Channel) send(m *frames.Message) {
	c.annotate(m)
	c.emit(m)
}

// WriteBits consumes unpacked bits (one per byte, only the low bit counts).
func (c *Channel) WriteBits(p []byte) {
	if c.deframer != nil {
		c.deframer.Write(p)
	}
	if c.nge != nil {
		c.nge.Write(p)
	}
}

// WriteSoft consumes soft symbols, turned into bits by the program's one
// rule (bitio.SoftBit: greater than zero is 1, a NaN keeps its slot as a 0
// and is counted in Stats().Unreliable).
func (c *Channel) WriteSoft(p []float32) {
	if cap(c.hard) < len(p) {
		c.hard = make([]byte, len(p))
	}
	h := c.hard[:len(p)]
	c.unreliable += int64(bitio.SliceSoft(h, p))
	c.WriteBits(h)
}

// Unreliable returns how many soft symbols were NaN.
func (c *Channel) Unreliable() int64 { return c.unreliable }

// WriteLevels consumes NGE101 OOK level samples (0/1 per byte) at
// Config.LevelRate samples per second.
func (c *Channel) WriteLevels(p []byte) {
	if c.slicer == nil {
		c.slicer = pulse.NewSlicer(bits.NGETiming, c.cfg.LevelRate, bits.NGERows(c.nge101))
	}
	c.slicer.Levels(p)
}

// Flush ends the stream: frames still being collected are finished.
func (c *Channel) Flush() {
	if c.deframer != nil {
		c.deframer.Flush()
	}
	if c.slicer != nil {
		c.slicer.Flush()
	}
}

// Stats returns the deframer's counters (zero when GridStream is off).
func (c *Channel) Stats() bits.DeframerStats {
	if c.deframer == nil {
		return bits.DeframerStats{}
	}
	return c.deframer.Stats()
}
