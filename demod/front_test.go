package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refMixDecim is mixDecim as one buffer: mix4 of each block of each chunk
// (process's blocks), then firDecimGo (dotSym per output) or, for a
// half-band filter, halfbandGo over all.
func refMixDecim(m *mixDecim, freq float64, chunks [][]complex64) []complex64 {
	h := len(m.taps) - 1
	buf := make([]complex64, h)
	s, c := math.Sincos(-2 * math.Pi * freq)
	osc, step := complex128(1), complex(c, s)
	if freq == 0 {
		step = 1
	}
	for _, x := range chunks {
		for len(x) > 0 {
			blk := min(len(x), mixBlock)
			var dst []complex64
			buf, dst = extend(buf, blk)
			if step == 1 {
				copy(dst, x[:blk])
			} else {
				osc = mix4(dst, x[:blk], osc, step)
			}
			x = x[blk:]
		}
	}
	// The first window starts decim-1 samples into the history.
	first := m.decim - 1
	if len(buf) < first+len(m.taps) {
		return nil
	}
	out := make([]complex64, (len(buf)-first-len(m.taps))/m.decim+1)
	if m.pairs != nil {
		halfbandGo(out, buf, first, m.center, m.pairs)
	} else {
		firDecimGo(out, buf, first, m.taps, m.decim)
	}
	return out
}

// TestMixDecimMatchesOneBuffer: mixDecim (through its planes when it
// decimates by two, without copying its input when it does not mix) gives
// the bits of mixing into one buffer and filtering that, for any chunking
// of its input, odd lengths and frequency 0 included.
func TestMixDecimMatchesOneBuffer(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type design struct {
		taps  []float32
		decim int
	}
	var designs []design
	for _, nt := range []int{5, 7, 19, 21, 35, 61} {
		taps := make([]float32, nt)
		for i := range taps[:nt/2+1] {
			taps[i] = float32(rng.NormFloat64())
			taps[nt-1-i] = taps[i]
		}
		for _, decim := range []int{1, 2, 3} {
			designs = append(designs, design{taps, decim})
		}
	}
	for _, hb := range []*halfband{halfbandTaps(2.4e6, 60e3, 60), halfbandTaps(600e3, 60e3, 60), halfbandTaps(300e3, 50e3, 45)} {
		designs = append(designs, design{hb.taps(), 2})
	}
	for _, d := range designs {
		m := newMixDecim(d.taps, d.decim)
		nt := len(d.taps)
		if d.decim == 2 && (m.e == nil) == (m.pairs == nil) {
			t.Fatalf("%d taps by two: planes %v, half-band %v", nt, m.e != nil, m.pairs != nil)
		}
		for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 40, 2047, 2048, 2049, 5000} {
			for _, freq := range []float64{0, 0.013, -0.21} {
				var chunks [][]complex64
				for rest := randomSamples(rng, n); len(rest) > 0; {
					k := min(len(rest), 1+rng.IntN(5000))
					if rng.IntN(4) == 0 {
						k = min(len(rest), 1+rng.IntN(nt))
					}
					chunks = append(chunks, rest[:k])
					rest = rest[k:]
				}
				want := refMixDecim(m, freq, chunks)
				m.reset(freq)
				var got []complex64
				for _, c := range chunks {
					got = m.process(c, got)
				}
				if len(got) != len(want) {
					t.Fatalf("%d taps by %d, %d samples, freq %g: %d outputs, want %d", nt, d.decim, n, freq, len(got), len(want))
				}
				for i := range got {
					if math.Float32bits(real(got[i])) != math.Float32bits(real(want[i])) ||
						math.Float32bits(imag(got[i])) != math.Float32bits(imag(want[i])) {
						t.Fatalf("%d taps by %d, %d samples, freq %g: output %d is %v, want %v", nt, d.decim, n, freq, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// randomSamples returns n samples of mixed magnitudes.
func randomSamples(rng *rand.Rand, n int) []complex64 {
	x := make([]complex64, n)
	for i := range x {
		s := math.Pow(10, float64(rng.IntN(8)-4))
		x[i] = complex(float32(rng.NormFloat64()*s), float32(rng.NormFloat64()*s))
	}
	return x
}

// BenchmarkPowerChannel250k: the 250 kS/s power channel's filter (by two,
// not mixed) over a 40 ms burst.
func BenchmarkPowerChannel250k(b *testing.B) {
	pc := newPowerChannel(250e3)
	x := randomSamples(rand.New(rand.NewPCG(1, 1)), 10000)
	var out []complex64
	b.SetBytes(int64(8 * len(x)))
	b.ReportMetric(float64(len(pc.filt.taps)), "taps")
	for range b.N {
		pc.filt.reset(0)
		out = pc.filt.process(x, out[:0])
	}
}

// BenchmarkPowerChannel2M4: the 2.4 MS/s power channel's filter (a
// half-band by two at 300 kS/s, not mixed) over a 40 ms burst.
func BenchmarkPowerChannel2M4(b *testing.B) {
	pc := newPowerChannel(300e3)
	x := randomSamples(rand.New(rand.NewPCG(1, 1)), 12000)
	var out []complex64
	b.SetBytes(int64(8 * len(x)))
	b.ReportMetric(float64(len(pc.filt.taps)), "taps")
	for range b.N {
		pc.filt.reset(0)
		out = pc.filt.process(x, out[:0])
	}
}

// BenchmarkMixDecimByTwo: a 125 kS/s burst's channel filter (9600 Bd,
// by two) tuned off centre.
func BenchmarkMixDecimByTwo(b *testing.B) { benchMixDecim(b, 9600) }

// BenchmarkMixDecimByOne: a 125 kS/s burst's channel filter (19200 Bd, not
// decimated) tuned off centre.
func BenchmarkMixDecimByOne(b *testing.B) { benchMixDecim(b, 19200) }

// benchMixDecim runs the channel filter of baud's plan at 125 kS/s over
// 5000 samples, tuned off centre.
func benchMixDecim(b *testing.B, baud float64) {
	p := newBaudPlan(125e3, baud, 20e3)
	x := randomSamples(rand.New(rand.NewPCG(1, 1)), 5000)
	var out []complex64
	b.SetBytes(int64(8 * len(x)))
	b.ReportMetric(float64(len(p.dec.taps)), "taps")
	b.ReportMetric(float64(p.dec.decim), "decim")
	for range b.N {
		p.dec.reset(0.01)
		out = p.dec.process(x, out[:0])
	}
}
