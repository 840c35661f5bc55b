package nge101

import (
	"encoding/hex"
	"strings"
	"sync/atomic"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Decoder turns NGE101 packets into messages. It keeps no state but its
// counters; it is safe for concurrent use.
type Decoder struct {
	cfg        Config
	seen, good atomic.Int64
}

// Protocol returns the NGE101 protocol.
func (d *Decoder) Protocol() protocol.Protocol { return Protocol{} }

// Packet decodes one packet (55 or 71 unpacked bits): out receives its
// message when its check matches, or always with EmitFailed.
func (d *Decoder) Packet(p Packet, out protocol.Output) {
	d.seen.Add(1)
	c, s := Check(p.Bits)
	sized := len(p.Bits) == ShortBits || len(p.Bits) == LongBits
	m := &frames.Message{
		Protocol:  Name,
		CRCOK:     c == s && sized,
		Raw:       strings.ToUpper(hex.EncodeToString(bitio.Pack(p.Bits))),
		BitOffset: p.BitOffset,
	}
	m.Stamp(d.cfg.Now())
	if sized {
		m.Fields = parse(p.Bits, d.cfg.PulsesPerKWh)
	}
	if m.CRCOK {
		d.good.Add(1)
	}
	if !m.CRCOK && !d.cfg.EmitFailed {
		return
	}
	if out.Annotate != nil {
		out.Annotate(m)
	}
	out.Emit(m)
}

// Stats returns the counters so far.
func (d *Decoder) Stats() protocol.Stats {
	seen, good := d.seen.Load(), d.good.Load()
	return protocol.Stats{Frames: seen, Good: good, Failed: seen - good}
}

// NewStream returns a finder of NGE101 packets in one input: in its bits,
// and in the rows sliced from its OOK levels.
func (d *Decoder) NewStream(out protocol.Output) protocol.Stream {
	emit := func(p Packet) { d.Packet(p, out) }
	return &stream{finder: Finder{onPacket: emit}, rows: Rows{onPacket: emit}}
}

// stream is one input's finder and row picker.
type stream struct {
	finder Finder
	rows   Rows
}

func (s *stream) Bits(p []byte)   { s.finder.Bits(p) }
func (s *stream) Row(r pulse.Row) { s.rows.Row(r) }
func (s *stream) Flush()          {}
