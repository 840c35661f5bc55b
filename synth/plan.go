package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// Options describe a recording as the `gridstream synth` command's options
// do: each field's comment names its option, and Plan's errors name the
// options the same way. Plan fills in what is left at its default.
type Options struct {
	// SampleRate in samples/s (--rate; required).
	SampleRate float64
	// CenterFreq is the centre frequency written to the meta (--center-freq).
	// nil: 915 MHz when only GridStream is sent, 433.92 MHz when only
	// NGE101, 0 (unknown) when both are: no real receiver hears both bands
	// at once.
	CenterFreq *float64
	// NoiseDB is the noise power in dBFS (--noise; 0: DefaultNoiseDB);
	// NoNoise turns it off (--no-noise).
	NoiseDB float64
	NoNoise bool
	// SNR is the [min, max] range burst SNRs are drawn from, in dB over the
	// noise (--snr); explicit bursts get the max.
	SNR [2]float64
	// Seed makes the recording reproducible (--seed).
	Seed uint64
	// Duration is the recording's length in seconds (--duration; 0: until
	// 10 ms after the last burst).
	Duration float64

	// Frames are GridStream frames (0x2A through the CRC, see
	// ParseFrameHex) sent once each, in order, first (--frame).
	Frames [][]byte
	// Count is the number of random valid GridStream frames sent after the
	// explicit bursts (--count). nil: DefaultCount, or 0 when Frames or
	// NGE101 packets are given.
	Count *int
	// CRCInits are the random frames' utility networks (--crc-init; nil:
	// Oncor's 5FD6).
	CRCInits []uint16
	// Versions are the sync versions to use, 4 and/or 5 (--sync; nil: both);
	// Frames use the first.
	Versions []int
	// Bauds are the symbol rates to choose from (--baud; required); Frames
	// use the first.
	Bauds []float64
	// Deviation is the FSK peak deviation in Hz (--deviation; 0:
	// DefaultDeviation of the baud).
	Deviation float64
	// BT is the Gaussian filter's BT (--bt; 0: plain 2-FSK).
	BT float64
	// PreambleBits is the preamble length (--preamble-bits; 0: random 16-52,
	// 52 for Frames).
	PreambleBits int
	// Interval is the mean time between burst starts in seconds
	// (--interval; must be positive).
	Interval float64
	// Offset is the carrier offset from the centre in Hz (--offset); with
	// Hop, the offset of the channel grid.
	Offset float64
	// Hop puts every random burst on a random free channel of a grid
	// HopGrid Hz apart (--hop, --hop-grid; HopGrid must be positive) within
	// ±MaxOffset Hz (--max-offset; 0: 40 % of the rate, 25 % when NGE101
	// packets share the band).
	Hop       bool
	HopGrid   float64
	MaxOffset float64
	// Invert inverts the FSK polarity of every burst (--invert);
	// RandomPolarity that of about half the random ones (--random-polarity).
	Invert, RandomPolarity bool
	// ClockPPM is the range ±ppm of random transmitter clock errors
	// (--clock-ppm).
	ClockPPM float64
	// Jitter is the range ±Hz of random transmitter frequency errors, on
	// top of the channel's offset (--jitter).
	Jitter float64
	// Lengths, when set, makes every random frame a 0xD5 frame of one of
	// these length fields (--length; LongLength for the longest frames);
	// Broadcast makes every one a 0x55 broadcast (--broadcast).
	Lengths   []byte
	Broadcast bool
	// Impairments are drawn for every random GridStream burst (--mod-index,
	// a --bt range, --drift, --clock-drift, --fading, --collide…).
	Impairments Impairments
	// Frontend is what the receiver does to the recording (--rx-ppm, --dc,
	// --iq-imbalance, --adc-bits).
	Frontend Frontend
	// Interferers are continuous signals through the whole recording
	// (--interferer); with Hop, no burst uses a channel within 50 kHz of
	// one.
	Interferers []Continuous

	// NGEPower and NGEEnergy are NGE101 packets sent after the frames: one
	// power packet per value in W (--nge-power) and one energy packet per
	// value in kWh (--nge-energy).
	NGEPower, NGEEnergy []float64
	// NGEID (0-255) and NGEChannel (1-8) are the transmitter's (--nge-id,
	// --nge-channel).
	NGEID, NGEChannel int
	// NGEPulsesPerKWh turns W and kWh into pulse gaps and counts
	// (--nge-pulses-per-kwh; must be positive).
	NGEPulsesPerKWh float64
	// NGELowBattery sets the low-battery bit of energy packets
	// (--nge-low-battery).
	NGELowBattery bool
	// NGEOffset is the NGE101 carrier offset in Hz (--nge-offset). nil: 20 %
	// of the rate, or 42 % with GridStream traffic (outside its channels).
	NGEOffset *float64
	// NGERepeats is how often each NGE101 packet is sent (--nge-repeats).
	NGERepeats int
	// NGEEvery makes every n-th random burst a random NGE101 packet
	// (--nge-every; 0: none).
	NGEEvery int
	// NGEEnding is how NGE101 packets whose last cell ends low finish
	// (--nge-ending): NGEOpen (nothing follows; ""), NGEPulse (a closing
	// pulse of half a cell) or NGEMixed (each packet either way).
	NGEEnding string
	// NGEClockError is the range [min, max] the NGE101 transmitters' clock
	// errors are drawn from, as fractions (--nge-clock-error, in percent;
	// at most ±10 %).
	NGEClockError [2]float64
	// NGEInterferer sends a PWM weather sensor (another 433 MHz OOK
	// device) beside every --nge-power/--nge-energy packet
	// (--nge-interferer): "" (none), NGENearby (overlapping in time,
	// NGEInterfererOffset Hz from the NGE101 carrier; 0: -100 kHz) or
	// NGEGaps (on the NGE101's carrier, just before and after each
	// packet). NGEInterfererSNR is its SNR (--nge-interferer-snr; nil: 6
	// dB over the packets').
	NGEInterferer       string
	NGEInterfererOffset float64
	NGEInterfererSNR    *float64
}

// The values of Options.NGEEnding and Options.NGEInterferer.
const (
	NGEOpen   = "open"
	NGEPulse  = "pulse"
	NGEMixed  = "mixed"
	NGENearby = "nearby"
	NGEGaps   = "gaps"
)

// MaxNGEClockError bounds Options.NGEClockError: ±10 %, five times what
// the NGE101 issue asks receivers to take.
const MaxNGEClockError = 0.1

// DefaultCount is the number of random GridStream frames of Options.Count
// nil when nothing else is sent.
const DefaultCount = 10

// MaxDeviation bounds Options.Deviation: well beyond GridStream's ±12-20 kHz.
const MaxDeviation = 100e3

// Plan is a recording ready to render: New(p.Config, p.Source).
type Plan struct {
	// SampleRate and CenterFreq (0: unknown) of the recording.
	SampleRate, CenterFreq float64
	// Config configures the Generator; OnTruth and KeepTruth are the
	// caller's.
	Config Config
	// Source hands out the bursts: the explicit ones, then the random ones.
	Source Source
}

// Plan checks o and turns it into a generator configuration and a burst
// source.
func (o Options) Plan() (*Plan, error) {
	rate := o.SampleRate
	switch {
	case !(rate > 0):
		return nil, errors.New("--rate must be positive")
	case o.HopGrid <= 0 || o.MaxOffset < 0 || o.Deviation < 0:
		return nil, errors.New("--hop-grid must be positive, --max-offset and --deviation not negative")
	case o.HopGrid > rate:
		return nil, fmt.Errorf("--hop-grid %g Hz: at most the sample rate (%g)", o.HopGrid, rate)
	case o.MaxOffset > rate/2:
		return nil, fmt.Errorf("--max-offset %g Hz is outside the band (±%g Hz)", o.MaxOffset, rate/2)
	case o.Deviation > MaxDeviation || o.Deviation >= rate/2:
		return nil, fmt.Errorf("--deviation %g Hz: want at most %g Hz and under half the sample rate", o.Deviation, MaxDeviation)
	case len(o.Bauds) == 0:
		return nil, errors.New("--baud: name at least one symbol rate")
	}
	for _, b := range o.Bauds {
		if b <= 0 || b > rate/2 {
			return nil, fmt.Errorf("--baud %g: must be positive and at most half the sample rate", b)
		}
	}
	versions := o.Versions
	if len(versions) == 0 {
		versions = []int{4, 5}
	}
	snr := o.SNR
	var explicit []Burst
	for _, f := range o.Frames {
		explicit = append(explicit, Burst{FSK: &FSKBurst{
			Frame: f, Trailer: 0x04, Version: versions[0], PreambleBits: o.PreambleBits,
			Baud: o.Bauds[0], Deviation: o.Deviation, FreqOffset: o.Offset,
			Invert: o.Invert, BT: o.BT, SNRdB: snr[1],
		}})
	}
	ngeBursts, err := o.ngePackets()
	if err != nil {
		return nil, err
	}
	ngeImp, err := o.ngeImpairments(rate)
	if err != nil {
		return nil, err
	}
	explicit = append(explicit, ngeBursts...)
	count := DefaultCount
	switch {
	case o.Count != nil:
		count = *o.Count
	case len(explicit) > 0:
		count = 0
	}
	if count < 0 {
		return nil, errors.New("--count must not be negative")
	}
	// NGE101 packets stay clear of the GridStream channels: alone they sit
	// at 20 % of the rate (away from a real receiver's DC spike), with
	// GridStream traffic at 42 % while the hopping stays within 25 %.
	hasGS := count > 0 || len(o.Frames) > 0
	var ngeOffset float64
	switch {
	case o.NGEOffset != nil:
		ngeOffset = *o.NGEOffset
	case hasGS:
		ngeOffset = math.Round(0.42*rate/1e3) * 1e3
	default:
		ngeOffset = math.Round(0.2*rate/1e3) * 1e3
	}
	if math.Abs(ngeOffset) >= rate/2 {
		return nil, fmt.Errorf("--nge-offset %g Hz is outside the band (±%g Hz)", ngeOffset, rate/2)
	}
	if in := ngeImp.interferer; in.Mode == InterfererNearby && math.Abs(ngeOffset+in.Offset) >= rate/2 {
		return nil, fmt.Errorf("--nge-interferer-offset %g Hz puts the sensor at %g Hz, outside the band (±%g Hz)", in.Offset, ngeOffset+in.Offset, rate/2)
	}
	for i := range explicit {
		if explicit[i].OOKPacket != nil {
			explicit[i].OOKPacket.FreqOffset = ngeOffset
		}
	}
	hasNGE := len(o.NGEPower)+len(o.NGEEnergy) > 0 || count > 0 && o.NGEEvery > 0
	p := &Plan{SampleRate: rate}
	switch {
	case o.CenterFreq != nil:
		p.CenterFreq = *o.CenterFreq
	case hasGS && hasNGE:
		p.CenterFreq = 0
	case hasGS:
		p.CenterFreq = 915e6
	default:
		p.CenterFreq = 433.92e6
	}
	if len(explicit) == 0 && count == 0 {
		return nil, errors.New("nothing to send: give --count N, --frame HEX or --nge-power/--nge-energy")
	}
	if !(o.Interval > 0) {
		return nil, errors.New("--interval must be positive")
	}
	// Explicit bursts go first, one after the other; NGE101 packets with
	// the sensor's transmissions around them.
	t := int64(0.01 * rate)
	var laid []Burst
	for _, b := range explicit {
		if b.OOKPacket == nil {
			b.Start = t
			laid = append(laid, b)
			t += b.Samples(rate) + int64(o.Interval*rate)
			continue
		}
		ngeImp.apply(b.OOKPacket)
		if ngeImp.interferer.Mode == NoInterferer {
			b.Start = t
			laid = append(laid, b)
			t += b.Samples(rate) + int64(o.Interval*rate)
			continue
		}
		var end float64
		laid, end = ngeImp.interferer.place(laid, b, float64(t), rate, ngeImp.rng)
		t = int64(end) + int64(2*ookTiming.Gap*rate) + int64(o.Interval*rate)
	}
	src := Bursts(laid...)
	if count > 0 {
		hc := HopConfig{
			SampleRate: rate, Seed: o.Seed, Count: count, Start: t, Interval: o.Interval,
			Bauds: o.Bauds, SNRdB: snr, CRCInits: o.CRCInits, Versions: versions,
			BT: o.BT, RandomPolarity: o.RandomPolarity, ClockPPM: o.ClockPPM,
			Jitter: o.Jitter, Lengths: o.Lengths, Broadcast: o.Broadcast, Impairments: o.Impairments,
			OOKEvery: o.NGEEvery, OOKOffset: ngeOffset,
			// Bursts closer than a few ms on one channel look like one
			// burst to a receiver (and real meters hop between them).
			Guard: 0.005,
		}
		if o.BT == 0 {
			hc.BT = -1
		}
		if n := o.PreambleBits; n > 0 {
			hc.PreambleBits = [2]int{n, n}
		}
		if o.Hop {
			hc.Grid, hc.GridOffset, hc.MaxOffset = o.HopGrid, o.Offset, o.MaxOffset
			for _, in := range o.Interferers {
				hc.Exclude = append(hc.Exclude, in.Offset)
			}
			if hc.MaxOffset == 0 && hasNGE {
				hc.MaxOffset = 0.25 * rate
			}
		} else {
			// One channel at Offset.
			hc.Grid, hc.GridOffset, hc.MaxOffset = 1e12, o.Offset, math.Abs(o.Offset)+1
		}
		if math.Abs(hc.GridOffset) >= rate/2 {
			return nil, fmt.Errorf("--offset %g Hz is outside the band (±%g Hz)", hc.GridOffset, rate/2)
		}
		src = Chain(src, &adjustSource{src: NewHopper(hc), invert: o.Invert, deviation: o.Deviation, nge: ngeImp})
	}
	p.Source = src
	p.Config = Config{SampleRate: rate, NoiseDB: o.NoiseDB, NoNoise: o.NoNoise, Seed: o.Seed,
		CenterFreq: p.CenterFreq, Frontend: o.Frontend, Interferers: o.Interferers}
	if err := o.checkImpairments(); err != nil {
		return nil, err
	}
	if d := o.Duration; d > 0 {
		p.Config.Samples = int64(d * rate)
	} else if d < 0 {
		return nil, errors.New("--duration must be positive")
	}
	return p, nil
}

// ngePackets returns the explicit NGE101 bursts (at offset 0): the power
// packets, then the energy packets.
func (o Options) ngePackets() ([]Burst, error) {
	v := protocol.Values{"nge-id": o.NGEID, "nge-channel": o.NGEChannel,
		"nge-pulses-per-kwh": o.NGEPulsesPerKWh, "nge-low-battery": o.NGELowBattery}
	if _, err := ookTx.Encode(v); err != nil { // the values, checked even when no packet is sent
		return nil, err
	}
	var out []Burst
	add := func(key string, x float64) error {
		v[key] = x
		pkt, err := ookTx.Encode(v)
		delete(v, key)
		out = append(out, Burst{OOKPacket: &OOKPacketBurst{Bits: pkt, Repeats: o.NGERepeats, SNRdB: o.SNR[1]}})
		return err
	}
	for _, w := range o.NGEPower {
		if err := add("nge-power", w); err != nil {
			return nil, err
		}
	}
	for _, e := range o.NGEEnergy {
		if err := add("nge-energy", e); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// chainSource plays its sources one after the other.
type chainSource struct{ srcs []Source }

// Chain returns a Source that plays srcs one after the other: each must
// start after the previous one ends.
func Chain(srcs ...Source) Source { return &chainSource{srcs: srcs} }

// Next returns the next burst of the first source that has one.
func (c *chainSource) Next() (Burst, bool) {
	for len(c.srcs) > 0 {
		if b, ok := c.srcs[0].Next(); ok {
			return b, true
		}
		c.srcs = c.srcs[1:]
	}
	return Burst{}, false
}

// adjustSource applies Options.Invert and Options.Deviation to random
// GridStream bursts, and the NGE101 ending and clock error to random NGE101
// packets.
type adjustSource struct {
	src       Source
	invert    bool
	deviation float64
	nge       *ngeImpairments
}

// Next returns the next burst, adjusted.
func (a *adjustSource) Next() (Burst, bool) {
	b, ok := a.src.Next()
	if ok && b.FSK != nil {
		if a.invert {
			b.FSK.Invert = !b.FSK.Invert
		}
		if a.deviation > 0 {
			b.FSK.Deviation = a.deviation
		}
	}
	if ok && b.OOKPacket != nil && a.nge != nil {
		a.nge.apply(b.OOKPacket)
	}
	return b, ok
}

// ngeImpairments are the NGE101 options of issue 9: how packets end, the
// transmitters' clock errors, and the interferer.
type ngeImpairments struct {
	ending     string
	clock      [2]float64
	interferer Interferer
	rng        *rand.Rand
}

// ngeImpairments checks the NGE101 impairment options.
func (o Options) ngeImpairments(rate float64) (*ngeImpairments, error) {
	imp := &ngeImpairments{ending: o.NGEEnding, clock: o.NGEClockError,
		rng: rand.New(rand.NewPCG(o.Seed, 0x6e676530))}
	switch o.NGEEnding {
	case "", NGEOpen, NGEPulse, NGEMixed:
	default:
		return nil, fmt.Errorf("--nge-ending %q: want %s, %s or %s", o.NGEEnding, NGEOpen, NGEPulse, NGEMixed)
	}
	if c := o.NGEClockError; !(c[0] >= -MaxNGEClockError && c[1] <= MaxNGEClockError && c[0] <= c[1]) {
		return nil, fmt.Errorf("--nge-clock-error: want a percentage, or MIN:MAX, within ±%g", 100*MaxNGEClockError)
	}
	snr := o.SNR[1] + 6
	if o.NGEInterfererSNR != nil {
		snr = *o.NGEInterfererSNR
	}
	switch o.NGEInterferer {
	case "":
	case NGENearby:
		imp.interferer = Interferer{Mode: InterfererNearby, Offset: o.NGEInterfererOffset, SNRdB: snr}
		if imp.interferer.Offset == 0 {
			imp.interferer.Offset = -100e3
		}
	case NGEGaps:
		imp.interferer = Interferer{Mode: InterfererGaps, SNRdB: snr}
	default:
		return nil, fmt.Errorf("--nge-interferer %q: want %s or %s", o.NGEInterferer, NGENearby, NGEGaps)
	}
	return imp, nil
}

// apply gives an NGE101 burst its ending and clock error.
func (imp *ngeImpairments) apply(ng *OOKPacketBurst) {
	if imp.ending == NGEPulse || imp.ending == NGEMixed && imp.rng.IntN(2) == 0 {
		ng.ClosingPulse = NGEClosingPulse
	}
	ng.ClockError = imp.clock[0] + (imp.clock[1]-imp.clock[0])*imp.rng.Float64()
}

// ParseFrameHex reads a frame of FSKBurst's default protocol written as
// text: for GridStream, hex from the 0x2A byte through the CRC (an 00FF or
// 80FF prefix, a 0x prefix and spaces, tabs, colons and dashes between the
// digits are allowed).
func ParseFrameHex(s string) ([]byte, error) { return fskTx.ParseFrame(s) }

// ParseCRCInit reads a network key of FSKBurst's default protocol (a
// GridStream CRC init, 4 hex digits), as Options.CRCInits holds them.
func ParseCRCInit(s string) (uint16, error) { return fskTx.ParseKey(s) }

// checkImpairments checks the impairment options, naming their flags.
func (o Options) checkImpairments() error {
	im, fe := o.Impairments, o.Frontend
	rate := o.SampleRate
	inRange := func(r [2]float64, lo, hi float64) bool {
		return r == [2]float64{} || (r[0] >= lo && r[0] <= r[1] && r[1] <= hi)
	}
	switch {
	case !(o.Jitter >= 0 && o.Jitter <= rate/4):
		return fmt.Errorf("--jitter %g Hz: want 0 to a quarter of the rate", o.Jitter)
	case !inRange(im.ModIndex, 0.1, 10):
		return fmt.Errorf("--mod-index %g:%g: want MIN:MAX within 0.1 to 10", im.ModIndex[0], im.ModIndex[1])
	case !inRange(im.BT, 0.1, 2):
		return fmt.Errorf("--bt %g:%g: want MIN:MAX within 0.1 to 2", im.BT[0], im.BT[1])
	case !(im.FreqDrift >= 0 && im.FreqDrift <= 100e3):
		return fmt.Errorf("--drift %g Hz: want 0 to 100k", im.FreqDrift)
	case !(im.ClockDrift >= 0 && im.ClockDrift <= 10000):
		return fmt.Errorf("--clock-drift %g ppm: want 0 to 10000", im.ClockDrift)
	case !(im.FadingDB >= 0 && im.FadingDB <= 30):
		return fmt.Errorf("--fading %g dB: want 0 to 30", im.FadingDB)
	case !(math.Abs(im.Companion.Level) <= 60):
		return fmt.Errorf("--collide-level %g dB: want -60 to 60", im.Companion.Level)
	case !inRange(im.Companion.Gap, 0, 10):
		return fmt.Errorf("--collide-gap %g:%g s: want MIN:MAX within 0 to 10", im.Companion.Gap[0], im.Companion.Gap[1])
	case !(math.Abs(fe.PPM) <= 1000):
		return fmt.Errorf("--rx-ppm %g: want -1000 to 1000", fe.PPM)
	case !(math.Abs(float64(real(fe.DC))) <= 1 && math.Abs(float64(imag(fe.DC))) <= 1):
		return fmt.Errorf("--dc %v: want I,Q within ±1 (full scale)", fe.DC)
	case !(math.Abs(fe.IQGainDB) <= 6 && math.Abs(fe.IQPhaseDeg) <= 45):
		return fmt.Errorf("--iq-imbalance %g,%g: want a gain within ±6 dB and a phase within ±45°", fe.IQGainDB, fe.IQPhaseDeg)
	case fe.ADCBits < 0 || fe.ADCBits > 24:
		return fmt.Errorf("--adc-bits %d: want 0 (none) to 24", fe.ADCBits)
	}
	for _, in := range o.Interferers {
		switch {
		case in.Kind != ContinuousFSK && in.Kind != ContinuousOOK:
			return errors.New("--interferer: the kind is fsk or ook")
		case math.Abs(in.Offset) >= rate/2:
			return fmt.Errorf("--interferer at %g Hz is outside the band (±%g Hz)", in.Offset, rate/2)
		case !(in.SNRdB >= -50 && in.SNRdB <= 100):
			return fmt.Errorf("--interferer SNR %g dB: want -50 to 100", in.SNRdB)
		case !(in.Baud >= 0 && in.Baud <= rate/2 && in.Deviation >= 0 && in.Deviation < rate/2):
			return fmt.Errorf("--interferer: baud %g and deviation %g must be positive and under half the rate", in.Baud, in.Deviation)
		}
	}
	if o.Broadcast && len(o.Lengths) > 0 {
		return errors.New("--broadcast and --length: a frame is a 0x55 broadcast or a 0xD5 of a given length")
	}
	for _, l := range o.Lengths {
		if l < 11 {
			return fmt.Errorf("--length %#02x: a 0xD5 frame's length field is at least 0x0B", l)
		}
	}
	return nil
}
