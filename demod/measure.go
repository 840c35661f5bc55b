package demod

import "math"

// burstInfo is what the receiver measured about a burst.
type burstInfo struct {
	start  int64   // input index of y[0]
	freq   float64 // Hz offset of the tuned centre (y's 0 Hz)
	rssi   float64 // dBFS
	snr    float64 // dB over the whole band's noise
	onFrac float64 // fraction of the active span above the threshold
}

// demodBurst measures a collected burst and hands it to the GridStream and
// NGE101 demodulators.
func (r *Receiver) demodBurst(b *burst) {
	y := b.y
	freq := b.fsum / b.wsz
	corr := (freq - b.tuned) / r.fs1 // residual tuning, cycles per Fs1 sample
	noise := r.det.noisePower()
	nin := noise * r.gain1 // noise power after the first stage
	// Block powers over 0.25 ms, of the channel only (±60 kHz; the first
	// stage leaves neighbours 60–240 kHz away only partly attenuated).
	r.pwFilt.reset(0)
	r.pwz = r.pwFilt.process(y, r.pwz[:0])
	pz := r.pwz
	nin *= r.pwGain
	bl := max(4, int(r.fs1/float64(r.pwDec)*0.00025))
	nb := len(pz) / bl
	if nb < 4 {
		return
	}
	pw := r.fsk.blocks[:0]
	var maxP float64
	for j := range nb {
		var s float64
		for _, v := range pz[j*bl : (j+1)*bl] {
			s += float64(real(v)*real(v) + imag(v)*imag(v))
		}
		p := s / float64(bl)
		pw = append(pw, p)
		maxP = max(maxP, p)
	}
	bl *= r.pwDec // in y's samples from here on
	r.fsk.blocks = pw
	thr := max(2.5*nin, math.Sqrt(max(nin, 1e-30)*maxP)/2)
	// measure returns what blocks a..e (inclusive) say about the burst.
	measure := func(a, e int) burstInfo {
		var on int
		var sp float64
		for _, p := range pw[a : e+1] {
			if p > thr {
				on++
				sp += p
			}
		}
		info := burstInfo{start: b.start, freq: freq, onFrac: float64(on) / float64(e-a+1)}
		ps := max(sp/float64(max(on, 1))-nin, 1e-20)
		info.rssi = 10 * math.Log10(ps)
		if noise > 0 {
			info.snr = 10 * math.Log10(ps/noise)
		}
		return info
	}
	// span cuts y (and pz) around blocks a..e with margins: 1 ms before
	// (the preamble may be weaker at the start), 0.5 ms after.
	span := func(a, e int) (ia, ie int) {
		ia = max(0, a*bl-int(0.001*r.fs1))
		ia -= ia % r.pwDec
		ie = min(len(y), (e+1)*bl+int(0.0005*r.fs1))
		return ia, ie
	}
	a, e := -1, -1
	for j, p := range pw {
		if p > thr {
			if a < 0 {
				a = j
			}
			e = j
		}
	}
	if a < 0 {
		return
	}
	if r.searchNGE {
		info := measure(a, e)
		ia, ie := span(a, e)
		info.start += int64(ia * r.d1)
		r.ook.run(pz[ia/r.pwDec:min(len(pz), ie/r.pwDec)], thr, info)
	}
	if !r.searchGS {
		return
	}
	// GridStream transmissions are continuous: a gap of 1 ms or more
	// separates two of them (say on one channel, a few ms apart), and each
	// is demodulated on its own.
	gap := max(2, int(math.Round(0.001*r.fs1/float64(bl))))
	minRun := max(2, int(0.002*r.fs1/float64(bl)))
	for j := a; j <= e; {
		k, last := j, j
		for k <= e && k-last <= gap {
			if pw[k] > thr {
				last = k
			}
			k++
		}
		if last-j+1 >= minRun {
			info := measure(j, last)
			if info.onFrac > 0.5 || !r.searchNGE {
				ia, ie := span(j, last)
				info.start += int64(ia * r.d1)
				r.fsk.run(y[ia:ie], pz[min(len(pz), ia/r.pwDec):min(len(pz), ie/r.pwDec)], corr, j*bl-ia, ie-(last+1)*bl, info)
			}
		}
		j = k
		for j <= e && pw[j] <= thr {
			j++
		}
	}
}

// headDisc computes the FM discriminator of the burst's head (the first
// 160 symbols at GridStream's slowest rate) from the burst-power channel
// (±60 kHz at rate) into f.hd.
func (f *fskDemod) headDisc(y []complex64, lead int, rate float64) {
	f.hdRate = rate
	a := max(0, lead-int(0.0005*rate))
	e := min(len(y), lead+int(160*rate/f.slowest))
	f.hd = f.hd[:0]
	for i := a + 1; i < e; i++ {
		p, q := y[i], y[i-1]
		re := real(p)*real(q) + imag(p)*imag(q)
		im := imag(p)*real(q) - real(p)*imag(q)
		f.hd = append(f.hd, fastAtan2(im, re))
	}
}

// quickSync slices the head discriminator at one rate (one-symbol moving
// average, offset from two clusters, timing from the symbol-rate line) and
// looks for a sync word. It is cheap and needs a decent SNR; when no rate
// shows one, every rate is demodulated in full.
func (f *fskDemod) quickSync(p *baudPlan) (bool, float64) {
	d := f.hd
	sps := f.hdRate / p.baud
	L := max(2, int(math.Round(sps)))
	n := len(d)
	if n < 40*L {
		return false, 0
	}
	f.m = grow(f.m, n)
	m := f.m
	var acc float32
	for i, v := range d {
		acc += v
		if i >= L {
			acc -= d[i-L]
		}
		m[i] = acc
	}
	f.vals = f.vals[:0]
	for i := L; i < n; i += max(1, L/2) {
		f.vals = append(f.vals, m[i])
	}
	c0, c1 := twoMeans(f.vals)
	off := (c0 + c1) / 2
	var v complex128
	rot := complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps))
	o := complex128(1)
	for i := L; i < n; i++ {
		a := m[i] - off
		if a < 0 {
			a = -a
		}
		v += complex(float64(a)*real(o), float64(a)*imag(o))
		o *= rot
		if i&255 == 0 {
			o /= complex(math.Hypot(real(o), imag(o)), 0)
		}
	}
	// o has turned (n-L) steps; the line's phase at index 0:
	ph := -math.Atan2(imag(v), real(v)) + 2*math.Pi*float64(L)/sps
	t := math.Mod(ph/(2*math.Pi)*sps, sps)
	if t < 0 {
		t += sps
	}
	for t < float64(L) {
		t += sps
	}
	f.soft = f.soft[:0]
	for ; t < float64(n-1); t += sps {
		i := int(t)
		f.soft = append(f.soft, m[i]-off)
	}
	// The offset in Hz: m sums L discriminator samples (radians each).
	return f.r.gridStream.sync.foundIn(f.soft), float64(off) / float64(L) * f.hdRate / (2 * math.Pi)
}
