package fmdemod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

type discard struct{ n int }

func (d *discard) Bits(p []byte) { d.n += len(p) }

// benchChannel runs the demodulator (all three rates, both polarities) over
// FM samples in 8192-sample chunks, as a ZMQ input delivers them. The bits
// go nowhere: this is the cost of timing recovery and decisions alone.
func benchChannel(b *testing.B, fs float64, x []float32) {
	d, err := New(Config{SampleRate: fs, Bauds: gridStreamBauds}, func(int, bool) BitSink { return &discard{} })
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(4 * len(x)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for off := 0; off < len(x); off += 8192 {
			d.Feed(x[off:min(len(x), off+8192)])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/sample")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*len(x)), "cpu-ns/sample")
}

// BenchmarkChannel150k is one second of one 150 kS/s channel of a
// wideband flowgraph: a burst every ~0.4 s at a random rate, noise between.
func BenchmarkChannel150k(b *testing.B) {
	src := synth.NewHopper(synth.HopConfig{SampleRate: 150e3, Seed: 3, Interval: 0.4, MaxOffset: 1,
		SNRdB: [2]float64{15, 25}, RandomPolarity: true})
	x, _ := fmSamples(scenario{fs: 150e3, seed: 1, src: src, cutoff: 60e3, n: 150000})
	benchChannel(b, 150e3, x)
}
