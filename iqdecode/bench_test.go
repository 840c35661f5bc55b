package iqdecode

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// benchRecording is a cu8 recording of issue 13's hopping rows (as
// scripts/bench-demod.sh and package demod's BenchmarkRow2M4/Row20M make
// them): ~27 bursts/s over ±maxOffset, all rates, 10–20 dB.
func benchRecording(fs, maxOffset, seconds float64) []byte {
	return quantize(synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 5, Interval: 0.037, MaxOffset: maxOffset,
		Jitter: 3e3, SNRdB: [2]float64{10, 20}, RandomPolarity: true}), fs, seconds)
}

// quantize generates seconds of src at fs as cu8.
func quantize(src synth.Source, fs, seconds float64) []byte {
	x, _ := synth.Generate(synth.Config{SampleRate: fs, Seed: 1, Samples: int64(seconds * fs), NoiseDB: -30}, src)
	out := make([]byte, 2*len(x))
	q := func(v float32) byte { return byte(max(0, min(255, math.Round(float64(v)*127.5+127.5)))) }
	for i, v := range x {
		out[2*i], out[2*i+1] = q(real(v)), q(imag(v))
	}
	return out
}

// benchRun decodes rec as `gridstream demod` does a file (Run: read,
// convert, receive), with workers. The goroutine calling Run carries the
// CPU profile label stage=search, the receiver's and the reader's
// goroutines label themselves: `go tool pprof -tags` tells what stays
// serial.
func benchRun(b *testing.B, fs float64, rec []byte, workers int) {
	gs, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		b.Fatal(err)
	}
	nge, _ := nge101.NewDecoder(nge101.Config{})
	defer pprof.SetGoroutineLabels(context.Background())
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("stage", "search")))
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	msgs := 0
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		src, err := iq.NewSource("bench", bytes.NewReader(rec), iq.Info{Format: iq.CU8, SampleRate: fs, CenterFreq: 915e6, Samples: int64(len(rec) / 2)})
		if err != nil {
			b.Fatal(err)
		}
		_, err = Run(context.Background(), src, Config{
			Receiver: demod.Config{SampleRate: fs, CenterFreq: 915e6, Decoders: []protocol.Decoder{gs, nge}, Workers: workers},
			Emit:     func(*frames.Message) { msgs++ },
			Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime() - cpu0
	sec := float64(len(rec)/2) / fs * float64(b.N)
	b.ReportMetric(sec/b.Elapsed().Seconds(), "x_realtime")
	b.ReportMetric(sec/cpu.Seconds(), "x_realtime_cpu")
	b.ReportMetric(float64(msgs)/float64(b.N), "msgs/op")
}

var benchRecordings = map[string][]byte{}

func cachedBenchRecording(name string, fs, maxOffset, seconds float64) []byte {
	if rec, ok := benchRecordings[name]; ok {
		return rec
	}
	rec := benchRecording(fs, maxOffset, seconds)
	benchRecordings[name] = rec
	return rec
}

// BenchmarkRun250k is issue 13's 250 kS/s row through Run (a 9600-baud
// burst every ~0.1 s on one channel, 12 dB, as scripts/bench-demod.sh
// makes it), with 1 and 2 workers: below 1 MS/s the goroutine calling
// Process searches, channelizes and helps demodulate.
func BenchmarkRun250k(b *testing.B) {
	rec, ok := benchRecordings["250k"]
	if !ok {
		rec = quantize(synth.NewHopper(synth.HopConfig{SampleRate: 250e3, Seed: 5, Interval: 0.1, Jitter: 3e3,
			Bauds: []float64{9600}, SNRdB: [2]float64{12, 12}}), 250e3, 20)
		benchRecordings["250k"] = rec
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchRun(b, 250e3, rec, w) })
	}
}

// BenchmarkRun2M4 and BenchmarkRun20M are issue 13's 2.4 MS/s and 20 MS/s
// rows through Run, with 1 and 2 workers.
func BenchmarkRun2M4(b *testing.B) {
	rec := cachedBenchRecording("2m4", 2.4e6, 1e6, 2)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchRun(b, 2.4e6, rec, w) })
	}
}

func BenchmarkRun20M(b *testing.B) {
	rec := cachedBenchRecording("20m", 20e6, 9.5e6, 0.5)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) { benchRun(b, 20e6, rec, w) })
	}
}

// cpuTime is the process's CPU time so far (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
