package demod

import (
	"context"
	"math"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// cu8Recording renders a recording and quantises it to cu8, as an RTL-SDR
// would write it.
func cu8Recording(fs float64, src synth.Source, seconds float64) []byte {
	iq, _ := synth.Generate(synth.Config{SampleRate: fs, Seed: 1, Samples: int64(seconds * fs), NoiseDB: -30}, src)
	out := make([]byte, 2*len(iq))
	q := func(v float32) byte { return byte(max(0, min(255, math.Round(float64(v)*127.5+127.5)))) }
	for i, v := range iq {
		out[2*i], out[2*i+1] = q(real(v)), q(imag(v))
	}
	return out
}

var cu8Table = func() (t [256]float32) {
	for i := range t {
		t[i] = (float32(i) - 127.5) / 127.5
	}
	return t
}()

// benchCU8 runs the receiver over a cu8 recording, given its bytes in
// chunks as a file reader does (ProcessRaw), and reports the real-time
// factor. The centre
// frequency is known (915 MHz), as it is from a SigMF meta or an rtl_sdr
// file name, so only GridStream is searched.
func benchCU8(b *testing.B, fs, center float64, rec []byte) { benchCU8Workers(b, fs, center, rec, 0) }

// benchCU8Workers is benchCU8 with Config.Workers; the goroutine calling
// Process carries the profile label stage=search (the workers' goroutines
// label themselves), so a CPU profile tells what stays serial:
// go tool pprof -tags.
func benchCU8Workers(b *testing.B, fs, center float64, rec []byte, workers int) {
	defer pprof.SetGoroutineLabels(context.Background())
	labelStage("search")
	dec := testDecoders(gridstream.Config{NoLearn: true})
	const chunk = 1 << 16
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	msgs := 0
	var st Stats
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		rx, err := New(Config{SampleRate: fs, CenterFreq: center, Decoders: dec, Workers: workers}, func(*frames.Message) { msgs++ })
		if err != nil {
			b.Fatal(err)
		}
		for off := 0; off < len(rec); off += 2 * chunk {
			rx.ProcessRaw(iq.CU8, rec[off:min(len(rec), off+2*chunk)])
		}
		rx.Flush()
		st = rx.Stats()
	}
	cpu := cpuTime() - cpu0
	sec := float64(len(rec)/2) / fs
	b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
	b.ReportMetric(sec*float64(b.N)/cpu.Seconds(), "x_realtime_cpu")
	b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
	b.ReportMetric(float64(st.Channelized)/float64(st.Samples), "bursts_followed")
}

// BenchmarkWideband2M4 is one second of 2.4 MS/s with ~50 bursts hopping
// over ±1 MHz at all three rates (10–20 dB), the whole band searched.
func BenchmarkWideband2M4(b *testing.B) {
	src := synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Seed: 3, Interval: 0.02, MaxOffset: 1e6,
		Jitter: 3e3, SNRdB: [2]float64{10, 20}, RandomPolarity: true})
	benchCU8(b, 2.4e6, 915e6, cu8Recording(2.4e6, src, 1))
}

// BenchmarkModerate2M4 is like BenchmarkWideband2M4 with ~10 bursts/s.
func BenchmarkModerate2M4(b *testing.B) {
	src := synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Seed: 3, Interval: 0.05, MaxOffset: 1e6,
		Jitter: 3e3, SNRdB: [2]float64{10, 20}, RandomPolarity: true})
	benchCU8(b, 2.4e6, 915e6, cu8Recording(2.4e6, src, 2))
}

// BenchmarkSingle250k is four seconds of a 250 kS/s single-channel capture
// with a 9600-baud burst every ~0.1 s (about half the air time busy).
func BenchmarkSingle250k(b *testing.B) {
	src := synth.NewHopper(synth.HopConfig{SampleRate: 250e3, Seed: 3, Interval: 0.1, Guard: 0.01, MaxOffset: 1,
		Jitter: 3e3, Bauds: []float64{9600}, SNRdB: [2]float64{10, 20}})
	benchCU8(b, 250e3, 915e6, cu8Recording(250e3, src, 4))
}

// BenchmarkQuiet2M4 is one second of 2.4 MS/s noise: the cost of the search
// alone.
func BenchmarkQuiet2M4(b *testing.B) {
	benchCU8(b, 2.4e6, 915e6, cu8Recording(2.4e6, synth.Bursts(), 1))
}

// The rows of issue 13's speed table, one benchmark each (the whole-process
// figures come from scripts/bench-demod.sh).

// BenchmarkRow250k is issue 13's first demod row: 250 kS/s single channel,
// 9600 baud at 12 dB, a burst every ~0.1 s, four seconds.
func BenchmarkRow250k(b *testing.B) {
	benchCU8(b, 250e3, 915e6, row250kRecording())
}

func row250kRecording() []byte {
	return cachedRecording("row250k", 250e3, func() synth.Source {
		return synth.NewHopper(synth.HopConfig{SampleRate: 250e3, Seed: 5, Interval: 0.1, Guard: 0.01, MaxOffset: 1,
			Jitter: 3e3, Bauds: []float64{9600}, SNRdB: [2]float64{12, 12}})
	}, 4)
}

// BenchmarkRow2M4 is issue 13's second row: 2.4 MS/s, ~27 bursts/s hopping
// over ±1 MHz at all three rates (10–20 dB), two seconds.
func BenchmarkRow2M4(b *testing.B) { benchCU8(b, 2.4e6, 915e6, row2M4Recording()) }

// BenchmarkRow2M4Workers2 is BenchmarkRow2M4 with two workers: at
// GOMAXPROCS=1 its CPU profile's stage labels give the serial fraction,
// at GOMAXPROCS=2 its x_realtime the speed-up.
func BenchmarkRow2M4Workers2(b *testing.B) {
	benchCU8Workers(b, 2.4e6, 915e6, row2M4Recording(), 2)
}

// BenchmarkRow20MWorkers2 is BenchmarkRow20M with two workers.
func BenchmarkRow20MWorkers2(b *testing.B) { benchCU8Workers(b, 20e6, 915e6, row20MRecording(), 2) }

func row2M4Recording() []byte {
	return cachedRecording("row2m4", 2.4e6, func() synth.Source {
		return synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Seed: 5, Interval: 0.037, MaxOffset: 1e6,
			Jitter: 3e3, SNRdB: [2]float64{10, 20}, RandomPolarity: true})
	}, 2)
}

// BenchmarkRow20M is issue 13's third row: 20 MS/s cu8 (905–925 MHz at
// once, HackRF-class), ~27 bursts/s hopping over ±9.5 MHz, half a second.
func BenchmarkRow20M(b *testing.B) { benchCU8(b, 20e6, 915e6, row20MRecording()) }

func row20MRecording() []byte {
	return cachedRecording("row20m", 20e6, func() synth.Source {
		return synth.NewHopper(synth.HopConfig{SampleRate: 20e6, Seed: 5, Interval: 0.037, MaxOffset: 9.5e6,
			Jitter: 3e3, SNRdB: [2]float64{10, 20}, RandomPolarity: true})
	}, 0.5)
}

// cpuTime is the process's CPU time so far (user + system): on a shared
// machine it measures the work done where wall-clock time measures the
// neighbours too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var recordings sync.Map // name → []byte

// cachedRecording renders a benchmark's recording once per test process
// (the synthesis costs more than the receiver, and -count repeats it).
func cachedRecording(name string, fs float64, src func() synth.Source, seconds float64) []byte {
	if v, ok := recordings.Load(name); ok {
		return v.([]byte)
	}
	rec := cu8Recording(fs, src(), seconds)
	recordings.Store(name, rec)
	return rec
}
