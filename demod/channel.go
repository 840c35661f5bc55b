package demod

import (
	"math"
	"slices"
	"sync"
)

// firstStage is the design of every burst's first stage: half-band
// decimators by d1 down to 240–480 kS/s, keeping ±60 kHz. Below 480 kS/s
// there is none (d1 is 1): the burst is only mixed to 0 Hz, and the power
// channel and every demodulator filter it themselves.
type firstStage struct {
	d1     int     // decimation (a power of two)
	fs1    float64 // rate after it
	design []*halfband
	gain1  float64 // noise gain (Σh²)
	delay1 float64 // group delay in input samples
}

// newFirstStage designs the first stage for input rate fs.
func newFirstStage(fs float64) firstStage {
	st := firstStage{d1: 1, gain1: 1}
	for fs/float64(2*st.d1) >= 240e3 {
		st.d1 *= 2
	}
	st.fs1 = fs / float64(st.d1)
	if st.d1 > 1 {
		st.design = newChannelizerDesign(fs, st.d1, 60e3)
		st.gain1 = noiseGain(st.design)
		st.delay1 = groupDelay(st.design)
	}
	return st
}

// channelizer is a burst's first stage: a mixer to the burst's frequency
// and a cascade of half-band decimators (each halving the rate, every other
// tap zero and the rest symmetric). The mixer's frequency is a whole number
// of cycles per mixBlock samples, so its oscillator is a lookup in one
// shared table of roots of unity (no recurrence to wait on), and each stage
// writes straight into the next one's input.
type channelizer struct {
	k      int         // tuned frequency: -k/mixBlock cycles per sample
	count  int         // samples so far, modulo mixBlock: the oscillator's phase
	osc    []complex64 // the oscillator from phase 0: mixTab[(j·k) mod mixBlock], j < 2·mixBlock
	stages []*halfband
}

// mixTab holds exp(-2πi·j/mixBlock), j < mixBlock (made when a receiver
// first tunes a channel, not in every process).
var mixTab = sync.OnceValue(func() []complex64 {
	t := make([]complex64, mixBlock)
	for j := range t {
		s, c := math.Sincos(-2 * math.Pi * float64(j) / mixBlock)
		t[j] = complex(float32(c), float32(s))
	}
	return t
})

// halfband is one decimate-by-two half-band FIR with its history.
type halfband struct {
	n      int       // taps (4m+3)
	center float32   // the middle tap
	pairs  []float32 // taps at odd distances 1, 3, 5… from the middle
	buf    []complex64
	next   int
}

// halfbandTaps designs a half-band lowpass for rate fs keeping ±pass.
func halfbandTaps(fs, pass, atten float64) *halfband {
	// Far above the passband the maximally flat 7-tap half-band (−1, 0, 9,
	// 16, 9, 0, −1)/32, whose response has a 4th-order zero at fs/2, is
	// enough: at 2.4 MS/s keeping ±60 kHz it stops 79 dB.
	flat := &halfband{n: 7, center: 0.5, pairs: []float32{9.0 / 32, -1.0 / 32}}
	if gainAt(flat.taps(), (fs/2-pass)/fs) <= math.Pow(10, -atten/20) {
		flat.buf = make([]complex64, flat.n-1, flat.n-1+mixBlock)
		return flat
	}
	t := kaiserLowpass(fs, pass, fs/2-pass, atten)
	for (len(t)-3)%4 != 0 {
		t = kaiserLowpassN(fs, pass, fs/2-pass, atten, len(t)+2)
	}
	m := len(t) / 2
	h := &halfband{n: len(t), center: t[m]}
	for j := 1; j <= m; j += 2 {
		h.pairs = append(h.pairs, t[m-j])
	}
	// Renormalise the DC gain after dropping the (tiny) even taps.
	s := h.center
	for _, p := range h.pairs {
		s += 2 * p
	}
	h.center /= s
	for i := range h.pairs {
		h.pairs[i] /= s
	}
	h.buf = make([]complex64, h.n-1, h.n-1+mixBlock)
	return h
}

func (h *halfband) reset() {
	h.buf = h.buf[:h.n-1]
	clear(h.buf)
	h.next = h.n - 1 + 1
}

// in returns room for blk new input samples after the history.
func (h *halfband) in(blk int) []complex64 {
	h.buf = h.buf[:h.n-1+blk]
	return h.buf[h.n-1:]
}

// outputs is the number of output samples the input so far gives.
func (h *halfband) outputs() int {
	return max(0, len(h.buf)-h.next+1) / 2
}

// filter writes the decimated output of the samples given to in to dst
// (h.outputs() long) and keeps the history.
func (h *halfband) filter(dst []complex64) {
	hist := h.n - 1
	pairs := h.pairs
	c := h.center
	buf := h.buf
	s := h.next - hist // start of the first output's window
	s = halfbandOut(dst, buf, s, c, pairs)
	blk := len(buf) - hist
	h.next = s + hist - blk
	copy(buf, buf[blk:])
	h.buf = buf[:hist]
}

// halfband7Go is halfband11 for 7 taps.
func halfband7Go(dst, buf []complex64, s int, c, t0, t1 float32) int {
	for k := range dst {
		w := buf[s : s+7 : s+7]
		a0, b0 := w[2], w[4]
		a1, b1 := w[0], w[6]
		ctr := w[3]
		re := c*real(ctr) + (t0*(real(a0)+real(b0)) + t1*(real(a1)+real(b1)))
		im := c*imag(ctr) + (t0*(imag(a0)+imag(b0)) + t1*(imag(a1)+imag(b1)))
		dst[k] = complex(re, im)
		s += 2
	}
	return s
}

// halfband11 is halfband.filter's loop for 11 taps (centre c, pairs t0…t2
// from the middle out), its windows starting at buf[s], s+2…; it returns
// the start of the next window. (Its own function: the compiler keeps the
// loop's state in registers.)
func halfband11(dst, buf []complex64, s int, c, t0, t1, t2 float32) int {
	for k := range dst {
		w := buf[s : s+11 : s+11]
		a0, b0 := w[4], w[6]
		a1, b1 := w[2], w[8]
		a2, b2 := w[0], w[10]
		ctr := w[5]
		re := c*real(ctr) + t0*(real(a0)+real(b0)) + (t1*(real(a1)+real(b1)) + t2*(real(a2)+real(b2)))
		im := c*imag(ctr) + t0*(imag(a0)+imag(b0)) + (t1*(imag(a1)+imag(b1)) + t2*(imag(a2)+imag(b2)))
		dst[k] = complex(re, im)
		s += 2
	}
	return s
}

// halfbandN is halfband11 for any length (4·len(pairs)-1 taps).
func halfbandN(dst, buf []complex64, s int, c float32, pairs []float32) int {
	mid := 2*len(pairs) - 1
	for k := range dst {
		w := buf[s : s+2*mid+1]
		ctr := w[mid]
		re, im := c*real(ctr), c*imag(ctr)
		for k, t := range pairs {
			j := 2*k + 1
			a, b := w[mid-j], w[mid+j]
			re += t * (real(a) + real(b))
			im += t * (imag(a) + imag(b))
		}
		dst[k] = complex(re, im)
		s += 2
	}
	return s
}

// halfband15 is halfband11 for 15 taps.
func halfband15(dst, buf []complex64, s int, c, t0, t1, t2, t3 float32) int {
	for k := range dst {
		w := buf[s : s+15 : s+15]
		a0, b0 := w[6], w[8]
		a1, b1 := w[4], w[10]
		a2, b2 := w[2], w[12]
		a3, b3 := w[0], w[14]
		ctr := w[7]
		re := (c*real(ctr) + t0*(real(a0)+real(b0))) + (t1*(real(a1)+real(b1)) + t2*(real(a2)+real(b2))) + t3*(real(a3)+real(b3))
		im := (c*imag(ctr) + t0*(imag(a0)+imag(b0))) + (t1*(imag(a1)+imag(b1)) + t2*(imag(a2)+imag(b2))) + t3*(imag(a3)+imag(b3))
		dst[k] = complex(re, im)
		s += 2
	}
	return s
}

// newChannelizerDesign designs log2(decim) half-band stages from rate fs,
// each keeping ±pass.
func newChannelizerDesign(fs float64, decim int, pass float64) []*halfband {
	var st []*halfband
	for f := fs; decim > 1; decim /= 2 {
		st = append(st, halfbandTaps(f, pass, 60))
		f /= 2
	}
	return st
}

// clone gives c stages of its own after design.
func (c *channelizer) clone(design []*halfband) {
	for _, d := range design {
		h := *d
		h.buf = make([]complex64, h.n-1, h.n-1+mixBlock)
		c.stages = append(c.stages, &h)
	}
}

// reset clears the history and tunes to the multiple of 1/mixBlock cycles
// per input sample nearest -freq; it returns the frequency tuned.
func (c *channelizer) reset(freq float64) float64 {
	k := math.Round(freq * mixBlock)
	tuned := k / mixBlock
	c.k = int(k) & (mixBlock - 1)
	c.count = 0
	c.osc = grow(c.osc, 2*mixBlock)
	// As arrays, indexed modulo mixBlock: no bounds checks.
	tab, osc := (*[mixBlock]complex64)(mixTab()), (*[2 * mixBlock]complex64)(c.osc)
	for j, i, step := 0, 0, c.k; j < mixBlock; j, i = j+1, i+step {
		osc[j] = tab[i&(mixBlock-1)] // tab[(j·k) mod mixBlock]
	}
	// Its period divides mixBlock.
	copy(c.osc[mixBlock:], c.osc[:mixBlock])
	for _, h := range c.stages {
		h.reset()
	}
	return tuned
}

// tuning is the frequency channelizer.reset(freq) tunes to.
func tuning(freq float64) float64 { return math.Round(freq*mixBlock) / mixBlock }

// process mixes and decimates x, appending to out.
func (c *channelizer) process(x []complex64, out []complex64) []complex64 {
	return c.processDC(x, 0, out)
}

// processDC is process of x less the DC offset dc.
func (c *channelizer) processDC(x []complex64, dc complex64, out []complex64) []complex64 {
	for len(x) > 0 {
		blk := min(len(x), mixBlock)
		var m []complex64
		if len(c.stages) > 0 {
			m = c.stages[0].in(blk)
		} else {
			out, m = extend(out, blk)
		}
		// The oscillator's phase follows the sample count, so the output
		// does not depend on how the input was chunked.
		if dc != 0 {
			mixOscDC(m[:blk], x[:blk], c.osc[c.count:c.count+blk], dc)
		} else {
			mixOsc(m[:blk], x[:blk], c.osc[c.count:c.count+blk])
		}
		c.count = (c.count + blk) & (mixBlock - 1)
		x = x[blk:]
		for i, h := range c.stages {
			var dst []complex64
			if i+1 < len(c.stages) {
				dst = c.stages[i+1].in(h.outputs())
			} else {
				out, dst = extend(out, h.outputs())
			}
			h.filter(dst)
		}
	}
	return out
}

// extend lengthens s by n and returns it and the new part.
func extend(s []complex64, n int) ([]complex64, []complex64) {
	s = slices.Grow(s, n)
	return s[:len(s)+n], s[len(s) : len(s)+n]
}

// mix4 writes x·osc·step^i to dst with four interleaved oscillators (the
// recurrence is latency-bound otherwise) and returns the next oscillator
// value, renormalised.
func mix4(dst, x []complex64, osc, step complex128) complex128 {
	o4, sr, si := mix4Start(osc, step)
	n := len(x) &^ 3
	dst = dst[:len(x)]
	or0, oi0 := mix4Loop(dst[:n], x[:n], o4, sr, si)
	return mix4End(dst, x, n, or0, oi0, step)
}

// mix4Pair is mix4 of x by two oscillators (dstA's and dstB's values
// are mix4's): both recurrences in one pass, each hiding the other's
// latency.
func mix4Pair(dstA, dstB, x []complex64, oscA, stepA, oscB, stepB complex128) (complex128, complex128) {
	oA, srA, siA := mix4Start(oscA, stepA)
	oB, srB, siB := mix4Start(oscB, stepB)
	n := len(x) &^ 3
	dstA, dstB = dstA[:len(x)], dstB[:len(x)]
	orA, oiA, orB, oiB := mix4PairLoop(dstA[:n], dstB[:n], x[:n], oA, srA, siA, oB, srB, siB)
	return mix4End(dstA, x, n, orA, oiA, stepA), mix4End(dstB, x, n, orB, oiB, stepB)
}

// mix4Start returns mix4's four oscillators from osc (real and imaginary
// parts) and the step of each over four samples, in float32.
func mix4Start(osc, step complex128) ([8]float32, float32, float32) {
	s2 := step * step
	s4 := s2 * s2
	o0 := osc
	o1 := o0 * step
	o2 := o0 * s2
	o3 := o1 * s2
	return [8]float32{float32(real(o0)), float32(imag(o0)), float32(real(o1)), float32(imag(o1)),
		float32(real(o2)), float32(imag(o2)), float32(real(o3)), float32(imag(o3))}, float32(real(s4)), float32(imag(s4))
}

// mix4End mixes x[n:] into dst[n:] from the first oscillator's value
// (or0, oi0) after the groups of four and returns the next value,
// renormalised.
func mix4End(dst, x []complex64, n int, or0, oi0 float32, step complex128) complex128 {
	o := complex(float64(or0), float64(oi0))
	for i := n; i < len(x); i++ {
		dst[i] = x[i] * complex64(o)
		o *= step
	}
	return o / complex(math.Hypot(real(o), imag(o)), 0)
}

// mix4Go is mix4's loop over whole groups of four samples in Go (osc:
// the four oscillators' real and imaginary parts); it returns the first
// oscillator's next value.
func mix4Go(dst, x []complex64, osc [8]float32, sr, si float32) (float32, float32) {
	or0, oi0, or1, oi1, or2, oi2, or3, oi3 := osc[0], osc[1], osc[2], osc[3], osc[4], osc[5], osc[6], osc[7]
	for i := 0; i < len(x); i += 4 {
		v := x[i : i+4 : i+4]
		d := dst[i : i+4 : i+4]
		d[0] = complex(real(v[0])*or0-imag(v[0])*oi0, real(v[0])*oi0+imag(v[0])*or0)
		d[1] = complex(real(v[1])*or1-imag(v[1])*oi1, real(v[1])*oi1+imag(v[1])*or1)
		d[2] = complex(real(v[2])*or2-imag(v[2])*oi2, real(v[2])*oi2+imag(v[2])*or2)
		d[3] = complex(real(v[3])*or3-imag(v[3])*oi3, real(v[3])*oi3+imag(v[3])*or3)
		or0, oi0 = or0*sr-oi0*si, or0*si+oi0*sr
		or1, oi1 = or1*sr-oi1*si, or1*si+oi1*sr
		or2, oi2 = or2*sr-oi2*si, or2*si+oi2*sr
		or3, oi3 = or3*sr-oi3*si, or3*si+oi3*sr
	}
	return or0, oi0
}

// noiseGain returns Σh² of the cascade's equivalent full-rate filter.
func noiseGain(design []*halfband) float64 {
	eq := []float64{1}
	up := 1
	for _, h := range design {
		t := make([]float64, (h.n-1)*up+1)
		mid := h.n / 2
		t[mid*up] = float64(h.center)
		for k, p := range h.pairs {
			j := 2*k + 1
			t[(mid-j)*up] = float64(p)
			t[(mid+j)*up] = float64(p)
		}
		c := make([]float64, len(eq)+len(t)-1)
		for i, a := range eq {
			for j, b := range t {
				c[i+j] += a * b
			}
		}
		eq = c
		up *= 2
	}
	var g float64
	for _, v := range eq {
		g += v * v
	}
	return g
}

// groupDelay returns the cascade's delay in input samples.
func groupDelay(design []*halfband) float64 {
	d, up := 0.0, 1.0
	for _, h := range design {
		d += float64(h.n-1) / 2 * up
		up *= 2
	}
	return d
}

// taps returns the filter's taps, zeros included.
func (h *halfband) taps() []float32 {
	t := make([]float32, h.n)
	mid := h.n / 2
	t[mid] = h.center
	for k, p := range h.pairs {
		t[mid-2*k-1], t[mid+2*k+1] = p, p
	}
	return t
}

// gainAt returns the magnitude of the response of symmetric odd-length taps
// at f cycles per sample.
func gainAt(taps []float32, f float64) float64 {
	mid := len(taps) / 2
	g := float64(taps[mid])
	for j := 1; j <= mid; j++ {
		g += 2 * float64(taps[mid-j]) * math.Cos(2*math.Pi*f*float64(j))
	}
	return math.Abs(g)
}
