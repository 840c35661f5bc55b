package synth

import (
	"io"
	"math"
	"math/rand/v2"

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
