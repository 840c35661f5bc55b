package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// BenchmarkBursts250k is the per-burst part of BenchmarkRow250k alone:
// its recording's bursts (as the receiver reported them), each mixed to
// its frequency as a burst's channel collects it, measured and
// demodulated (Receiver.demod) once per op, without the band search. Its
// CPU time moves with the burst demodulators' cost only, so it shows their
// changes through a loaded machine's noise better than the whole row.
func BenchmarkBursts250k(b *testing.B) {
	const fs, center = 250e3, 915e6
	rec := row250kRecording()
	x := make([]complex64, len(rec)/2)
	iq.Decode(iq.CU8, x, rec)
	var reps []Burst
	dec := testDecoders(gridstream.Config{NoLearn: true})
	rx, err := New(Config{SampleRate: fs, CenterFreq: center, Decoders: dec, Workers: 1,
		OnBurst: func(r Burst) { reps = append(reps, r) }}, func(*frames.Message) {})
	if err != nil {
		b.Fatal(err)
	}
	rx.Process(x)
	rx.Flush()
	rx.cfg.OnBurst = nil
	var bursts []*burst
	for _, rep := range reps {
		lo, hi := rep.FreqLo-center, rep.FreqHi-center
		freq := (lo + hi) / 2
		bu := &burst{ex: &channelizer{}, fsum: freq, wsz: 1, lo: lo, hi: hi}
		bu.ex.clone(rx.design)
		bu.tuned = bu.ex.reset(freq/fs) * fs
		bu.start = max(0, rep.Start-int64(rx.look))
		end := min(int64(len(x)), rep.End+int64(0.003*fs))
		bu.y = bu.ex.process(x[bu.start:end], nil)
		bursts = append(bursts, bu)
	}
	if len(bursts) < 20 {
		b.Fatalf("%d bursts", len(bursts))
	}
	decoded := rx.stats.Decoded
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		for _, bu := range bursts {
			rx.demod(bu, 0)
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*len(bursts)), "cpu_ns/burst")
	b.ReportMetric(float64(rx.stats.Decoded-decoded)/float64(b.N*len(bursts)), "decoded/burst")
}
