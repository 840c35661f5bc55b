package synth

import (
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// NGEClosingPulse is the usual width of the closing pulse a transmitter may
// send after a packet whose last cell ends low: half a bit cell (rtl_433's
// Norgo decoder reads it as a short pulse).
var NGEClosingPulse = ookTiming.HalfCell

// AppendLevels appends the burst's OOK levels at fs samples/s (one 0/1 per
// sample, starting at the idle level 0): every repeat of the packet with the
// transmitter's clock error and, when its last cell ends low, the closing
// pulse if it sends one.
func (ng OOKPacketBurst) AppendLevels(dst []byte, fs float64) []byte {
	ng = ng.withDefaults()
	t := ng.timing()
	t.HalfCell *= 1 + ng.ClockError
	bits, _ := ng.tx().AppendAir(nil, ng.Bits, protocol.Framing{})
	for i := range ng.Repeats {
		if i > 0 {
			dst = appendLevel(dst, 0, int(ng.RepeatGap*fs))
		}
		var end byte
		dst, end = pulse.AppendLevels(dst, bits, t, fs, 0)
		if end == 0 && ng.ClosingPulse > 0 {
			dst = appendLevel(dst, 1, max(1, int(math.Round(ng.ClosingPulse*(1+ng.ClockError)*fs))))
		}
	}
	return dst
}

// NGEEndsLow reports whether an NGE101 packet's last cell ends low (the
// carrier off), so that its end cannot be seen without a closing pulse:
// every cell starts with a level change and a 0 changes again in the middle.
func NGEEndsLow(bits []byte) bool {
	level := 0
	for _, b := range bits {
		level ^= 1
		if b&1 == 0 {
			level ^= 1
		}
	}
	return level == 0
}

func appendLevel(dst []byte, l byte, n int) []byte {
	for range n {
		dst = append(dst, l)
	}
	return dst
}

// OOKBurst is another device's on-off keyed transmission, such as a 433 MHz
// weather sensor's: an interferer for the NGE101.
type OOKBurst struct {
	// Pulses are the on and off durations in seconds, alternating, starting
	// with on.
	Pulses []float64
	// FreqOffset is the carrier offset from the recording's centre in Hz.
	FreqOffset float64
	// SNRdB is the carrier-on power over the complex noise power.
	SNRdB float64
}

// Seconds is how long the transmission lasts.
func (o OOKBurst) Seconds() float64 {
	var s float64
	for _, d := range o.Pulses {
		s += max(0, d)
	}
	return s
}

// AppendLevels appends the transmission's levels at fs samples/s.
func (o OOKBurst) AppendLevels(dst []byte, fs float64) []byte {
	var t float64
	for i, d := range o.Pulses {
		d = max(0, d)
		n := int(math.Round((t+d)*fs)) - int(math.Round(t*fs))
		dst = appendLevel(dst, byte(1-i%2), n)
		t += d
	}
	return dst
}

// PWMSensor returns the pulses of a pulse-width-modulated 433 MHz sensor
// transmission (the commonest kind of weather sensor): rows of bits, each
// bit one period of three units, a 1 a one-unit pulse and a two-unit gap, a
// 0 a two-unit pulse and a one-unit gap, rows separated by eight units of
// silence. With a unit near 486 µs its pulses and gaps are NGE101 half and
// whole cells.
func PWMSensor(rng *rand.Rand, unit float64, rows, bits int) []float64 {
	var p []float64
	for r := range rows {
		if r > 0 {
			p[len(p)-1] += 8 * unit
		}
		for range bits {
			if rng.IntN(2) == 1 {
				p = append(p, unit, 2*unit)
			} else {
				p = append(p, 2*unit, unit)
			}
		}
	}
	return p
}

// newPulses renders an OOK interferer.
func (g *Generator) newPulses(b Burst) (renderer, Truth) {
	fs := g.cfg.SampleRate
	lv := b.OOK.AppendLevels(nil, fs)
	r := &ook{
		start:  b.Start,
		levels: lv,
		amp:    g.amplitude(b.OOK.SNRdB),
		fo:     2 * math.Pi * b.OOK.FreqOffset / fs,
		phase:  2 * math.Pi * g.prng.Float64(),
	}
	return r, Truth{Protocol: OOKInterferer, Start: b.Start, End: b.Start + int64(len(lv)),
		FreqHz: b.OOK.FreqOffset, SNRdB: b.OOK.SNRdB, FrameStart: b.Start}
}

// OOKInterferer is the Truth.Protocol of an OOKBurst.
const OOKInterferer = "ook"

// NGETraffic describes NGE101 packets as a real receiver meets them: either
// packet ending, the transmitter's clock error, and another OOK device
// beside them. Bursts turns it into a burst list.
type NGETraffic struct {
	// SampleRate of the recording (required).
	SampleRate float64
	// Seed makes the packets and the interferer reproducible.
	Seed uint64
	// Count is the number of NGE101 packets (each different, sent once).
	Count int
	// Offset is the NGE101 carrier offset from the centre in Hz.
	Offset float64
	// SNRdB is the packets' carrier-on SNR.
	SNRdB float64
	// Ends picks the packets by how their last cell ends.
	Ends NGEEnds
	// ClosingPulse and ClockError are every packet's (OOKPacketBurst).
	ClosingPulse, ClockError float64
	// Interferer is the other OOK device.
	Interferer Interferer
}

// NGEEnds selects NGE101 packets by the level their last cell ends on.
type NGEEnds int

// The packet selections.
const (
	// EndsAny: random packets, about half of which end low.
	EndsAny NGEEnds = iota
	// EndsLow: packets whose last cell ends low, the carrier off: their
	// end cannot be seen unless a closing pulse follows.
	EndsLow
	// EndsHigh: packets whose last cell ends with the carrier on.
	EndsHigh
)

// InterfererMode is where another OOK device transmits relative to the
// NGE101 packets.
type InterfererMode int

// The interferer's modes.
const (
	// NoInterferer: the NGE101 alone.
	NoInterferer InterfererMode = iota
	// InterfererNearby: a sensor transmission overlapping every packet in
	// time, Interferer.Offset Hz away from the NGE101 carrier.
	InterfererNearby
	// InterfererGaps: on the NGE101's carrier (within ±2 kHz), a sensor
	// transmission in the gaps between packets: one ending shortly before
	// each packet, one starting shortly after it.
	InterfererGaps
)

// Interferer is a PWM weather sensor (PWMSensor, unit 300-600 µs) sent
// beside NGE101 packets.
type Interferer struct {
	Mode InterfererMode
	// Offset is the sensor's carrier in Hz from the NGE101's
	// (InterfererNearby).
	Offset float64
	// SNRdB is the sensor's carrier-on SNR.
	SNRdB float64
	// Silence bounds the silence between a packet and the sensor's
	// transmissions before and after it (InterfererGaps), in seconds; zero
	// means 2.5-8 ms, just longer than the gap that ends an NGE101 packet.
	Silence [2]float64
}

// Bursts returns the traffic's bursts in start order, the first starting
// 10 ms in.
func (c NGETraffic) Bursts() []Burst {
	fs := c.SampleRate
	rng := rand.New(rand.NewPCG(c.Seed, 0x4e4745313031))
	var out []Burst
	t := 0.01 * fs
	for range c.Count {
		var pkt []byte
		for pkt == nil || c.Ends == EndsLow && !NGEEndsLow(pkt) || c.Ends == EndsHigh && NGEEndsLow(pkt) {
			pkt = ookTx.RandomFrame(rng, protocol.Traffic{Wide: true})
		}
		nb := Burst{OOKPacket: &OOKPacketBurst{Bits: pkt, FreqOffset: c.Offset, SNRdB: c.SNRdB,
			ClosingPulse: c.ClosingPulse, ClockError: c.ClockError}}
		out, t = c.Interferer.place(out, nb, t, fs, rng)
		// Packets repeat seconds apart; 20-40 ms of silence is plenty
		// for any receiver to end a burst.
		t += (0.02 + 0.02*rng.Float64()) * fs
	}
	return out
}

// place appends the NGE101 burst nb, starting at sample t or later, and the
// interferer's transmissions around it (in start order) to out; it returns
// the sample where all of them are over.
func (in Interferer) place(out []Burst, nb Burst, t, fs float64, rng *rand.Rand) ([]Burst, float64) {
	ng := nb.OOKPacket
	length := float64(len(ng.AppendLevels(nil, fs)))
	sensor := func() *OOKBurst {
		off := ng.FreqOffset + in.Offset
		if in.Mode == InterfererGaps {
			off = ng.FreqOffset + math.Round((rng.Float64()*2-1)*2e3)
		}
		unit := 300e-6 + 300e-6*rng.Float64()
		return &OOKBurst{Pulses: PWMSensor(rng, unit, 2, 24+rng.IntN(17)), FreqOffset: off, SNRdB: in.SNRdB}
	}
	switch in.Mode {
	case InterfererNearby:
		// The sensor starts at t+length; the packet anywhere from ending
		// just after that to starting just before the sensor ends, so the
		// two always overlap.
		s := sensor()
		d := s.Seconds() * fs
		start := t + rng.Float64()*(length+d)
		nb.Start = int64(start)
		sb := Burst{Start: int64(t + length), OOK: s}
		if nb.Start < sb.Start {
			return append(out, nb, sb), max(start+length, t+length+d)
		}
		return append(out, sb, nb), max(start+length, t+length+d)
	case InterfererGaps:
		sil := in.Silence
		if sil == [2]float64{} {
			sil = [2]float64{2.5e-3, 8e-3}
		}
		gap := func() float64 { return (sil[0] + rng.Float64()*(sil[1]-sil[0])) * fs }
		before, after := sensor(), sensor()
		start := t + before.Seconds()*fs + gap()
		nb.Start = int64(start)
		end := start + length + gap()
		return append(out, Burst{Start: int64(t), OOK: before}, nb, Burst{Start: int64(end), OOK: after}),
			end + after.Seconds()*fs
	}
	nb.Start = int64(t)
	return append(out, nb), t + length
}

// OOKLevels renders the on/off levels of the bursts (NGE101 and OOK) whose
// carrier is within ±within Hz of carrier, as an OOK receiver tuned there
// slices them: n samples at the bursts' rate fs, a sample on when any of
// them is on. Nothing else (GridStream bursts, noise) shows.
func OOKLevels(bursts []Burst, fs float64, n int64, carrier, within float64) []byte {
	out := make([]byte, n)
	var lv []byte
	for _, b := range bursts {
		switch {
		case b.OOKPacket != nil && math.Abs(b.OOKPacket.FreqOffset-carrier) <= within:
			lv = b.OOKPacket.AppendLevels(lv[:0], fs)
		case b.OOK != nil && math.Abs(b.OOK.FreqOffset-carrier) <= within:
			lv = b.OOK.AppendLevels(lv[:0], fs)
		default:
			continue
		}
		for i, l := range lv {
			if k := b.Start + int64(i); k >= 0 && k < n {
				out[k] |= l
			}
		}
	}
	return out
}
