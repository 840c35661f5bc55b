package nge101_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/bitio"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
	"github.com/gridstream-sdr/gridstream/synth"
)

// The packet endings of the impairment tests: the last cell ending high,
// ending low with nothing after it, or low with a closing pulse (half a
// cell, a short one, a long one).
var levelEndings = []struct {
	name    string
	ends    synth.NGEEnds
	closing float64
}{
	{"high", synth.EndsHigh, 0},
	{"low-open", synth.EndsLow, 0},
	{"low-pulse", synth.EndsLow, synth.NGEClosingPulse},
	{"low-short-pulse", synth.EndsLow, 0.2e-3},
	{"low-long-pulse", synth.EndsLow, 2e-3},
}

// NGE101 packets of every ending, with the transmitter's clock 2 % fast or
// slow, alone or with a PWM weather sensor on the same carrier in the gaps
// between them, as level streams (edges jittered by a sample, glitches of a
// sample at 50 kS/s) through the slicer and the packet picker: every packet
// decoded, nothing else.
func TestLevelEndings(t *testing.T) {
	for _, rate := range []float64{16e3, 50e3} {
		for _, end := range levelEndings {
			for _, clock := range []float64{-0.02, 0, 0.02} {
				for _, in := range []synth.InterfererMode{synth.NoInterferer, synth.InterfererGaps} {
					name := fmt.Sprintf("%gk/%s/clock%+g%%/interferer%d", rate/1e3, end.name, clock*100, in)
					t.Run(name, func(t *testing.T) {
						tr := synth.NGETraffic{SampleRate: rate, Seed: uint64(len(name)) + uint64(rate), Count: 30,
							Ends: end.ends, ClosingPulse: end.closing, ClockError: clock,
							Interferer: synth.Interferer{Mode: in}}
						sent, found, wrong := decodeLevels(t, tr, true)
						if found != sent || wrong != 0 {
							t.Errorf("%d of %d packets, %d wrong", found, sent, wrong)
						}
					})
				}
			}
		}
	}
}

// decodeLevels renders a traffic's levels on the NGE101 carrier, jitters
// them (and adds glitches when asked) and decodes them: packets sent,
// decoded, and decoded but never sent.
func decodeLevels(t testing.TB, tr synth.NGETraffic, glitches bool) (sent, found, wrong int) {
	rate := tr.SampleRate
	bursts := tr.Bursts()
	want := map[string]bool{}
	var n int64
	for _, b := range bursts {
		if b.OOKPacket != nil {
			want[packed(b.OOKPacket.Bits)] = true
			sent++
		}
		n = max(n, b.Start+int64(b.Samples(rate)))
	}
	levels := synth.OOKLevels(bursts, rate, n, tr.Offset, 5e3)
	rng := rand.New(rand.NewPCG(tr.Seed, 1))
	for i := 1; i+1 < len(levels); i++ {
		if levels[i] != levels[i-1] && rng.IntN(3) == 0 {
			levels[i] = levels[i-1]
			i++
		}
	}
	if glitches && nge101.HalfCell*rate > 8 {
		for i := 2; i+2 < len(levels); i += int(5e-3*rate) + rng.IntN(7) {
			if levels[i-1] == levels[i+1] {
				levels[i] ^= 1
			}
		}
	}
	dec, _ := nge101.NewDecoder(nge101.Config{})
	got := map[string]bool{}
	out := protocol.Output{Emit: func(m *frames.Message) {
		if !m.CRCOK {
			return
		}
		if !want[m.Raw] {
			wrong++
			t.Logf("not sent: %s", m.Raw)
		} else if !got[m.Raw] {
			got[m.Raw] = true
			found++
		}
	}}
	s := pulse.NewSlicer(nge101.Timing, rate, nge101.NewRows(func(p nge101.Packet) { dec.Packet(p, out) }).Row)
	for l := levels; len(l) > 0; {
		k := min(1+rng.IntN(4000), len(l))
		s.Levels(l[:k])
		l = l[k:]
	}
	s.Flush()
	return sent, found, wrong
}

func packed(bits []byte) string {
	const digits = "0123456789ABCDEF"
	var out []byte
	for _, b := range bitio.Pack(bits) {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out)
}
