package pulse_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// BenchmarkSlicer measures the slicer on a level stream at 50 kS/s (a
// GNU Radio flowgraph's rate): rows of random bits in differential
// Manchester, each after 10 ms of silence, with the edges jittered by a
// sample (one byte per sample, so MB/s reads as million samples per
// second).
func BenchmarkSlicer(b *testing.B) {
	timing := pulse.Timing{Coding: pulse.DifferentialManchester, HalfCell: 486e-6, Gap: 2e-3, MaxBits: 72}
	const rate = 50e3
	rng := rand.New(rand.NewPCG(1, 2))
	var levels []byte
	gap := make([]byte, int(rate*0.01))
	row := make([]byte, 71)
	for len(levels) < 4<<20 {
		for i := range row {
			row[i] = byte(rng.IntN(2))
		}
		levels = append(levels, gap...)
		levels, _ = pulse.AppendLevels(levels, row, timing, rate, 0)
	}
	for i := 1; i+1 < len(levels); i++ {
		if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
			levels[i] = levels[i-1]
		}
	}
	rows := 0
	s := pulse.NewSlicer(timing, rate, func(pulse.Row) { rows++ })
	b.SetBytes(int64(len(levels)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Levels(levels)
	}
	if rows == 0 {
		b.Fatal("no rows")
	}
}
