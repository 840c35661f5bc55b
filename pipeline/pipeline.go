// Package pipeline connects one input's stream to the protocols' decoders:
// bits (or soft symbols) to every protocol's stream finder, OOK levels to
// the slicer each OOK protocol's line coding declares, and what they find
// to the decoders every input shares. It knows no protocol; it loops over
// the decoders it is given.
package pipeline

import (
	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Config says what one input carries and where its frames go.
type Config struct {
	// Decoders are the protocols searched, each with the decoder every
	// input shares (protocol.NewDecoders of protocols.All(), or of a list
	// of one's own).
	Decoders []protocol.Decoder
	// LevelRate is the sample rate of OOK level input (Levels).
	LevelRate float64
	// Input names the input in every message (file name, endpoint).
	Input string
	// CalibratedSoft marks soft symbols as the pure-Go receiver's own
	// (protocol.Output.CalibratedSoft): decoders may judge frames by them.
	CalibratedSoft bool
}

// Stats counts what a channel consumed.
type Stats struct {
	// Bits is the bits (or soft symbols) consumed.
	Bits int64
	// Unreliable is the soft symbols that were NaN (bitio.SoftBit).
	Unreliable int64
	// Levels is the OOK level samples consumed: the position, in the
	// level stream, of the next sample (rows' starts count from the first).
	Levels int64
}

// Channel is the decoding state of one input. It is not safe for concurrent
// use: give every input (every channel of a channelized flowgraph) its own.
type Channel struct {
	cfg     Config
	emit    func(*frames.Message)
	streams []protocol.Stream
	soft    []protocol.SoftStream // per stream: itself when it takes soft symbols, else nil
	slicers []*pulse.Slicer       // made at the first level samples
	room    [4]protocol.Stream    // streams' storage for the usual few protocols
	softRm  [4]protocol.SoftStream
	hard    []byte
	stats   Stats

	// Annotate, when set, is called on every message made from this
	// channel's frames, as the frame is decoded (before it is emitted, or
	// held back until its network is learned): inputs use it to add Radio
	// fields or Meta. A message is annotated by its own channel only, even
	// when another frame's channel emits it.
	Annotate func(*frames.Message)
}

// New returns a Channel that emits every message its input yields. emit is
// never called while a decoder holds a lock.
func New(cfg Config, emit func(*frames.Message)) *Channel {
	c := &Channel{cfg: cfg, emit: emit}
	c.streams, c.soft = c.room[:0], c.softRm[:0]
	out := protocol.Output{Annotate: c.annotate, Emit: emit, CalibratedSoft: cfg.CalibratedSoft}
	for _, d := range cfg.Decoders {
		s := d.NewStream(out)
		ss, _ := s.(protocol.SoftStream)
		c.streams = append(c.streams, s)
		c.soft = append(c.soft, ss)
	}
	return c
}

// annotate marks a message made from this channel's frames.
func (c *Channel) annotate(m *frames.Message) {
	if c.cfg.Input != "" {
		m.Input = c.cfg.Input
	}
	if c.Annotate != nil {
		c.Annotate(m)
	}
}

// Bits consumes unpacked bits (one per byte, only the low bit counts).
func (c *Channel) Bits(p []byte) {
	c.stats.Bits += int64(len(p))
	for _, s := range c.streams {
		s.Bits(p)
	}
}

// Soft consumes soft symbols, turned into bits by the program's one rule
// (bitio.SoftBit: greater than zero is 1, a NaN keeps its slot as a 0 and
// is counted in Stats().Unreliable). Streams that use reliabilities
// (protocol.SoftStream) get the symbols with the bits.
func (c *Channel) Soft(p []float32) {
	if cap(c.hard) < len(p) {
		c.hard = make([]byte, len(p))
	}
	h := c.hard[:len(p)]
	c.stats.Unreliable += int64(bitio.SliceSoft(h, p))
	c.stats.Bits += int64(len(p))
	for i, s := range c.streams {
		if ss := c.soft[i]; ss != nil {
			ss.SoftBits(h, p)
		} else {
			s.Bits(h)
		}
	}
}

// Levels consumes OOK level samples (0/1 per byte) at Config.LevelRate
// samples per second, for every OOK protocol among the decoders.
func (c *Channel) Levels(p []byte) {
	c.stats.Levels += int64(len(p))
	if c.slicers == nil {
		c.slicers = []*pulse.Slicer{}
		for i, d := range c.cfg.Decoders {
			timing := d.Protocol().Radio().OOK
			rows, ok := c.streams[i].(protocol.RowStream)
			if timing != nil && ok {
				c.slicers = append(c.slicers, pulse.NewSlicer(*timing, c.cfg.LevelRate, rows.Row))
			}
		}
	}
	for _, s := range c.slicers {
		s.Levels(p)
	}
}

// Flush ends the stream: frames still being collected are finished.
func (c *Channel) Flush() {
	for _, s := range c.streams {
		s.Flush()
	}
	for _, s := range c.slicers {
		s.Flush()
	}
}

// Stats returns the counters so far.
func (c *Channel) Stats() Stats { return c.stats }
