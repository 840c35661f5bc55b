package pulse_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// Rows of any timing survive encoding and slicing, in chunks; a last 1
// whose level runs into the silence is only seen as OpenEnd.
func TestRoundTrip(t *testing.T) {
	timing := pulse.Timing{Coding: pulse.DifferentialManchester, HalfCell: 250e-6, Gap: 1.5e-3, MaxBits: 40}
	rng := rand.New(rand.NewPCG(8, 8))
	for _, rate := range []float64{timing.MinRate(), 50e3, 200e3} {
		var rows [][]byte
		var levels []byte
		gap := make([]byte, int(rate*4e-3))
		for range 20 {
			row := make([]byte, 1+rng.IntN(39))
			for i := range row {
				row[i] = byte(rng.IntN(2))
			}
			rows = append(rows, row)
			levels = append(levels, gap...)
			levels, _ = pulse.AppendLevels(levels, row, timing, rate, 0)
		}
		levels = append(levels, gap...)
		var got []pulse.Row
		s := pulse.NewSlicer(timing, rate, func(r pulse.Row) {
			if len(r.Bits) > 0 || r.OpenEnd {
				got = append(got, pulse.Row{Bits: bytes.Clone(r.Bits), Start: r.Start, OpenEnd: r.OpenEnd})
			}
		})
		for l := levels; len(l) > 0; {
			n := min(1+rng.IntN(500), len(l))
			s.Levels(l[:n])
			l = l[n:]
		}
		s.Flush()
		if len(got) != len(rows) {
			t.Fatalf("rate %v: %d rows, want %d", rate, len(got), len(rows))
		}
		for i, r := range got {
			sent := rows[i]
			if !bytes.Equal(r.Bits, sent) && !(r.OpenEnd && bytes.Equal(append(r.Bits, 1), sent)) {
				t.Fatalf("rate %v row %d: got %v open %v, sent %v", rate, i, r.Bits, r.OpenEnd, sent)
			}
		}
	}
}
