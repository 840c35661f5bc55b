package nge101_test

import (
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// noiseLevels writes level noise of one kind into p:
//   - "sliced": complex white noise through a one-pole low-pass of about
//     a fifth of the sample rate, its power sliced at its median: what a
//     level flowgraph makes of an empty channel;
//   - "telegraph": runs of random length, 0.2 to 3 half cells, so most of
//     them pass for half or whole cells;
//   - "dmc": another differential-Manchester device: rows of 1-100 random
//     bits with random endings (half the rows that end off get a closing
//     pulse of 0.1-3 half cells), 1.3-10 ms of silence between them;
//   - "head": the same, but every row starts with the NGE101 head and is
//     about as long as a packet (53-57 or 69-73 bits): it comes to the
//     check as often as it can, and only the check stands in the way.
type noiseLevels struct {
	kind  string
	rate  float64
	rng   *rand.Rand
	level byte
	left  int // samples left of the current run (telegraph)
	pend  []byte
	lp    complex128
}

func (g *noiseLevels) fill(p []byte) {
	half := nge101.HalfCell * g.rate
	switch g.kind {
	case "sliced":
		const a = 0.25
		med := 2 * math.Ln2 * a / (2 - a) // median power of the filtered noise
		for i := range p {
			g.lp += complex(a*g.rng.NormFloat64(), a*g.rng.NormFloat64()) - complex(a, 0)*g.lp
			p[i] = 0
			if real(g.lp)*real(g.lp)+imag(g.lp)*imag(g.lp) > med {
				p[i] = 1
			}
		}
	case "telegraph":
		for i := range p {
			for g.left == 0 {
				g.level ^= 1
				g.left = int((0.2 + 2.8*g.rng.Float64()) * half)
			}
			p[i] = g.level
			g.left--
		}
	case "dmc", "head":
		for i := range p {
			for len(g.pend) == 0 {
				g.pend = g.dmcRow(half)
			}
			p[i] = g.pend[0]
			g.pend = g.pend[1:]
		}
	}
}

func (g *noiseLevels) dmcRow(half float64) []byte {
	out := make([]byte, int((1.3e-3+8.7e-3*g.rng.Float64())*g.rate))
	bits := make([]byte, 1+g.rng.IntN(100))
	if g.kind == "head" {
		bits = make([]byte, []int{53, 69}[g.rng.IntN(2)]+g.rng.IntN(5))
	}
	for i := range bits {
		bits[i] = byte(g.rng.IntN(2))
	}
	if g.kind == "head" {
		copy(bits, []byte{1, 1, 1, 1, 1, 0, 1, 0})
		bits[8] = 0
		if len(bits) > 63 {
			bits[8] = 1
		}
	}
	out, end := pulse.AppendLevels(out, bits, nge101.Timing, g.rate, 0)
	if end == 0 && g.rng.IntN(2) == 0 {
		for range int((0.1 + 2.9*g.rng.Float64()) * half) {
			out = append(out, 1)
		}
	}
	return out
}

// noiseHours is how much level noise TestLevelNoise slices: a few seconds
// in CI, GRIDSTREAM_NOISE_HOURS for the README's figures.
func noiseHours() float64 {
	if h, err := strconv.ParseFloat(os.Getenv("GRIDSTREAM_NOISE_HOURS"), 64); err == nil && h > 0 {
		return h
	}
	return 0.01
}

// Level noise of every kind through the slicer and the packet picker
// yields no packet whose check passes. With GRIDSTREAM_NOISE_HOURS it
// reports, per hour of noise at 16 kS/s, the rows that came to the check
// (whose length and head fit a packet) and those that passed it.
func TestLevelNoise(t *testing.T) {
	const rate = 16e3
	hours := noiseHours()
	for _, kind := range []string{"sliced", "telegraph", "dmc", "head"} {
		g := &noiseLevels{kind: kind, rate: rate, rng: rand.New(rand.NewPCG(7, uint64(len(kind))))}
		dec, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true})
		good := 0
		out := protocol.Output{Emit: func(m *frames.Message) {
			if m.CRCOK {
				good++
			}
		}}
		s := pulse.NewSlicer(nge101.Timing, rate, nge101.NewRows(func(p nge101.Packet) { dec.Packet(p, out) }).Row)
		buf := make([]byte, 1<<16)
		for left := int64(hours * 3600 * rate); left > 0; left -= int64(len(buf)) {
			g.fill(buf)
			s.Levels(buf)
		}
		s.Flush()
		st := dec.Stats()
		t.Logf("%s: %.3g h: %d rows checked (%.4g/h), %d passed (%.4g/h)", kind, hours, st.Frames, float64(st.Frames)/hours, good, float64(good)/hours)
		if good > 0 && hours < 1 && kind != "head" {
			t.Errorf("%s: %d false packets in %.3g h of level noise", kind, good, hours)
		}
	}
}
