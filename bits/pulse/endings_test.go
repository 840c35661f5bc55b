package pulse_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// testTiming is a differential-Manchester line coding like the NGE101's.
var testTiming = pulse.Timing{Coding: pulse.DifferentialManchester, HalfCell: 486e-6, Gap: 2e-3, MaxBits: 72}

// ending is how a test row's last cell ends and what follows it.
type ending struct {
	name string
	low  bool    // rows whose last cell ends off (else on)
	tail float64 // closing pulse after a row that ends off, in half cells (0: none)
}

var endings = []ending{
	{"high", false, 0},
	{"low-open", true, 0},
	{"low-pulse", true, 1},
	{"low-short-pulse", true, 0.4},
	{"low-long-pulse", true, 4},
}

// endsLow reports whether bits leave the carrier off at the end of the
// last cell (every cell starts with a change, a 0 changes again inside).
func endsLow(bits []byte) bool {
	level := byte(0)
	for _, b := range bits {
		level ^= 1
		if b == 0 {
			level ^= 1
		}
	}
	return level == 0
}

// readings reports whether a row allows sent as its reading: as sliced,
// one 1 longer (OpenEnd), or one bit shorter (Closing).
func readings(r pulse.Row, sent []byte) bool {
	n := len(r.Bits)
	switch {
	case bytes.Equal(r.Bits, sent):
		return true
	case r.OpenEnd && len(sent) == n+1 && sent[n] == 1 && bytes.Equal(r.Bits, sent[:n]):
		return true
	case r.Closing && len(sent) == n-1 && bytes.Equal(r.Bits[:n-1], sent):
		return true
	}
	return false
}

// Rows of every ending, from a transmitter whose clock is 2 % fast or slow,
// alone or with another device's pulses (a PWM sensor with 300-600 µs
// units) in the silences between them, with edges jittered by a sample and
// one-sample glitches: every row is cut where it was sent and allows the
// bits that were sent as one of its readings, and no other row does.
func TestEndings(t *testing.T) {
	for _, rate := range []float64{testTiming.MinRate() * 1.2, 16e3, 50e3, 250e3} {
		for _, end := range endings {
			for _, clock := range []float64{-0.02, 0, 0.02} {
				for _, interferer := range []bool{false, true} {
					name := fmt.Sprintf("%.0f/%s/clock%+g%%/interferer=%v", rate, end.name, clock*100, interferer)
					t.Run(name, func(t *testing.T) { testEnding(t, rate, end, clock, interferer) })
				}
			}
		}
	}
}

func testEnding(t *testing.T, rate float64, end ending, clock float64, interferer bool) {
	rng := rand.New(rand.NewPCG(uint64(rate), uint64(1000*end.tail)+uint64(100*(clock+1))))
	timing := testTiming
	timing.HalfCell *= 1 + clock
	silence := func(d float64) []byte { return make([]byte, int(d*rate)) }
	var levels []byte
	type sent struct {
		bits  []byte
		start int
	}
	var rows []sent
	for range 40 {
		levels = append(levels, silence(3e-3+5e-3*rng.Float64())...)
		if interferer {
			levels = appendPWM(levels, rng, rate)
			levels = append(levels, silence(2.5e-3+5e-3*rng.Float64())...)
		}
		var bits []byte
		for bits == nil || endsLow(bits) != end.low {
			bits = make([]byte, 20+rng.IntN(52))
			for i := range bits {
				bits[i] = byte(rng.IntN(2))
			}
		}
		rows = append(rows, sent{bits, len(levels)})
		levels, _ = pulse.AppendLevels(levels, bits, timing, rate, 0)
		if end.tail > 0 {
			for range max(1, int(math.Round(end.tail*timing.HalfCell*rate))) {
				levels = append(levels, 1)
			}
		}
		if interferer {
			levels = append(levels, silence(2.5e-3+5e-3*rng.Float64())...)
			levels = appendPWM(levels, rng, rate)
		}
	}
	levels = append(levels, silence(10e-3)...)
	// Jitter: a third of the edges a sample late; at rates with more than
	// eight samples a half cell, a one-sample glitch every 5 ms.
	for i := 1; i+1 < len(levels); i++ {
		if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
			levels[i] = levels[i-1]
			i++
		}
	}
	if timing.HalfCell*rate > 8 {
		for i := 2; i+2 < len(levels); i += int(5e-3*rate) + rng.IntN(7) {
			if levels[i-1] == levels[i+1] {
				levels[i] = 1 - levels[i]
			}
		}
	}
	found := make([]bool, len(rows))
	s := pulse.NewSlicer(testTiming, rate, func(r pulse.Row) {
		for i, w := range rows {
			// A glitch just after the first edge moves it by up to
			// the glitch length (0.3 half cells).
			if math.Abs(float64(r.Start-int64(w.start))) <= 0.4*testTiming.HalfCell*rate+2 {
				if !readings(r, w.bits) {
					t.Errorf("row %d: %v open %v closing %v, sent %v", i, r.Bits, r.OpenEnd, r.Closing, w.bits)
				}
				found[i] = true
				return
			}
			if len(r.Bits) > 8 && readings(r, w.bits) {
				t.Errorf("row at %d reads as row %d, sent at %d", r.Start, i, w.start)
			}
		}
	})
	for l := levels; len(l) > 0; {
		n := min(1+rng.IntN(700), len(l))
		s.Levels(l[:n])
		l = l[n:]
	}
	s.Flush()
	for i, f := range found {
		if !f {
			t.Errorf("row %d (sent at %d, %d bits) not found", i, rows[i].start, len(rows[i].bits))
		}
	}
}

// appendPWM appends a PWM sensor's row: 24-40 bits, each a one-unit pulse
// and two-unit gap or the reverse, the unit 300-600 µs.
func appendPWM(levels []byte, rng *rand.Rand, rate float64) []byte {
	unit := (300e-6 + 300e-6*rng.Float64()) * rate
	put := func(l byte, units float64) {
		for range int(math.Round(units * unit)) {
			levels = append(levels, l)
		}
	}
	for range 24 + rng.IntN(17) {
		if rng.IntN(2) == 1 {
			put(1, 1)
			put(0, 2)
		} else {
			put(1, 2)
			put(0, 1)
		}
	}
	return levels
}
