package synth

import (
	"fmt"
	"strings"
)

// LongLength is the length field of the longest 0xD5 frames tested (the
// "long" scenarios): 253 bytes from the CI byte through the CRC, 257 in
// all, about 2.6 kbit on the air.
const LongLength = 0xFD

// Scenario is a named channel impairment: a row of the README's impairment
// table, and `gridstream synth --scenario NAME`. Apply sets its options on
// top of a recording's (it reads SampleRate and Hop to place interferers
// inside the band).
type Scenario struct {
	Name, Summary string
	Apply         func(o *Options)
}

// Scenarios are the impairments the receiver is tested against, each at
// the wanted bursts' SNR of the recording (10 dB in the README's table
// unless the scenario sets its own).
var Scenarios = []Scenario{
	{"clean", "no impairment beyond noise (the reference)", func(*Options) {}},
	{"offset-high", "receiver 54 ppm slow: every burst 49 kHz above its channel",
		func(o *Options) { o.Frontend.PPM = -54 }},
	{"offset-low", "receiver 54 ppm fast: every burst 49 kHz below its channel",
		func(o *Options) { o.Frontend.PPM = 54 }},
	{"clock", "transmitter symbol clocks up to ±200 ppm off",
		func(o *Options) { o.ClockPPM = 200 }},
	{"drift", "carrier drifting up to ±5 kHz and symbol clock up to ±100 ppm over each burst",
		func(o *Options) { o.Impairments.FreqDrift, o.Impairments.ClockDrift = 5e3, 100 }},
	{"gfsk-wide", "GFSK BT 0.3, modulation index h 2–3 (38.4 kBd: ±38–58 kHz deviation)",
		func(o *Options) { o.Impairments.BT, o.Impairments.ModIndex = [2]float64{0.3, 0.3}, [2]float64{2, 3} }},
	{"gfsk-low", "GFSK BT 0.3, low modulation index h 0.3–0.5",
		func(o *Options) {
			o.Impairments.BT, o.Impairments.ModIndex = [2]float64{0.3, 0.3}, [2]float64{0.3, 0.5}
		}},
	{"long", "0xD5 frames of length 0xFD (257 bytes, about 2.6 kbit on the air), clocks ±50 ppm",
		func(o *Options) { o.Lengths, o.ClockPPM = []byte{LongLength}, 50 }},
	{"long-4db", "long frames (as long) at 4 dB",
		func(o *Options) { o.Lengths, o.ClockPPM, o.SNR = []byte{LongLength}, 50, [2]float64{4, 4} }},
	{"dc-iq", "receiver DC offset (−31 dBFS, as strong as the noise) and IQ imbalance (1 dB, 5°)",
		func(o *Options) {
			o.Frontend.DC, o.Frontend.IQGainDB, o.Frontend.IQPhaseDeg = complex(0.02, -0.018), 1, 5
		}},
	{"adjacent", "a burst 10 dB stronger one channel (100 kHz) away, overlapping in time",
		func(o *Options) { o.Impairments.Companion = Companion{Kind: AdjacentChannel, Level: 10} }},
	{"co-channel", "a burst 10 dB weaker on the same channel, overlapping in time (capture)",
		func(o *Options) { o.Impairments.Companion = Companion{Kind: CoChannel, Level: -10} }},
	{"fsk-interferer", "continuous 38.4 kBd FSK 20 dB over the wanted bursts, one channel away",
		func(o *Options) { o.Interferers = append(o.Interferers, interfererFor(o, ContinuousFSK)) }},
	{"fsk-clip", "fsk-interferer written as cu8 at the default level (noise 2.9 LSB rms): the interferer reaches full scale and clips",
		func(o *Options) {
			o.Interferers = append(o.Interferers, interfererFor(o, ContinuousFSK))
			o.Frontend.ADCBits = 8
		}},
	{"ook-interferer", "continuous 2 kbit/s OOK 20 dB over the wanted bursts, one channel away",
		func(o *Options) { o.Interferers = append(o.Interferers, interfererFor(o, ContinuousOOK)) }},
	{"fading", "log-normal per-burst fading, 8 dB spread around the SNR",
		func(o *Options) { o.Impairments.FadingDB = 8 }},
	{"clip", "cu8 converter clipping: bursts 2 dB over full scale (noise at −8 dBFS)",
		func(o *Options) { o.Frontend.ADCBits, o.NoiseDB = 8, -8 }},
	{"lsb", "cu8 converter, signals a few LSBs (noise at −45 dBFS, half an LSB)",
		func(o *Options) { o.Frontend.ADCBits, o.NoiseDB = 8, -45 }},
	{"near-far", "each burst 2–20 ms after one 20 dB stronger on the same channel",
		func(o *Options) { o.Impairments.Companion = Companion{Kind: NearFar, Level: 20} }},
}

// interfererFor places a continuous interferer 20 dB over the recording's
// strongest wanted bursts: one 100 kHz channel above a single-channel
// recording's, or on a channel of a hopping one (which then keeps clear of
// it).
func interfererFor(o *Options, kind InterfererKind) Continuous {
	off := o.Offset + 100e3
	if o.Hop {
		off = o.Offset + 300e3
	}
	return Continuous{Kind: kind, Offset: off, SNRdB: o.SNR[1] + 20}
}

// ScenarioByName returns the scenario called name.
func ScenarioByName(name string) (Scenario, error) {
	for _, s := range Scenarios {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	names := make([]string, len(Scenarios))
	for i, s := range Scenarios {
		names[i] = s.Name
	}
	return Scenario{}, fmt.Errorf("no scenario %q (there are %s)", name, strings.Join(names, ", "))
}

// TableOptions are the recordings of the README's impairment and
// sensitivity tables before a scenario applies: at 250 kS/s one channel
// (±3 kHz transmitter offsets) with every baud; at higher rates bursts
// hopping over a 100 kHz grid within ±1 MHz (±3 kHz), every baud, about
// 100 bursts/s. Random 0x55 and 0xD5 frames of Oncor's network, sync
// versions 4 and 5, random polarity, GFSK BT 0.5, ±20 ppm symbol clocks,
// count frames at snr dB.
func TableOptions(rate, snr float64, count int, seed uint64) Options {
	o := Options{
		SampleRate: rate, SNR: [2]float64{snr, snr}, Seed: seed, Count: &count,
		CRCInits: []uint16{0x5FD6}, Versions: []int{4, 5}, Bauds: []float64{9600, 19200, 38400},
		BT: 0.5, Interval: 0.05, HopGrid: 100e3, Jitter: 3e3, RandomPolarity: true, ClockPPM: 20,
		NGEID: 42, NGEChannel: 1, NGEPulsesPerKWh: optionDefault("nge-pulses-per-kwh").(float64), NGERepeats: 1,
	}
	if rate > 1e6 {
		o.Hop, o.MaxOffset, o.Interval = true, 1e6, 0.01
	}
	return o
}
