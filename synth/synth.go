package synth

import (
	"io"
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Config describes the recording.
type Config struct {
	// SampleRate in samples per second (required).
	SampleRate float64
	// NoiseDB is the complex noise power in dB relative to full scale
	// (amplitude 1). 0 means DefaultNoiseDB.
	NoiseDB float64
	// NoNoise turns the noise off (bursts keep the amplitude their SNR gives).
	NoNoise bool
	// Seed makes the noise (and burst phases) reproducible.
	Seed uint64
	// Samples is the recording length; 0 means until Tail samples after the
	// end of the last burst.
	Samples int64
	// Tail is the silence after the last burst when Samples is 0; 0 means
	// 10 ms.
	Tail int64
	// OnTruth, when set, is called with each burst's truth as it starts.
	OnTruth func(Truth)
	// KeepTruth keeps at most this many truths for Truth() (0: all). Use it,
	// or OnTruth, for endless streams.
	KeepTruth int
	// CenterFreq is the frequency the recording is tuned to, which
	// Frontend.PPM acts on (0: DefaultCenter).
	CenterFreq float64
	// Frontend is what the receiver does to the recording.
	Frontend Frontend
	// Interferers are signals present through the whole recording.
	Interferers []Continuous
}

// DefaultNoiseDB is the noise power used when Config.NoiseDB is 0: -30 dBFS
// leaves 30 dB of SNR before a burst reaches full scale.
const DefaultNoiseDB = -30

// FSKBurst is one FSK transmission: a frame of the protocol it carries
// (Protocol, GridStream by default), any FSK protocol of the list.
type FSKBurst struct {
	// Protocol is what is sent (nil: GridStream).
	Protocol protocol.Transmitter
	// Frame is the frame as the protocol's messages hold it (GridStream:
	// from the 0x2A byte through the CRC).
	Frame []byte
	// Trailer is what is sent after the frame (GridStream: the byte after
	// the CRC, 0x04 or 0x00).
	Trailer byte
	// Version is the protocol's framing variant (GridStream: the sync
	// version, 4 or 5; 0 means 4).
	Version int
	// PreambleBits is the alternating preamble length (0 means 52; below 16
	// is raised to 16).
	PreambleBits int
	// Baud is the symbol rate (0 means the protocol's first rate, 9600 for
	// GridStream).
	Baud float64
	// Deviation is the peak frequency deviation in Hz (0 means
	// DefaultDeviation(Baud)).
	Deviation float64
	// FreqOffset is the carrier offset from the recording's centre in Hz.
	FreqOffset float64
	// Invert sends a 1 on the lower tone (normally a 1 is the upper tone).
	Invert bool
	// BT is the Gaussian filter's bandwidth-time product; 0 is plain
	// rectangular 2-FSK.
	BT float64
	// ClockPPM offsets the transmitter's symbol clock.
	ClockPPM float64
	// SNRdB is the burst power over the complex noise power.
	SNRdB float64
	// CarrierLead is unmodulated carrier sent before the preamble, in
	// seconds (a transmitter's PLL settling).
	CarrierLead float64
	// FreqDrift is how far the carrier moves, linearly, from the first bit
	// to the last, in Hz.
	FreqDrift float64
	// ClockDrift is how far the symbol clock's error moves, linearly, from
	// the first bit to the last, in ppm.
	ClockDrift float64
}

// OOKPacketBurst is one OOK packet transmission, sent Repeats times: a
// packet of the protocol it carries (Protocol, NGE101 by default), any OOK
// protocol of the list, keyed in the protocol's line coding (Radio().OOK).
// (OOKBurst, by contrast, is an interferer's transmission.)
type OOKPacketBurst struct {
	// Protocol is what is sent (nil: NGE101).
	Protocol protocol.Transmitter
	// Bits is the packet as unpacked bits (e.g. the NGE101 transmitter's
	// RandomFrame or Encode).
	Bits []byte
	// FreqOffset is the carrier offset from the recording's centre in Hz.
	FreqOffset float64
	// Repeats is how many times the packet is sent (0 means 1), separated
	// by RepeatGap seconds of silence (0 means 10 ms).
	Repeats   int
	RepeatGap float64
	// SNRdB is the carrier-on power over the complex noise power.
	SNRdB float64
	// ClosingPulse is the width in seconds of the short pulse some
	// transmitters send after a packet whose last cell ends low (0: none,
	// the last low cell runs into the silence); see NGEClosingPulse.
	ClosingPulse float64
	// ClockError stretches the transmitter's bit cells (and closing
	// pulse) by this fraction: 0.02 is a clock 2 % slow.
	ClockError float64
}

// Burst is one transmission at a sample position; exactly one of FSK,
// OOKPacket and OOK is set.
type Burst struct {
	// Start is the sample index where the burst begins.
	Start int64
	// StartFrac delays the start by a fraction of a sample (0..1).
	StartFrac float64
	// FSK is an FSK protocol's frame (GridStream by default).
	FSK *FSKBurst
	// OOKPacket is an OOK protocol's packet (NGE101 by default).
	OOKPacket *OOKPacketBurst
	// Interferer marks a burst sent to disturb the others (a collision, the
	// strong neighbour of a near-far test): a receiver need not decode it,
	// though it may.
	Interferer bool
	// OOK is another device's on-off keyed transmission (an interferer).
	OOK *OOKBurst
}

// Truth is what was sent: one per burst.
type Truth struct {
	// Protocol is gridstream.Name, nge101.Name or OOKInterferer.
	Protocol string
	// Start and End are the burst's first and past-the-end sample indices.
	Start, End int64
	// FreqHz is the carrier offset from the centre.
	FreqHz float64
	// Baud is the GridStream symbol rate (0 for NGE101).
	Baud int
	// Deviation in Hz (GridStream).
	Deviation float64
	// SNRdB as requested.
	SNRdB float64
	// Invert and Version as sent (GridStream).
	Invert  bool
	Version int
	// Frame is the GridStream frame (0x2A through the CRC).
	Frame []byte
	// Bits is the NGE101 packet (unpacked bits).
	Bits []byte
	// FrameStart is the sample index of the frame's 0x2A start bit
	// (GridStream) or of the first packet's first edge (NGE101).
	FrameStart int64
	// Interferer is the burst's Interferer mark.
	Interferer bool
}

// Source hands out bursts in non-decreasing Start order.
type Source interface {
	// Next returns the next burst, or false when there are no more.
	Next() (Burst, bool)
}

type listSource struct {
	list []Burst
	i    int
}

// Next returns the next burst of the list.
func (s *listSource) Next() (Burst, bool) {
	if s.i >= len(s.list) {
		return Burst{}, false
	}
	s.i++
	return s.list[s.i-1], true
}

// Bursts returns a Source that replays list (which must be in Start order).
func Bursts(list ...Burst) Source { return &listSource{list: list} }

// DefaultDeviation is the deviation used for a baud when a burst leaves it 0:
// about ±12 kHz at 9600, ±16 kHz at 19200, ±20 kHz at 38400 baud.
func DefaultDeviation(baud float64) float64 {
	switch {
	case baud <= 9600:
		return 12e3
	case baud <= 19200:
		return 16e3
	default:
		return 20e3
	}
}

// renderer adds one burst into the output.
type renderer interface {
	// add adds the burst's samples for indices [pos, pos+len(dst)) into dst
	// and reports whether the burst is over by pos+len(dst).
	add(dst []complex64, pos int64) bool
}

// Generator renders a Source chunk by chunk.
type Generator struct {
	cfg     Config
	src     Source
	rng     *rand.Rand // noise
	prng    *rand.Rand // burst phases
	noiseA  float64
	pos     int64
	pending *Burst
	srcDone bool
	active  []renderer
	truth   []Truth
	lastEnd int64
	fe      frontend
	inter   []*interferer
}

// New returns a Generator for src.
func New(cfg Config, src Source) *Generator {
	if cfg.NoiseDB == 0 {
		cfg.NoiseDB = DefaultNoiseDB
	}
	if cfg.Tail == 0 {
		cfg.Tail = int64(cfg.SampleRate * 0.01)
	}
	g := &Generator{cfg: cfg, src: src,
		rng:  rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)),
		prng: rand.New(rand.NewPCG(cfg.Seed, 0x243f6a8885a308d3))}
	if !cfg.NoNoise {
		g.noiseA = math.Sqrt(math.Pow(10, cfg.NoiseDB/10) / 2)
	}
	if cfg.CenterFreq == 0 {
		g.cfg.CenterFreq = DefaultCenter
	}
	g.fe = newFrontend(cfg.Frontend)
	for i, in := range cfg.Interferers {
		g.inter = append(g.inter, newInterferer(in, cfg.SampleRate, cfg.NoiseDB, cfg.Seed+uint64(i)))
	}
	return g
}

// Truth returns the truth of every burst started so far (the last KeepTruth
// when that is set).
func (g *Generator) Truth() []Truth { return g.truth }

// Pos returns the index of the next sample Read will produce.
func (g *Generator) Pos() int64 { return g.pos }

func (g *Generator) amplitude(snr float64) float64 {
	return math.Pow(10, (g.cfg.NoiseDB+snr)/20)
}

func (g *Generator) peek() *Burst {
	if g.pending == nil && !g.srcDone {
		b, ok := g.src.Next()
		if !ok {
			g.srcDone = true
			return nil
		}
		g.pending = &b
	}
	return g.pending
}

// start turns the pending burst into a renderer and records its truth.
func (g *Generator) start(b Burst) {
	var r renderer
	var t Truth
	g.receiverPPM(&b)
	switch {
	case b.FSK != nil:
		r, t = g.newFSK(b)
	case b.OOKPacket != nil:
		r, t = g.newOOK(b)
	case b.OOK != nil:
		r, t = g.newPulses(b)
	default:
		return
	}
	t.Interferer = b.Interferer
	g.active = append(g.active, r)
	if t.End > g.lastEnd {
		g.lastEnd = t.End
	}
	if g.cfg.OnTruth != nil {
		g.cfg.OnTruth(t)
	}
	g.truth = append(g.truth, t)
	if k := g.cfg.KeepTruth; k > 0 && len(g.truth) > 2*k {
		g.truth = append(g.truth[:0], g.truth[len(g.truth)-k:]...)
	}
}

// receiverPPM moves a burst (a copy, the caller's is left alone) to where
// a receiver whose crystal is Frontend.PPM off sees it: its oscillator
// PPM·CenterFreq too high, its sample clock as fast.
func (g *Generator) receiverPPM(b *Burst) {
	ppm := g.cfg.Frontend.PPM
	if ppm == 0 {
		return
	}
	k := 1 + ppm*1e-6
	fc := g.cfg.CenterFreq
	seen := func(off float64) float64 { return (fc+off)/k - fc }
	switch {
	case b.FSK != nil:
		gs := *b.FSK
		gs.FreqOffset = seen(gs.FreqOffset)
		gs.ClockPPM = ((1+gs.ClockPPM*1e-6)/k - 1) * 1e6
		b.FSK = &gs
	case b.OOKPacket != nil:
		ng := *b.OOKPacket
		ng.FreqOffset = seen(ng.FreqOffset)
		b.OOKPacket = &ng
	}
}

// Read fills dst with the next samples and returns how many it wrote; it
// returns io.EOF with the last ones.
func (g *Generator) Read(dst []complex64) (int, error) {
	stop := g.pos + int64(len(dst))
	// Start every burst that begins in this chunk, so the end is known.
	for {
		b := g.peek()
		if b == nil || b.Start >= stop {
			break
		}
		g.pending = nil
		g.start(*b)
	}
	n := len(dst)
	if end := g.end(); end >= 0 && stop >= end {
		n = int(max(end-g.pos, 0))
		stop = g.pos + int64(n)
	}
	dst = dst[:n]
	if g.noiseA > 0 {
		a := g.noiseA
		for i := range dst {
			dst[i] = complex(float32(a*g.rng.NormFloat64()), float32(a*g.rng.NormFloat64()))
		}
	} else {
		clear(dst)
	}
	live := g.active[:0]
	for _, r := range g.active {
		if !r.add(dst, g.pos) {
			live = append(live, r)
		}
	}
	clear(g.active[len(live):])
	g.active = live
	for _, in := range g.inter {
		in.add(dst)
	}
	g.fe.apply(dst)
	g.pos = stop
	if e := g.end(); e >= 0 && g.pos >= e {
		return n, io.EOF
	}
	return n, nil
}

// end returns the recording's end, or -1 while it is not known yet.
func (g *Generator) end() int64 {
	if g.cfg.Samples > 0 {
		return g.cfg.Samples
	}
	if g.peek() != nil {
		return -1
	}
	e := g.lastEnd + g.cfg.Tail
	if e < g.pos {
		e = g.pos
	}
	return e
}

// Generate renders a whole recording into memory: src must end, or
// cfg.Samples be set. Use New and Read for long or endless recordings.
func Generate(cfg Config, src Source) ([]complex64, []Truth) {
	g := New(cfg, src)
	var out []complex64
	buf := make([]complex64, 1<<16)
	for {
		n, err := g.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil || (n == 0 && g.end() >= 0) {
			break
		}
	}
	return out, g.Truth()
}

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
