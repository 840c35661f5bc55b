package synth

// The bursts' modulators: continuous-phase (G)FSK and keyed OOK packets,
// each adding its samples to the generator's buffer.

import (
	"math"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// fsk renders a continuous-phase (G)FSK burst.
type fsk struct {
	start  float64 // burst start in samples (fractional)
	bits   []byte
	spb    float64 // samples per bit
	dev    float64 // radians per sample at full deviation
	fo     float64 // radians per sample carrier offset
	amp    float64
	phase  float64
	shape  []float64 // Gaussian frequency pulse, shapeRes points per bit
	span   int       // pulse half-span in bits
	ramp   float64   // ramp length in samples
	lead   float64   // samples of unmodulated carrier before the first bit
	length float64   // samples until the end of the last bit
	drift  float64   // carrier drift: radians per sample per sample
	curve  float64   // clock drift: extra bits per (sample after the lead)²
	invert bool
	endIdx int64
}

const shapeRes = 64

// tx is the burst's protocol.
func (gs FSKBurst) tx() protocol.Transmitter {
	if gs.Protocol != nil {
		return gs.Protocol
	}
	return fskTx
}

// tx is the burst's protocol.
func (ng OOKPacketBurst) tx() protocol.Transmitter {
	if ng.Protocol != nil {
		return ng.Protocol
	}
	return ookTx
}

// timing is the burst's protocol's OOK line coding.
func (ng OOKPacketBurst) timing() pulse.Timing {
	if ng.Protocol != nil {
		return *ng.Protocol.Radio().OOK
	}
	return ookTiming
}

// withDefaults fills the zero fields of an FSK burst as documented.
func (gs FSKBurst) withDefaults() FSKBurst {
	if gs.Baud == 0 {
		gs.Baud = float64(gs.tx().Radio().Rates[0].Baud)
	}
	if gs.Deviation == 0 {
		gs.Deviation = DefaultDeviation(gs.Baud)
	}
	if gs.Version == 0 {
		gs.Version = 4
	}
	if gs.PreambleBits == 0 {
		gs.PreambleBits = 52
	}
	gs.PreambleBits = max(gs.PreambleBits, 16)
	return gs
}

// withDefaults fills the zero fields of an OOK packet burst as documented.
func (ng OOKPacketBurst) withDefaults() OOKPacketBurst {
	ng.Repeats = max(ng.Repeats, 1)
	if ng.RepeatGap <= 0 {
		ng.RepeatGap = 0.01
	}
	return ng
}

// Samples estimates how many samples the burst lasts at rate, with a little
// slack, so callers can place bursts one after the other.
func (b Burst) Samples(rate float64) int64 {
	if b.FSK != nil {
		gs := b.FSK.withDefaults()
		bitCount := gs.tx().MaxAirSymbols(len(gs.Frame), protocol.Framing{PreambleBits: gs.PreambleBits}) + 8 // slack
		return int64(float64(bitCount)*rate/gs.Baud) + int64(max(0, gs.CarrierLead)*rate)
	}
	if b.OOK != nil {
		return int64(b.OOK.Seconds()*rate) + 1
	}
	ng := b.OOKPacket.withDefaults()
	t := ng.timing()
	packet := (float64(2*len(ng.Bits))*t.HalfCell + max(0, ng.ClosingPulse)) * (1 + max(0, ng.ClockError))
	return int64((float64(ng.Repeats)*(packet+ng.RepeatGap) + 2*t.Gap) * rate)
}

func (g *Generator) newFSK(b Burst) (renderer, Truth) {
	gs := b.FSK.withDefaults()
	fs := g.cfg.SampleRate
	baud, dev, ver, pre := gs.Baud, gs.Deviation, gs.Version, gs.PreambleBits
	bs, frameBit := gs.tx().AppendAir(nil, gs.Frame, protocol.Framing{PreambleBits: pre, Variant: ver, Trailer: gs.Trailer})
	spb := fs / (baud * (1 + gs.ClockPPM*1e-6))
	r := &fsk{
		start:  float64(b.Start) + b.StartFrac,
		bits:   bs,
		spb:    spb,
		dev:    2 * math.Pi * dev / fs,
		fo:     2 * math.Pi * gs.FreqOffset / fs,
		amp:    g.amplitude(gs.SNRdB),
		phase:  2 * math.Pi * g.prng.Float64(),
		ramp:   spb / 2,
		lead:   max(0, gs.CarrierLead*fs),
		length: max(0, gs.CarrierLead*fs) + float64(len(bs))*spb,
		invert: gs.Invert,
	}
	if bitsLen := float64(len(bs)) * spb; bitsLen > 0 {
		r.drift = 2 * math.Pi * gs.FreqDrift / fs / bitsLen
		r.curve = gs.ClockDrift * 1e-6 / (2 * bitsLen * spb)
	}
	if gs.BT > 0 {
		r.span = 3
		r.shape = gaussPulse(gs.BT, r.span)
	}
	total := r.length + r.ramp
	r.endIdx = int64(math.Ceil(r.start + total))
	t := Truth{
		Protocol:   gs.tx().Name(),
		Start:      b.Start,
		End:        r.endIdx,
		FreqHz:     gs.FreqOffset,
		Baud:       int(baud),
		Deviation:  dev,
		SNRdB:      gs.SNRdB,
		Invert:     gs.Invert,
		Version:    ver,
		Frame:      append([]byte(nil), gs.Frame...),
		FrameStart: int64(r.start + r.lead + float64(frameBit)*spb),
	}
	return r, t
}

// gaussPulse tabulates the GFSK frequency pulse (a one-bit rectangle through a
// Gaussian filter of the given BT) over ±span bits, shapeRes points per bit.
func gaussPulse(bt float64, span int) []float64 {
	n := 2 * span * shapeRes
	p := make([]float64, n+1)
	c := math.Pi * bt * math.Sqrt(2/math.Ln2)
	for i := range p {
		t := float64(i)/shapeRes - float64(span) // in bits, 0 at the bit centre
		p[i] = 0.5 * (math.Erf(c*(t+0.5)) - math.Erf(c*(t-0.5)))
	}
	return p
}

// freq returns the normalised instantaneous frequency (-1..1) at time u bits
// after the burst start.
func (r *fsk) freq(u float64) float64 {
	sym := func(k int) float64 {
		if k < 0 || k >= len(r.bits) {
			return 0
		}
		v := 1.0
		if r.bits[k]&1 == 0 {
			v = -1
		}
		if r.invert {
			v = -v
		}
		return v
	}
	if r.shape == nil {
		return sym(int(math.Floor(u)))
	}
	k0 := int(math.Floor(u))
	f := 0.0
	for k := k0 - r.span; k <= k0+r.span; k++ {
		x := (u - float64(k) - 0.5 + float64(r.span)) * shapeRes // index into shape
		if x < 0 || x >= float64(len(r.shape)-1) {
			continue
		}
		i := int(x)
		fr := x - float64(i)
		f += sym(k) * (r.shape[i] + fr*(r.shape[i+1]-r.shape[i]))
	}
	return f
}

func (r *fsk) add(dst []complex64, pos int64) bool {
	total := r.length + r.ramp
	for i := range dst {
		n := float64(pos+int64(i)) - r.start
		if n < 0 {
			continue
		}
		if n >= total {
			return true
		}
		m := n - r.lead
		u := m/r.spb + r.curve*m*m
		r.phase += r.fo + r.drift*max(0, m) + r.dev*r.freq(u)
		if r.phase > math.Pi {
			r.phase -= 2 * math.Pi
		} else if r.phase < -math.Pi {
			r.phase += 2 * math.Pi
		}
		a := r.amp
		if n < r.ramp {
			s := math.Sin(0.5 * math.Pi * n / r.ramp)
			a *= s * s
		} else if n > r.length {
			s := math.Cos(0.5 * math.Pi * (n - r.length) / r.ramp)
			a *= s * s
		}
		s, c := math.Sincos(r.phase)
		dst[i] += complex(float32(a*c), float32(a*s))
	}
	return pos+int64(len(dst)) >= r.endIdx
}

// ook renders an NGE101 burst from its level samples.
type ook struct {
	start  int64
	levels []byte
	amp    float64
	fo     float64
	phase  float64
}

func (g *Generator) newOOK(b Burst) (renderer, Truth) {
	ng := b.OOKPacket.withDefaults()
	fs := g.cfg.SampleRate
	lv := ng.AppendLevels(nil, fs)
	r := &ook{
		start:  b.Start,
		levels: lv,
		amp:    g.amplitude(ng.SNRdB),
		fo:     2 * math.Pi * ng.FreqOffset / fs,
		phase:  2 * math.Pi * g.prng.Float64(),
	}
	t := Truth{
		Protocol:   ng.tx().Name(),
		Start:      b.Start,
		End:        b.Start + int64(len(lv)),
		FreqHz:     ng.FreqOffset,
		SNRdB:      ng.SNRdB,
		Bits:       append([]byte(nil), ng.Bits...),
		FrameStart: b.Start,
	}
	return r, t
}

func (r *ook) add(dst []complex64, pos int64) bool {
	for i := range dst {
		n := pos + int64(i) - r.start
		if n < 0 {
			continue
		}
		if n >= int64(len(r.levels)) {
			return true
		}
		r.phase += r.fo
		if r.phase > math.Pi {
			r.phase -= 2 * math.Pi
		} else if r.phase < -math.Pi {
			r.phase += 2 * math.Pi
		}
		if r.levels[n] != 0 {
			s, c := math.Sincos(r.phase)
			dst[i] += complex(float32(r.amp*c), float32(r.amp*s))
		}
	}
	return pos+int64(len(dst)) >= r.start+int64(len(r.levels))
}
