package nge101

import (
	"encoding/hex"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Decoder turns NGE101 packets into messages. It keeps its counters and
// the devices confirmed in bit streams; it is safe for concurrent use.
type Decoder struct {
	cfg        Config
	seen, good atomic.Int64
	// unconfirmed counts the packets found in bits that no packet of
	// their device confirmed (failed, though their check matched).
	unconfirmed atomic.Int64
	// heard marks the devices (channel-1 and id: bits 9-19) confirmed
	// in a bit stream (see stream); there are 2048 of them at most.
	mu    sync.Mutex
	heard [1 << deviceBits / 64]uint64
}

// deviceBits is the width of a packet's device key: channel (3 bits) and
// id (8 bits), bits channelBit..idBit+7.
const deviceBits = 11

// confirmBits is how far apart (in bits of a stream at one bit per cell,
// the only kind the Finder reads packets from) a packet of a device not yet
// heard and the packet that confirms it may be: three and a half of the
// transmitter's 43 s intervals. It sends two packets every 43 s (a power
// packet twice, or an energy packet and a power packet, rtl_433's norgo.c),
// back to back: the second confirms the first, or, if it was lost, a later
// transmission's; the half interval keeps the third transmission after it
// inside the window when the transmitter's clock runs slow.
var confirmBits = int64(math.Round(3.5 * 43 / (2 * HalfCell)))

// maxHeld is how many packets of devices not yet heard a stream holds;
// noise makes one every 2²³ bits or so, and a real device is confirmed by
// its next packet.
const maxHeld = 8

// Protocol returns the NGE101 protocol.
func (d *Decoder) Protocol() protocol.Protocol { return Protocol{} }

// Packet decodes one packet (55 or 71 unpacked bits): out receives its
// message when its check matches, or always with EmitFailed.
func (d *Decoder) Packet(p Packet, out protocol.Output) {
	m := d.message(p)
	if m.CRCOK || d.cfg.EmitFailed {
		annotate(m, out)
	}
	d.emit(m, out)
}

// message makes packet p's message, stamped now: crc_ok when its check
// matches.
func (d *Decoder) message(p Packet) *frames.Message {
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
	return m
}

// annotate has out mark m, a message of its own stream's packet.
func annotate(m *frames.Message, out protocol.Output) {
	if out.Annotate != nil {
		out.Annotate(m)
	}
}

// emit counts message m (annotated) and sends it when its check matched,
// or always with EmitFailed.
func (d *Decoder) emit(m *frames.Message, out protocol.Output) {
	d.seen.Add(1)
	if m.CRCOK {
		d.good.Add(1)
	} else if !d.cfg.EmitFailed {
		return
	}
	out.Emit(m)
}

// Stats returns the counters so far.
func (d *Decoder) Stats() protocol.Stats {
	seen, good := d.seen.Load(), d.good.Load()
	return protocol.Stats{Frames: seen, Good: good, Failed: seen - good,
		Counters: []protocol.Counter{{Name: "unconfirmed", Value: d.unconfirmed.Load()}}}
}

// NewStream returns a finder of NGE101 packets in one input: in its bits,
// and in the rows sliced from its OOK levels.
//
// A packet found in bits is vouched for by its head, kind bit and 15-bit
// check alone: random bits (a GridStream channel's noise) make one every
// 2²³ bits. Packets of a device (channel and id) not heard before are
// held until another packet of that device, within confirmBits, confirms
// them; a device heard once is believed from then on. Packets in rows
// (OOK levels) are believed at once: the pulse timing of all their cells
// vouches for them too.
func (d *Decoder) NewStream(out protocol.Output) protocol.Stream {
	s := &stream{d: d, out: out}
	s.finder.onPacket = s.fromBits
	s.rows.onPacket = s.fromRows
	return s
}

// stream is one input's finder and row picker, and the packets of its bits
// held until their device is confirmed.
type stream struct {
	d      *Decoder
	out    protocol.Output
	finder Finder
	rows   Rows
	held   []heldPacket
}

// heldPacket is a packet of a device not heard yet: its message, made
// (stamped and annotated) when it was found.
type heldPacket struct {
	m   *frames.Message
	off int64
	key int
}

func (s *stream) Bits(p []byte) {
	s.finder.Bits(p)
	if len(s.held) > 0 {
		// A packet still to come starts at most LongBits before pos.
		s.expire(s.finder.pos - LongBits - confirmBits)
	}
}

func (s *stream) Row(r pulse.Row) { s.rows.Row(r) }

// Flush drops the packets still held: nothing confirmed them.
func (s *stream) Flush() { s.drop(len(s.held)) }

// fromBits takes a packet the Finder found (its check matches).
func (s *stream) fromBits(p Packet) {
	key := deviceKey(p.Bits)
	if s.d.isHeard(key) {
		s.d.Packet(p, s.out)
		return
	}
	s.expire(p.BitOffset - confirmBits)
	confirmed := false
	for _, h := range s.held {
		confirmed = confirmed || h.key == key
	}
	if !confirmed {
		if len(s.held) == maxHeld {
			s.drop(1)
		}
		m := s.d.message(p)
		annotate(m, s.out)
		s.held = append(s.held, heldPacket{m: m, off: p.BitOffset, key: key})
		return
	}
	s.d.setHeard(key)
	keep := s.held[:0]
	for i := range s.held {
		if h := &s.held[i]; h.key == key {
			s.d.emit(h.m, s.out)
		} else {
			keep = append(keep, *h)
		}
	}
	clear(s.held[len(keep):])
	s.held = keep
	s.d.Packet(p, s.out)
}

// fromRows takes a packet sliced from levels: believed at once, and its
// device heard.
func (s *stream) fromRows(p Packet) {
	if c, sent := Check(p.Bits); c == sent {
		s.d.setHeard(deviceKey(p.Bits))
	}
	s.d.Packet(p, s.out)
}

// expire drops the held packets that start before stream position from.
func (s *stream) expire(from int64) {
	n := 0
	for n < len(s.held) && s.held[n].off < from {
		n++
	}
	s.drop(n)
}

// drop ends the first n held packets unconfirmed: counted, and shown as
// failed with EmitFailed.
func (s *stream) drop(n int) {
	for i := range n {
		m := s.held[i].m
		m.CRCOK = false
		s.d.unconfirmed.Add(1)
		s.d.emit(m, s.out)
	}
	k := copy(s.held, s.held[n:])
	clear(s.held[k:]) // the messages go
	s.held = s.held[:k]
}

// deviceKey returns a packet's channel and id bits as a number.
func deviceKey(p []byte) int { return int(lsbFirst(p, channelBit, deviceBits)) }

func (d *Decoder) isHeard(key int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.heard[key/64]&(1<<(key%64)) != 0
}

func (d *Decoder) setHeard(key int) {
	d.mu.Lock()
	d.heard[key/64] |= 1 << (key % 64)
	d.mu.Unlock()
}
