package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomPowers returns n non-negative float32 powers whose exponents span
// exactly span binades from biased exponent lo (0: subnormals), with
// random mantissas, the smallest and largest binades both present.
func randomPowers(rng *rand.Rand, n, lo, span int) []float32 {
	p := make([]float32, n)
	for i := range p {
		e := lo + rng.IntN(span+1)
		switch i {
		case 0:
			e = lo
		case 1:
			e = lo + span
		}
		p[i] = math.Float32frombits(uint32(e)<<23 | rng.Uint32N(1<<23))
	}
	rng.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// TestSmoothExact: within exactSpan, the 5-bin windows summed one by one
// are the running sum's values bit for bit, for powers at the edges of the
// span, subnormal ones included, and frames of any length; far outside it
// they are not (the span check is what keeps the search's output).
func TestSmoothExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, lo := range []int{0, 1, 60, 127, 200} {
		for span := 0; span <= exactSpan(2); span++ {
			for n := 1; n < 80; n++ {
				p := randomPowers(rng, n+rng.IntN(2)*rng.IntN(400), lo, span)
				got, want := make([]float32, len(p)), make([]float32, len(p))
				smooth5(got, p)
				smoothRunning(want, p, 2)
				for k := range p {
					if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
						t.Fatalf("exponents %d+%d, %d bins: bin %d: %g, running sum %g", lo, span, len(p), k, got[k], want[k])
					}
				}
			}
		}
	}
	differ := false
	for range 50 {
		p := randomPowers(rng, 512, 60, 60)
		got, want := make([]float32, len(p)), make([]float32, len(p))
		smooth5(got, p)
		smoothRunning(want, p, 2)
		for k := range p {
			differ = differ || got[k] != want[k]
		}
	}
	if !differ {
		t.Error("60 binades apart, the running sum never rounded: the test cannot tell the paths apart")
	}
}

// TestSmoothSpan: the detector's span is its frame's largest and smallest
// bin powers' binades apart, and smooth's output is the running sum's.
func TestSmoothSpan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, amp := range []float64{0, 1e-3, 1, 1e3} {
		d := newDetector(2.4e6, 512, 10)
		x := make([]complex64, d.n)
		for i := range x {
			s, c := math.Sincos(0.3 * float64(i))
			x[i] = complex64(complex(amp*c+1e-3*rng.NormFloat64(), amp*s+1e-3*rng.NormFloat64()))
		}
		if !d.spectrum(x) {
			t.Fatal("spectrum not finite")
		}
		lo, hi := 255, 0
		for _, v := range d.p {
			e := max(1, int(math.Float32bits(v)>>23))
			lo, hi = min(lo, e), max(hi, e)
		}
		if d.span != hi-lo {
			t.Errorf("amplitude %g: span %d, want %d", amp, d.span, hi-lo)
		}
		t.Logf("amplitude %g: span %d (exact within %d)", amp, d.span, exactSpan(d.w))
		d.smooth()
		want := make([]float32, d.n)
		smoothRunning(want, d.p, d.w)
		for k := range want {
			if math.Float32bits(d.s[k]) != math.Float32bits(want[k]) {
				t.Fatalf("amplitude %g (span %d): bin %d: %g, running sum %g", amp, d.span, k, d.s[k], want[k])
			}
		}
	}
}

// BenchmarkSmooth is the search's smoothing of one 20 MS/s frame (4096
// bins, ±2 bins) of noise-like powers: the running sum and the windows
// summed one by one.
func BenchmarkSmooth(b *testing.B) {
	p := randomPowers(rand.New(rand.NewPCG(5, 6)), 4096, 100, 16)
	s := make([]float32, len(p))
	for _, c := range []struct {
		name string
		f    func(s, p []float32, w int)
	}{{"running", smoothRunning}, {"exact", func(s, p []float32, _ int) { smooth5(s, p) }}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(p)))
			for b.Loop() {
				c.f(s, p, 2)
			}
		})
	}
}

// TestSpectrumFinite: a frame counts (spectrum reports true) exactly when
// the float32 sum of its bin powers in transform order is finite: NaN
// samples of either sign, infinite ones, noise so strong its powers' sum
// overflows and just under it.
func TestSpectrumFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	nan, negNaN := float32(math.NaN()), math.Float32frombits(math.Float32bits(float32(math.NaN()))|1<<31)
	for _, c := range []struct {
		name string
		amp  float64
		bad  float32
		want bool
	}{
		{"noise", 1e-3, 0, true},
		{"NaN", 1e-3, nan, false},
		{"negative NaN", 1e-3, negNaN, false},
		{"+Inf", 1e-3, float32(math.Inf(1)), false},
		{"-Inf", 1e-3, float32(math.Inf(-1)), false},
		{"sum just finite", 5e15, 0, true},
		{"sum overflows", 1e16, 0, false},
	} {
		d := newDetector(20e6, 4096, 10)
		x := make([]complex64, d.n)
		for i := range x {
			x[i] = complex64(complex(c.amp*rng.NormFloat64(), c.amp*rng.NormFloat64()))
		}
		if c.bad != 0 {
			x[100] = complex(c.bad, 0)
		}
		got := d.spectrum(x)
		var total float32
		for k := range d.n {
			total += d.p[(k+d.n/2)&(d.n-1)]
		}
		finite := !math.IsNaN(float64(total)) && !math.IsInf(float64(total), 0)
		if got != c.want || got != finite {
			t.Errorf("%s: spectrum %v, want %v (sum of powers %g)", c.name, got, c.want, total)
		}
	}
}

// TestSmoothRunsExact: when every two neighbouring runs of 8 bins span at
// most exactSpan binades (runsExact), the 5-bin windows summed one by one
// are the running sum's values bit for bit however far apart the frame's
// largest and smallest powers are (a strong burst far from the weakest
// bin); frames whose runs drift by up to the limit, subnormal runs among
// them, and with neighbouring runs just over it, which runsExact refuses.
func TestSmoothRunsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lim := exactSpan(2)
	checked, refused := 0, 0
	for frame := range 3000 {
		n := 8 << rng.IntN(7) // 8 … 512 bins
		p := make([]float32, n)
		base := rng.IntN(40)
		for j := 0; j < n; j += 8 {
			// Each run's exponents within a band that drifts from run to
			// run; the drift sometimes breaks the limit.
			width := rng.IntN(lim/2 + 1)
			for k := j; k < j+8; k++ {
				p[k] = math.Float32frombits(uint32(base+rng.IntN(width+1))<<23 | rng.Uint32N(1<<23))
			}
			step := rng.IntN(lim/2+1) - lim/4
			if frame%5 == 0 && rng.IntN(8) == 0 {
				step = lim + 1 // neighbouring runs too far apart
			}
			base = max(0, min(250-lim, base+step))
		}
		hi, lo := make([]uint32, n/8), make([]uint32, n/8)
		gHi, gLo := uint32(0), uint32(math.MaxUint32)
		for j := range hi {
			hi[j], lo[j] = 0, math.MaxUint32
			for _, v := range p[8*j : 8*j+8] {
				b := math.Float32bits(v)
				hi[j], lo[j] = max(hi[j], b), min(lo[j], b)
			}
			gHi, gLo = max(gHi, hi[j]), min(gLo, lo[j])
		}
		if !runsExact(hi, lo, -1, -1) {
			refused++
			continue
		}
		if int(gHi>>23)-max(int(gLo>>23), 1) > lim {
			checked++
		}
		got, want := make([]float32, n), make([]float32, n)
		smooth5(got, p)
		smoothRunning(want, p, 2)
		for k := range p {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
				t.Fatalf("frame %d, %d bins: bin %d: %g, running sum %g", frame, n, k, got[k], want[k])
			}
		}
	}
	if checked < 500 || refused < 100 {
		t.Errorf("%d frames wider than exactSpan checked, %d refused: the test does not reach both cases", checked, refused)
	}
}
