package synth

import (
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// D5Lengths are the 0xD5 frame lengths seen in captures.
var D5Lengths = []byte{0x11, 0x14, 0x16, 0x17, 0x19, 0x1C, 0x1D, 0x21, 0x47, 0x7D}

// RandomFrame returns a random valid GridStream frame, from the 0x2A byte
// through the CRC, whose CRC uses init: half are 0x55 broadcasts (length
// 0x23, CI 0x30), half 0xD5 directed frames of a seen length.
func RandomFrame(rng *rand.Rand, init uint16) []byte {
	if rng.IntN(2) == 0 {
		return Frame55(rng, init)
	}
	return FrameD5(rng, init, D5Lengths[rng.IntN(len(D5Lengths))])
}

func randBytes(rng *rand.Rand, p []byte) {
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
}

// Frame55 returns a random 0x55 broadcast frame (length 0x23) for init.
func Frame55(rng *rand.Rand, init uint16) []byte {
	f := []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}
	lan := make([]byte, 4)
	randBytes(rng, lan)
	f = append(f, lan...)
	f = append(f, 0x00, byte(rng.Uint32())) // WAN tail, counter
	up := rng.Uint32() >> 4                 // uptime
	f = append(f, byte(up>>24), byte(up>>16), byte(up>>8), byte(up))
	f = append(f, 0xA4, byte(rng.Uint32()))
	f = append(f, lan...)
	f = append(f, 0x01, 0x00)
	tail := make([]byte, 3+2)
	randBytes(rng, tail)
	f = append(f, tail...)
	f = append(f, 0x7E, byte(rng.Uint32()))
	return appendCRC(f, init)
}

// FrameD5 returns a random 0xD5 frame of the given length field for init.
func FrameD5(rng *rand.Rand, init uint16, length byte) []byte {
	if length < 11 {
		length = 11
	}
	cis := []byte{0x21, 0x22, 0x29, 0x51, 0x55}
	f := []byte{0x2A, 0xD5, 0x00, length, cis[rng.IntN(len(cis))]}
	body := make([]byte, int(length)-3)
	randBytes(rng, body)
	f = append(f, body...)
	return appendCRC(f, init)
}

// appendCRC appends the CRC over the CI byte (index 4) through the end.
func appendCRC(f []byte, init uint16) []byte {
	c := gridstream.CRC16(init, f[4:])
	return append(f, byte(c>>8), byte(c))
}

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
	// NGE101Every makes every n-th burst an NGE101 packet (0: none), sent at
	// NGE101Offset Hz.
	NGE101Every  int
	NGE101Offset float64
	// Guard is the minimum silence in seconds between bursts on the same
	// channel (0 means 2 ms).
	Guard float64
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
	if cfg.CRCInits == nil {
		cfg.CRCInits = []uint16{0x5FD6}
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
		if math.Abs(f) <= cfg.MaxOffset {
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
	c := &h.cfg
	if c.Count > 0 && h.n >= c.Count {
		return Burst{}, false
	}
	fs := c.SampleRate
	h.t += h.rng.ExpFloat64() * c.Interval * fs
	guard := c.Guard * fs
	// Pick a free channel; wait for the earliest one if all are busy.
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
			break
		}
		h.t = earliest
	}
	ch := free[h.rng.IntN(len(free))]
	off := h.chans[ch] + h.uniform(-c.Jitter, c.Jitter)
	snr := h.uniform(c.SNRdB[0], c.SNRdB[1])
	start := int64(h.t)
	b := Burst{Start: start, StartFrac: h.t - float64(start)}
	h.n++
	if c.NGE101Every > 0 && h.n%c.NGE101Every == 0 && h.nge+guard <= h.t {
		var pkt []byte
		if h.rng.IntN(2) == 0 {
			pkt = nge101.NewPacket(h.rng.IntN(256), 1+h.rng.IntN(8), false, uint64(500+h.rng.IntN(20000)), false)
		} else {
			pkt = nge101.NewPacket(h.rng.IntN(256), 1+h.rng.IntN(8), true, uint64(h.rng.Uint32()), false)
		}
		b.NGE101 = &NGE101Burst{Bits: pkt, FreqOffset: c.NGE101Offset, SNRdB: snr}
		h.nge = h.t + float64(2*len(pkt))*nge101.HalfCell*fs + 2*nge101.Gap*fs
		// NGE101 bursts do not use a hop channel.
		return b, true
	}
	baud := c.Bauds[h.rng.IntN(len(c.Bauds))]
	dev := DefaultDeviation(baud) * (1 + h.uniform(-c.DeviationSpread, c.DeviationSpread))
	bt := c.BT
	if bt < 0 {
		bt = 0
	}
	gs := &GridStreamBurst{
		Frame:        RandomFrame(h.rng, c.CRCInits[h.rng.IntN(len(c.CRCInits))]),
		Trailer:      0x04,
		Version:      c.Versions[h.rng.IntN(len(c.Versions))],
		PreambleBits: c.PreambleBits[0] + h.rng.IntN(c.PreambleBits[1]-c.PreambleBits[0]+1),
		Baud:         baud,
		Deviation:    dev,
		FreqOffset:   off,
		Invert:       c.RandomPolarity && h.rng.IntN(2) == 1,
		BT:           bt,
		ClockPPM:     h.uniform(-c.ClockPPM, c.ClockPPM),
		SNRdB:        snr,
	}
	b.GridStream = gs
	// Busy until the burst ends (bits ≈ preamble + 21 + 10 per byte + 10).
	nbits := float64(gs.PreambleBits + 21 + 10*(len(gs.Frame)+1))
	h.busy[ch] = h.t + nbits*fs/baud
	return b, true
}
