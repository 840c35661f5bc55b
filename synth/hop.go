package synth

import (
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// HopConfig describes a random hopping schedule.
type HopConfig struct {
	// SampleRate of the recording (required).
	SampleRate float64
	// Seed makes the schedule reproducible.
	Seed uint64
	// Count is the number of bursts (0 means endless).
	Count int
	// Start is the first burst's earliest start in samples.
	Start int64
	// Interval is the mean time between burst starts in seconds (0 means
	// 20 ms); starts are exponentially spaced.
	Interval float64
	// MaxOffset bounds |frequency offset| in Hz (0 means 40 % of the sample
	// rate).
	MaxOffset float64
	// Grid is the channel spacing in Hz (0 means 100 kHz); GridOffset
	// shifts the grid; Jitter adds a uniform ±Jitter Hz to every burst.
	Grid, GridOffset, Jitter float64
	// Bauds to choose from (nil means 9600, 19200, 38400).
	Bauds []float64
	// SNRdB is the range [min, max] burst SNRs are drawn from.
	SNRdB [2]float64
	// CRCInits to choose from (nil means Oncor's 0x5FD6).
	CRCInits []uint16
	// Versions to choose from (nil means 4 and 5).
	Versions []int
	// PreambleBits range [min, max] (zeros mean [16, 52]).
	PreambleBits [2]int
	// BT is the Gaussian BT (0 means 0.5; negative means rectangular FSK).
	BT float64
	// DeviationSpread varies each burst's deviation by a uniform ±fraction.
	DeviationSpread float64
	// RandomPolarity inverts about half of the bursts.
	RandomPolarity bool
	// ClockPPM is the range ±ppm of transmitter clock errors.
	ClockPPM float64
	// OOKEvery makes every n-th burst a random OOK packet of the default
	// OOK protocol, NGE101 (0: none), sent at OOKOffset Hz.
	OOKEvery  int
	OOKOffset float64
	// Guard is the minimum silence in seconds between bursts on the same
	// channel (0 means 2 ms).
	Guard float64
	// Lengths, when set, makes every frame a 0xD5 frame of one of these
	// length fields (LongLength: long frames); Broadcast makes every frame
	// a 0x55 broadcast (length 0x23, 39 bytes from the 0x2A byte).
	Lengths   []byte
	Broadcast bool
	// Exclude keeps the channels within 50 kHz of these offsets free (for
	// a continuous interferer there).
	Exclude []float64
	// Impairments are drawn for every GridStream burst.
	Impairments
}

// Hopper is a Source of random hopping bursts that never overlap on the same
// channel.
type Hopper struct {
	cfg   HopConfig
	rng   *rand.Rand
	t     float64 // next candidate start, samples
	n     int
	chans []float64 // channel offsets
	busy  []float64 // per channel: busy until (samples)
	nge   float64   // NGE101 channel busy until (samples)
	queue []Burst   // made but not handed out yet, in start order
}

// NewHopper returns a hopping schedule.
func NewHopper(cfg HopConfig) *Hopper {
	if cfg.Interval == 0 {
		cfg.Interval = 0.02
	}
	if cfg.MaxOffset == 0 {
		cfg.MaxOffset = 0.4 * cfg.SampleRate
	}
	if cfg.Grid == 0 {
		cfg.Grid = 100e3
	}
	if cfg.Bauds == nil {
		cfg.Bauds = []float64{9600, 19200, 38400}
	}
	if cfg.Versions == nil {
		cfg.Versions = []int{4, 5}
	}
	if cfg.PreambleBits == [2]int{} {
		cfg.PreambleBits = [2]int{16, 52}
	}
	if cfg.BT == 0 {
		cfg.BT = 0.5
	}
	if cfg.Guard == 0 {
		cfg.Guard = 2e-3
	}
	h := &Hopper{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), t: float64(cfg.Start)}
	kmax := int(math.Floor((cfg.MaxOffset + math.Abs(cfg.GridOffset)) / cfg.Grid))
	for k := -kmax; k <= kmax; k++ {
		f := cfg.GridOffset + float64(k)*cfg.Grid
		excluded := false
		for _, x := range cfg.Exclude {
			excluded = excluded || math.Abs(f-x) < 50e3
		}
		if math.Abs(f) <= cfg.MaxOffset && !excluded {
			h.chans = append(h.chans, f)
		}
	}
	if len(h.chans) == 0 {
		h.chans = []float64{0}
	}
	h.busy = make([]float64, len(h.chans))
	return h
}

func (h *Hopper) uniform(lo, hi float64) float64 { return lo + (hi-lo)*h.rng.Float64() }

// Next returns the next burst.
func (h *Hopper) Next() (Burst, bool) {
	for {
		// Every burst made later starts at h.t or after: a queued one
		// that starts before can go.
		if len(h.queue) > 0 && (h.queue[0].Start <= int64(h.t) || h.done()) {
			b := h.queue[0]
			h.queue = h.queue[1:]
			return b, true
		}
		if h.done() {
			return Burst{}, false
		}
		h.make()
	}
}

func (h *Hopper) done() bool { return h.cfg.Count > 0 && h.n >= h.cfg.Count }

// push queues a burst in start order.
func (h *Hopper) push(b Burst) {
	i := len(h.queue)
	for i > 0 && h.queue[i-1].Start > b.Start {
		i--
	}
	h.queue = append(h.queue, Burst{})
	copy(h.queue[i+1:], h.queue[i:])
	h.queue[i] = b
}

// at returns a burst starting at sample time t (fractional).
func at(t float64) Burst {
	start := int64(t)
	return Burst{Start: start, StartFrac: t - float64(start)}
}

// freeChannel advances h.t to when a channel is free (Guard after its last
// burst) and returns a random free one.
func (h *Hopper) freeChannel() int {
	guard := h.cfg.Guard * h.cfg.SampleRate
	var free []int
	for {
		free = free[:0]
		earliest := math.Inf(1)
		for i, b := range h.busy {
			if b+guard <= h.t {
				free = append(free, i)
			}
			earliest = min(earliest, b+guard)
		}
		if len(free) > 0 {
			return free[h.rng.IntN(len(free))]
		}
		h.t = earliest
	}
}

// make queues the next wanted burst, with its companion.
func (h *Hopper) make() {
	c := &h.cfg
	fs := c.SampleRate
	h.t += h.rng.ExpFloat64() * c.Interval * fs
	guard := c.Guard * fs
	ch := h.freeChannel()
	off := h.chans[ch] + h.uniform(-c.Jitter, c.Jitter)
	snr := h.uniform(c.SNRdB[0], c.SNRdB[1])
	h.n++
	if c.OOKEvery > 0 && h.n%c.OOKEvery == 0 && h.nge+guard <= h.t {
		b := at(h.t)
		pkt := ookTx.RandomFrame(h.rng, protocol.Traffic{})
		b.OOKPacket = &OOKPacketBurst{Bits: pkt, FreqOffset: c.OOKOffset, SNRdB: snr}
		h.nge = h.t + float64(2*len(pkt))*ookTiming.HalfCell*fs + 2*ookTiming.Gap*fs
		// NGE101 bursts do not use a hop channel.
		h.push(b)
		return
	}
	gs := h.fskBurst(off, snr)
	switch c.Companion.Kind {
	case CoChannel, AdjacentChannel:
		other := h.fskBurst(h.chans[ch]+h.uniform(-c.Jitter, c.Jitter), gs.SNRdB+c.Companion.Level)
		oc := -1 // the companion's channel, when it is one of the grid's
		if c.Companion.Kind == AdjacentChannel {
			sp := c.Companion.Spacing
			if sp == 0 {
				sp = min(c.Grid, 100e3)
			}
			if h.rng.IntN(2) == 0 {
				sp = -sp
			}
			// On a free channel: a wanted burst sent on the companion's
			// would be a co-channel collision, 10 dB under.
			oc = h.channelAt(h.chans[ch] + sp)
			if oc >= 0 && h.busy[oc]+guard > h.t {
				if alt := h.channelAt(h.chans[ch] - sp); alt < 0 || h.busy[alt]+guard <= h.t {
					sp, oc = -sp, alt
				}
			}
			other.FreqOffset += sp
		}
		// Overlapping in time: the companion starts anywhere from 90 %
		// of its own length before the wanted burst to 90 % of the
		// wanted burst's length after its start.
		lw, lo := h.airSamples(gs), h.airSamples(other)
		d := h.uniform(-0.9*lo, 0.9*lw)
		t0 := h.t + max(0, -d)
		h.push(Burst{Start: at(t0).Start, StartFrac: at(t0).StartFrac, FSK: gs})
		h.push(Burst{Start: at(t0 + d).Start, StartFrac: at(t0 + d).StartFrac, FSK: other, Interferer: true})
		h.t = t0 + max(0, d)
		h.busy[ch] = t0 + lw
		if oc >= 0 {
			h.busy[oc] = max(h.busy[oc], t0+d+lo)
		} else {
			h.busy[ch] = max(h.busy[ch], t0+d+lo)
		}
	case NearFar:
		strong := h.fskBurst(h.chans[ch]+h.uniform(-c.Jitter, c.Jitter), gs.SNRdB+c.Companion.Level)
		gap := c.Companion.Gap
		if gap == [2]float64{} {
			gap = [2]float64{0.002, 0.02}
		}
		t1 := h.t + h.airSamples(strong) + h.uniform(gap[0], gap[1])*fs
		h.push(Burst{Start: at(h.t).Start, StartFrac: at(h.t).StartFrac, FSK: strong, Interferer: true})
		h.push(Burst{Start: at(t1).Start, StartFrac: at(t1).StartFrac, FSK: gs})
		h.t = t1
		h.busy[ch] = t1 + h.airSamples(gs)
	default:
		b := at(h.t)
		b.FSK = gs
		h.push(b)
		h.busy[ch] = h.t + h.airSamples(gs)
	}
}

// channelAt returns the index of the grid channel within 1 kHz of f, or
// -1.
func (h *Hopper) channelAt(f float64) int {
	for i, c := range h.chans {
		if math.Abs(c-f) < 1e3 {
			return i
		}
	}
	return -1
}

// airSamples is how long a burst lasts, in samples (bits ≈ preamble + 21
// + 10 per byte + 10).
func (h *Hopper) airSamples(gs *FSKBurst) float64 {
	nbits := float64(gs.tx().MaxAirSymbols(len(gs.Frame), protocol.Framing{PreambleBits: gs.PreambleBits}))
	return nbits * h.cfg.SampleRate / gs.Baud
}

// fskBurst draws a random FSK burst of the default FSK protocol
// (GridStream) at offset f and SNR snr, with its impairments.
func (h *Hopper) fskBurst(f, snr float64) *FSKBurst {
	c := &h.cfg
	baud := c.Bauds[h.rng.IntN(len(c.Bauds))]
	dev := DefaultDeviation(baud) * (1 + h.uniform(-c.DeviationSpread, c.DeviationSpread))
	bt := max(c.BT, 0)
	frame := fskTx.RandomFrame(h.rng, protocol.Traffic{Keys: c.CRCInits, Lengths: c.Lengths, Broadcast: c.Broadcast})
	gs := &FSKBurst{
		Frame:        frame,
		Trailer:      0x04,
		Version:      c.Versions[h.rng.IntN(len(c.Versions))],
		PreambleBits: c.PreambleBits[0] + h.rng.IntN(c.PreambleBits[1]-c.PreambleBits[0]+1),
		Baud:         baud,
		Deviation:    dev,
		FreqOffset:   f,
		Invert:       c.RandomPolarity && h.rng.IntN(2) == 1,
		BT:           bt,
		ClockPPM:     h.uniform(-c.ClockPPM, c.ClockPPM),
		SNRdB:        snr,
	}
	c.Impairments.apply(h.rng, gs)
	return gs
}
