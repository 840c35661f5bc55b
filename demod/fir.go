package demod

import "math"

// kaiserLowpass designs a linear-phase lowpass FIR for sample rate fs with
// passband edge pass and stopband edge stop (Hz), about atten dB of stopband
// attenuation, normalised to unity gain at DC.
func kaiserLowpass(fs, pass, stop, atten float64) []float32 {
	dw := 2 * math.Pi * (stop - pass) / fs
	n := int(math.Ceil((atten-8)/(2.285*dw))) + 1
	return kaiserLowpassN(fs, pass, stop, atten, n)
}

// kaiserLowpassN is kaiserLowpass with a given length (made odd, at least 5).
func kaiserLowpassN(fs, pass, stop, atten float64, n int) []float32 {
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
	decim int
	buf   []complex64 // len(taps)-1 samples of history, then the new block
	next  int         // buf index of the newest sample of the next output's window
	osc   complex128
	step  complex128
	// A half-band filter decimating by two (every other tap zero but the
	// middle one) is run as one: the middle tap and the rest, from the
	// middle out.
	center float32
	pairs  []float32
	// Any other filter decimating by two runs on its input's planes (see
	// firDecimEO): e[m] and o[m] are the samples 2m and 2m+1 from the next
	// output's window start, pend of them so far.
	e, o []complex64
	pend int
}

const mixBlock = 2048

// newMixDecim returns a mixDecim with linear-phase taps (symmetric, of odd
// length, as kaiserLowpass and halfband.taps design them).
func newMixDecim(taps []float32, decim int) *mixDecim {
	m := &mixDecim{taps: taps, decim: decim}
	if decim == 2 && len(taps) >= 3 && len(taps)%2 == 1 {
		// The planes hold up to len(taps)-1 samples of history and a block,
		// and room for firDecimEO's reads past the last whole window.
		n := (len(taps)+mixBlock)/2 + 1
		m.e, m.o = make([]complex64, n), make([]complex64, n)
	} else {
		m.buf = make([]complex64, len(taps)-1, len(taps)-1+mixBlock)
	}
	if mid := len(taps) / 2; decim == 2 && len(taps)%4 == 3 {
		half := true
		for j := 2; j <= mid; j += 2 {
			half = half && taps[mid-j] == 0
		}
		if half {
			m.center = taps[mid]
			for j := 1; j <= mid; j += 2 {
				m.pairs = append(m.pairs, taps[mid-j])
			}
			m.e, m.o = nil, nil
			m.buf = make([]complex64, len(taps)-1, len(taps)-1+mixBlock)
		}
	}
	m.reset(0)
	return m
}

// reset clears the state and tunes to -freq (cycles per input sample).
func (m *mixDecim) reset(freq float64) {
	h := len(m.taps) - 1
	if m.e != nil {
		// The first window starts one sample into the h zeros of history.
		m.pend = h - 1
		clear(m.e[:(m.pend+1)/2])
		clear(m.o[:m.pend/2])
	} else {
		m.buf = m.buf[:h]
		clear(m.buf)
		m.next = h + m.decim - 1
	}
	m.osc = 1
	s, c := math.Sincos(-2 * math.Pi * freq)
	m.step = complex(c, s)
	if freq == 0 {
		m.step = 1
	}
}

// process appends the decimated output of x to out.
func (m *mixDecim) process(x []complex64, out []complex64) []complex64 {
	if m.e != nil {
		return m.processEO(x, out)
	}
	h := len(m.taps) - 1
	if m.step == 1 {
		return m.processUnmixed(x, out)
	}
	for len(x) > 0 {
		blk := min(len(x), mixBlock)
		buf := m.buf[:h+blk]
		var p int
		if p = m.next; m.decim == 1 && p <= h {
			// The filter starts while the block is mixed: output k's
			// window ends at buf[p+k], mixed with the samples up to
			// x[p+k-h] (see fir1Job).
			c := len(buf) - p
			var dst []complex64
			out, dst = extend(out, c)
			var done int
			m.osc, done = mix4FIR1(buf[h:], x[:blk], m.osc, m.step, fir1Job{dst, buf[p-h:], m.taps})
			p = firDecim(dst[done:], buf, p-h+done, m.taps, 1) + h
		} else {
			m.osc = mix4(buf[h:], x[:blk], m.osc, m.step)
			out, p = m.filter(out, buf, m.next)
		}
		m.next = p - blk
		copy(buf, buf[blk:])
		m.buf = buf[:h]
		x = x[blk:]
	}
	return out
}

// processUnmixed is process at frequency 0: the windows that reach into
// the history are filtered from it and x's first samples, the others
// where they lie in x (no copy of the block).
func (m *mixDecim) processUnmixed(x []complex64, out []complex64) []complex64 {
	h, n := len(m.taps)-1, len(x)
	k := min(n, h)
	buf := m.buf[:h+k]
	copy(buf[h:], x[:k])
	out, p := m.filter(out, buf, m.next)
	if k == h {
		// The next window starts in x (p-h ≥ h).
		out, p = m.filter(out, x, p-h)
		p += h
		copy(buf, x[n-h:])
	} else {
		copy(buf, buf[n:])
	}
	m.next = p - n
	m.buf = buf[:h]
	return out
}

// filter appends the outputs of buf's windows from the one whose newest
// sample is buf[p] on, and returns the newest sample of the next.
func (m *mixDecim) filter(out, buf []complex64, p int) ([]complex64, int) {
	h := len(m.taps) - 1
	var dst []complex64
	if m.pairs != nil {
		out, dst = extend(out, max(0, len(buf)-p+1)/2)
		return out, halfbandOut(dst, buf, p-h, m.center, m.pairs) + h
	}
	if p < len(buf) {
		out, dst = extend(out, (len(buf)-1-p)/m.decim+1)
		p = firDecim(dst, buf, p-h, m.taps, m.decim) + h
	}
	return out, p
}

// processEO is process by two through the planes: each block mixed
// straight into them, filtered, and the history moved to their start.
func (m *mixDecim) processEO(x []complex64, out []complex64) []complex64 {
	nt := len(m.taps)
	for len(x) > 0 {
		blk := min(len(x), mixBlock)
		p := m.pend
		// Sample p+i from the window start goes to plane (p+i)&1.
		a, b := m.e[p/2:], m.o[p/2:]
		if p&1 == 1 {
			a, b = m.o[p/2:], m.e[p/2+1:]
		}
		p += blk
		c := 0
		if p >= nt {
			c = (p-nt)/2 + 1
		}
		var dst []complex64
		out, dst = extend(out, c)
		done := 0
		if m.step == 1 {
			deinterleave(a, b, x[:blk])
		} else {
			// The filter starts while the block is mixed: the windows of
			// the first outputs lie in the history (at least nt-2
			// samples) and what is mixed before them (see eoJob).
			var job eoJob
			if p-blk >= nt-2 {
				job = eoJob{dst, m.e, m.o, m.taps}
			}
			m.osc, done = mix4DeintFIR(a, b, x[:blk], m.osc, m.step, job)
		}
		if c > 0 {
			firDecimEO(dst[done:], m.e[done:], m.o[done:], m.taps)
			copy(m.e, m.e[c:(p+1)/2])
			copy(m.o, m.o[c:p/2])
			p -= 2 * c
		}
		m.pend = p
		x = x[blk:]
	}
	return out
}

// dotSym is dot for symmetric taps of odd length (linear phase): the
// samples at mirrored positions are added first, halving the multiplies.
func dotSym(taps []float32, w []complex64) complex64 {
	n := len(taps)
	w = w[:n]
	h := n / 2
	var r0, r1, i0, i1 float32
	k := 0
	for ; k+2 <= h; k += 2 {
		a0, b0 := w[k], w[n-1-k]
		a1, b1 := w[k+1], w[n-2-k]
		t0, t1 := taps[k], taps[k+1]
		r0 += t0 * (real(a0) + real(b0))
		i0 += t0 * (imag(a0) + imag(b0))
		r1 += t1 * (real(a1) + real(b1))
		i1 += t1 * (imag(a1) + imag(b1))
	}
	for ; k < h; k++ {
		a, b := w[k], w[n-1-k]
		r0 += taps[k] * (real(a) + real(b))
		i0 += taps[k] * (imag(a) + imag(b))
	}
	c := w[h]
	return complex(r0+r1+taps[h]*real(c), i0+i1+taps[h]*imag(c))
}
