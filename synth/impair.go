package synth

import (
	"math"
	"math/rand/v2"
)

// Impairments are what real transmitters and the radio channel do to each
// GridStream burst of a random schedule (HopConfig, Options), beyond white
// noise. Every burst draws its own values, uniformly within each range; the
// zero value changes nothing.
type Impairments struct {
	// ModIndex is the range [min, max] of the modulation index h (twice the
	// peak deviation over the symbol rate: GridStream's nominal deviations
	// give h ≈ 1–2.5); zero keeps the deviation.
	ModIndex [2]float64
	// BT is the range [min, max] of the Gaussian filter's BT; zero keeps the
	// schedule's BT.
	BT [2]float64
	// FreqDrift is the largest carrier drift over one burst in Hz: the
	// carrier moves linearly by up to ±FreqDrift from its start to its end
	// (a transmitter's oscillator warming up).
	FreqDrift float64
	// ClockDrift is the largest symbol-clock drift over one burst in ppm
	// (the clock error moves linearly by up to ±ClockDrift from start to
	// end), on top of the schedule's fixed clock error.
	ClockDrift float64
	// FadingDB is the spread (standard deviation) in dB of log-normal
	// per-burst fading: each burst's SNR moves by a normal draw of this
	// spread (slow fading: constant over one burst).
	FadingDB float64
	// Companion sends a second burst with every one (collisions, near-far).
	Companion Companion
}

// CompanionKind says where a companion burst goes.
type CompanionKind int

// The companion bursts.
const (
	// NoCompanion: every burst alone.
	NoCompanion CompanionKind = iota
	// CoChannel: a burst on the same channel overlapping the wanted one in
	// time (Level dB relative to it; negative: weaker).
	CoChannel
	// AdjacentChannel: a burst one grid step (Spacing) away, overlapping
	// in time.
	AdjacentChannel
	// NearFar: a burst on the same channel Level dB stronger that ends
	// Gap[0] to Gap[1] seconds before the wanted one starts.
	NearFar
)

// Companion describes the second burst sent with every wanted one. It is
// marked Interferer in the truth: a receiver need not decode it (it may).
type Companion struct {
	Kind CompanionKind
	// Level is the companion's SNR relative to the wanted burst's, in dB.
	Level float64
	// Gap is the range of the silence between the companion and the
	// wanted burst for NearFar, in seconds (zeros: 2–20 ms).
	Gap [2]float64
	// Spacing is the distance of an AdjacentChannel companion in Hz (0:
	// the schedule's grid, or 100 kHz on one channel); its side is random.
	Spacing float64
}

// apply draws the burst's impairments into gs (whose nominal values are
// set) with rng.
func (im *Impairments) apply(rng *rand.Rand, gs *FSKBurst) {
	uni := func(r [2]float64) float64 { return r[0] + (r[1]-r[0])*rng.Float64() }
	if im.ModIndex != [2]float64{} {
		gs.Deviation = uni(im.ModIndex) * gs.Baud / 2
	}
	if im.BT != [2]float64{} {
		gs.BT = uni(im.BT)
	}
	if im.FreqDrift > 0 {
		gs.FreqDrift = im.FreqDrift * (2*rng.Float64() - 1)
	}
	if im.ClockDrift > 0 {
		gs.ClockDrift = im.ClockDrift * (2*rng.Float64() - 1)
	}
	if im.FadingDB > 0 {
		gs.SNRdB += im.FadingDB * rng.NormFloat64()
	}
}

// Frontend is what the receiver does to the whole recording: its crystal's
// frequency error, a DC offset, IQ imbalance and the converter. The zero
// value is an ideal receiver.
type Frontend struct {
	// PPM is the receiver's crystal error in ppm, positive when it runs
	// fast (as an RTL-SDR's --ppm correction would be set to cancel it):
	// the tuner's oscillator sits PPM·CenterFreq too high, so every
	// signal appears that much lower, and the sample clock runs as fast,
	// so symbol clocks appear that much slower.
	PPM float64
	// DC is added to every sample (full scale is 1): an RTL-SDR's DC
	// offset.
	DC complex64
	// IQGainDB and IQPhaseDeg are the I/Q branches' gain and phase
	// mismatch: each signal gets a mirror image at minus its frequency.
	IQGainDB, IQPhaseDeg float64
	// ADCBits quantises I and Q as a converter of that many bits with full
	// scale ±1 would, clipping what is beyond (8: exactly an RTL-SDR's
	// cu8); 0 keeps floating point.
	ADCBits int
}

// DefaultCenter is the centre frequency Frontend.PPM refers to when a
// Config does not say: 915 MHz, the middle of GridStream's band.
const DefaultCenter = 915e6

// frontend applies a Frontend to samples.
type frontend struct {
	dc     complex64
	mu, nu complex64 // y = mu·x + nu·conj(x)
	iq, on bool
	scale  float32 // ADC: (levels-1)/2; 0 means none
	top    float32 // ADC: levels-1
}

func newFrontend(fe Frontend) frontend {
	f := frontend{dc: fe.DC}
	if fe.IQGainDB != 0 || fe.IQPhaseDeg != 0 {
		g := math.Pow(10, fe.IQGainDB/20)
		ph := fe.IQPhaseDeg * math.Pi / 180
		s, c := math.Sincos(ph)
		f.mu = complex64(complex((1+g*c)/2, -g*s/2))
		f.nu = complex64(complex((1-g*c)/2, -g*s/2))
		f.iq = true
	}
	if b := min(fe.ADCBits, 24); b > 0 {
		f.top = float32(int(1)<<b - 1)
		f.scale = f.top / 2
	}
	f.on = f.iq || f.dc != 0 || f.scale > 0
	return f
}

// apply changes x in place.
func (f *frontend) apply(x []complex64) {
	if !f.on {
		return
	}
	for i, v := range x {
		if f.iq {
			v = f.mu*v + f.nu*complex(real(v), -imag(v))
		}
		v += f.dc
		if f.scale > 0 {
			v = complex(f.quantise(real(v)), f.quantise(imag(v)))
		}
		x[i] = v
	}
}

func (f *frontend) quantise(v float32) float32 {
	q := float32(math.Round(float64(v*f.scale + f.scale)))
	q = max(0, min(f.top, q))
	return (q - f.scale) / f.scale
}

// InterfererKind is the modulation of a continuous interferer (Continuous).
type InterfererKind int

// The interferers.
const (
	// ContinuousFSK is continuous 2-FSK (Gaussian-shaped) with random
	// bits: another system's link or a jammed channel.
	ContinuousFSK InterfererKind = iota + 1
	// ContinuousOOK is a carrier keyed on and off by random bits.
	ContinuousOOK
)

// Continuous is an interferer present through the whole recording.
type Continuous struct {
	Kind InterfererKind
	// Offset from the centre in Hz.
	Offset float64
	// SNRdB is its power (the "on" power for OOK) over the noise.
	SNRdB float64
	// Baud is its bit rate (0: 38400 for FSK, 2000 for OOK); Deviation
	// its FSK peak deviation in Hz (0: 20 kHz).
	Baud, Deviation float64
}

// interferer renders a Continuous interferer sample by sample, forever.
type interferer struct {
	ook     bool
	rng     *rand.Rand
	amp     float64
	fo, dev float64 // radians per sample
	spb     float64 // samples per bit
	t       float64 // samples into the current bit
	bit     float64 // current symbol, ±1
	smooth  float64 // the shaped symbol (one-pole, a bit's time constant / 3)
	a       float64 // the smoothing coefficient
	phase   float64
}

func newInterferer(in Continuous, fs, noiseDB float64, seed uint64) *interferer {
	baud, dev := in.Baud, in.Deviation
	if baud == 0 {
		baud = 38400
		if in.Kind == ContinuousOOK {
			baud = 2000
		}
	}
	if dev == 0 {
		dev = 20e3
	}
	spb := fs / baud
	return &interferer{
		ook: in.Kind == ContinuousOOK, rng: rand.New(rand.NewPCG(seed, 0x1f1f)),
		amp: math.Pow(10, (noiseDB+in.SNRdB)/20), fo: 2 * math.Pi * in.Offset / fs, dev: 2 * math.Pi * dev / fs,
		spb: spb, t: spb, a: 1 - math.Exp(-3/spb),
	}
}

// add adds the interferer's next len(dst) samples into dst.
func (r *interferer) add(dst []complex64) {
	for i := range dst {
		if r.t >= r.spb {
			r.t -= r.spb
			r.bit = float64(2*r.rng.IntN(2) - 1)
		}
		r.t++
		r.smooth += r.a * (r.bit - r.smooth)
		a := r.amp
		if r.ook {
			a *= (1 + r.smooth) / 2
			r.phase += r.fo
		} else {
			r.phase += r.fo + r.dev*r.smooth
		}
		r.phase = math.Remainder(r.phase, 2*math.Pi)
		s, c := math.Sincos(r.phase)
		dst[i] += complex(float32(a*c), float32(a*s))
	}
}
