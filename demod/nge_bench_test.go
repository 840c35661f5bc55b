package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// BenchmarkNGE250k is 433.92 MHz at 250 kS/s: NGE101 packets at 10 dB, a
// PWM weather sensor at 16 dB transmitting in the gaps between them (the
// OOK path: bursts, envelope, slicer, packets).
func BenchmarkNGE250k(b *testing.B) {
	const fs = 250e3
	src := synth.Bursts(synth.NGETraffic{SampleRate: fs, Seed: 4, Count: 20, Offset: 50e3, SNRdB: 10,
		Interferer: synth.Interferer{Mode: synth.InterfererGaps, SNRdB: 16}}.Bursts()...)
	benchCU8(b, fs, 433.92e6-50e3, cu8Recording(fs, src, 8))
}
