package demod

import "math"

// kaiserLowpass designs a linear-phase lowpass FIR for sample rate fs with
// passband edge pass and stopband edge stop (Hz), about atten dB of stopband
// attenuation, normalised to unity gain at DC.
func kaiserLowpass(fs, pass, stop, atten float64) []float32 {
	dw := 2 * math.Pi * (stop - pass) / fs
	n := int(math.Ceil((atten-8)/(2.285*dw))) + 1
	if n < 5 {
		n = 5
	}
	if n%2 == 0 {
		n++
	}
	var beta float64
	switch {
	case atten > 50:
		beta = 0.1102 * (atten - 8.7)
	case atten >= 21:
		beta = 0.5842*math.Pow(atten-21, 0.4) + 0.07886*(atten-21)
	}
	fc := (pass + stop) / 2 / fs
	h := make([]float64, n)
	sum := 0.0
	m := float64(n-1) / 2
	for i := range h {
		t := float64(i) - m
		s := 2 * fc
		if t != 0 {
			s = math.Sin(2*math.Pi*fc*t) / (math.Pi * t)
		}
		r := t / m
		w := bessel0(beta*math.Sqrt(max(0, 1-r*r))) / bessel0(beta)
		h[i] = s * w
		sum += h[i]
	}
	out := make([]float32, n)
	for i := range h {
		out[i] = float32(h[i] / sum)
	}
	return out
}

func bessel0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

// mixDecim mixes a complex stream down by a frequency and low-pass filters
// and decimates it. It carries its state across calls.
type mixDecim struct {
	taps  []float32
	dl    []complex64 // delay line, doubled so a window is contiguous
	di    int
	decim int
	cnt   int
	osc   complex128
	step  complex128
	nrm   int
}

func newMixDecim(taps []float32, decim int) *mixDecim {
	return &mixDecim{taps: taps, dl: make([]complex64, 2*len(taps)), decim: decim, osc: 1, step: 1}
}

// reset clears the state and tunes to -freq (cycles per input sample).
func (m *mixDecim) reset(freq float64) {
	clear(m.dl)
	m.di, m.cnt, m.nrm = 0, 0, 0
	m.osc = 1
	s, c := math.Sincos(-2 * math.Pi * freq)
	m.step = complex(c, s)
}

// process appends the decimated output of x to out.
func (m *mixDecim) process(x []complex64, out []complex64) []complex64 {
	n := len(m.taps)
	dl, taps := m.dl, m.taps
	di, cnt := m.di, m.cnt
	osc, step := m.osc, m.step
	mixing := step != 1
	for len(x) > 0 {
		// Renormalise the oscillator every block.
		blk := x
		if len(blk) > 1024 {
			blk = blk[:1024]
		}
		x = x[len(blk):]
		o64 := complex64(osc)
		s64 := complex64(step)
		for _, v := range blk {
			if mixing {
				v *= o64
				o64 *= s64
			}
			dl[di] = v
			dl[di+n] = v
			di++
			if di == n {
				di = 0
			}
			cnt++
			if cnt == m.decim {
				cnt = 0
				w := dl[di : di+n]
				var re, im float32
				for k, t := range taps[:len(w)] {
					re += t * real(w[k])
					im += t * imag(w[k])
				}
				out = append(out, complex(re, im))
			}
		}
		if mixing {
			osc = complex128(o64)
			osc /= complex(cmplxAbs(osc), 0)
		}
	}
	m.di, m.cnt, m.osc = di, cnt, osc
	return out
}

func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }
