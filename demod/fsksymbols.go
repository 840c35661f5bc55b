package demod

import "math"

// decode demodulates y at one symbol rate into f.soft (and f.when) and
// returns the fine frequency offset it measured (Hz).
func (f *fskDemod) decode(p *baudPlan, y, pz []complex64, corr float64, lead, tail int) float64 {
	f.used = p
	if p.in > 1 {
		if math.Abs(corr*f.r.fs1) > 10e3 && p.alt != nil {
			// Far from the burst-power channel's centre: a neighbour may
			// fold into its band; start from the first stage instead.
			p = p.alt
			f.used = p
		} else {
			y, lead, tail = pz, lead/p.in, tail/p.in
		}
	}
	in := float64(p.in)
	fine, retune := f.decodeOnce(p, y, corr*in, lead, tail)
	for range 2 {
		if !retune {
			break
		}
		// The burst is off the channel filter's centre: tune and go again.
		var more float64
		more, retune = f.decodeOnce(p, y, (corr+fine/f.r.fs1)*in, lead, tail)
		fine += more
	}
	return fine
}

func (f *fskDemod) decodeOnce(p *baudPlan, y []complex64, corr float64, lead, tail int) (float64, bool) {
	f.soft = f.soft[:0]
	f.when = f.when[:0]
	p.dec.reset(corr)
	f.z = p.dec.process(y, f.z[:0])
	z := f.z
	n := len(z)
	L := p.L
	if n < 8*L {
		return 0, false
	}
	// The estimates below look at the inner part (without the noise
	// margins), at most its first 400 symbols.
	lo := min(n, lead/p.d2+L)
	hi := max(lo, n-tail/p.d2)
	est := min(hi, lo+400*L)
	// FM discriminator and its one-symbol moving average.
	f.d = grow(f.d, est)
	f.m = grow(f.m, est)
	d, m := f.d, f.m
	if est > 0 {
		d[0] = 0
	}
	for i := 1; i < est; i++ {
		a, b := z[i], z[i-1]
		re := real(a)*real(b) + imag(a)*imag(b)
		im := imag(a)*real(b) - real(a)*imag(b)
		d[i] = fastAtan2(im, re)
	}
	var acc float32
	invL := 1 / float32(L)
	for i := range est {
		acc += d[i]
		if i >= L {
			acc -= d[i-L]
		}
		m[i] = acc * invL
	}
	// Two clusters of the averaged frequency: their midpoint is the
	// carrier offset, their half distance the deviation.
	step := max(1, L/2)
	f.vals = f.vals[:0]
	for i := lo; i < est; i += step {
		f.vals = append(f.vals, m[i])
	}
	if len(f.vals) < 16 {
		return 0, false
	}
	// The tones are where the averaged frequency sits during runs of one
	// symbol: the means of its lowest and highest fifths. (Cluster means
	// would include symbols next to transitions, smeared by the shaping,
	// and any unmodulated carrier before the preamble.)
	f.sorted = append(f.sorted[:0], f.vals...)
	q := max(1, len(f.sorted)/5)
	lowest, highest := extremes(f.sorted, q)
	var slo, shi float64
	for _, v := range lowest {
		slo += float64(v)
	}
	for _, v := range highest {
		shi += float64(v)
	}
	c0, c1 := float32(slo/float64(q)), float32(shi/float64(q))
	off := float64(c0+c1) / 2
	dev := float64(c1-c0) / 2
	if dev <= 0 {
		return 0, false
	}
	fineHz := off * p.fs2 / (2 * math.Pi)
	if math.Abs(fineHz) > 2e3 {
		return fineHz, true
	}
	// Tone correlators, one symbol long.
	f.pp = grow(f.pp, n)
	f.pm = grow(f.pm, n)
	f.s = grow(f.s, n)
	mix := func(dst []complex64, w float64) {
		st := complex(math.Cos(-w), math.Sin(-w))
		o := complex128(1)
		for i0 := 0; i0 < len(dst); i0 += 1024 {
			i1 := min(len(dst), i0+1024)
			o = mix4(dst[i0:i1], z[i0:i1], o, st)
		}
	}
	// Refine each tone by the phase its correlator turns between windows
	// where that tone won (decision-directed), first at half a symbol's lag
	// (wider pull-in), then at a whole symbol.
	f.cp = grow(f.cp, n)
	f.cm = grow(f.cm, n)
	wp, wm := off+dev, off-dev
	s := f.s
	// The refinement passes look at up to 300 symbols of the inner part.
	for iter := range 3 {
		end := n
		if iter < 2 {
			end = min(hi, lo+300*L)
		}
		mix(f.pp[:end], wp)
		mix(f.pm[:end], wm)
		var ap, am complex128
		for i := range end {
			ap += complex128(f.pp[i])
			am += complex128(f.pm[i])
			if i >= L {
				ap -= complex128(f.pp[i-L])
				am -= complex128(f.pm[i-L])
			}
			f.cp[i], f.cm[i] = complex64(ap), complex64(am)
			s[i] = float32(real(ap)*real(ap) + imag(ap)*imag(ap) - real(am)*real(am) - imag(am)*imag(am))
		}
		if iter == 2 {
			break
		}
		lag := L
		if iter == 0 {
			lag = max(1, L/2)
		}
		// Only windows where one tone clearly won (three times the other's
		// energy) count: not transitions, and not an unmodulated carrier
		// between the tones.
		f.won = grow(f.won, end)
		for i := range end {
			a, b := f.cp[i], f.cm[i]
			ep := real(a)*real(a) + imag(a)*imag(a)
			em := real(b)*real(b) + imag(b)*imag(b)
			switch {
			case ep > 3*em:
				f.won[i] = 1
			case em > 3*ep:
				f.won[i] = -1
			default:
				f.won[i] = 0
			}
		}
		var qp, qm complex64
		for i := max(lo, lag); i < end; i++ {
			c := f.won[i]
			if c == 0 || f.won[i-lag] != c {
				continue
			}
			if c > 0 {
				qp += f.cp[i] * complex(real(f.cp[i-lag]), -imag(f.cp[i-lag]))
			} else {
				qm += f.cm[i] * complex(real(f.cm[i-lag]), -imag(f.cm[i-lag]))
			}
		}
		if qp != 0 {
			wp += float64(fastAtan2(imag(qp), real(qp))) / float64(lag)
		}
		if qm != 0 {
			wm += float64(fastAtan2(imag(qm), real(qm))) / float64(lag)
		}
	}
	off = (wp + wm) / 2
	fineHz = off * p.fs2 / (2 * math.Pi)
	// Timing: the symbol-rate line of |s| per block of 32 symbols, smoothed
	// over neighbouring blocks; s peaks at the end of each symbol.
	sps := p.sps
	blk := int(32 * sps)
	nblk := (n + blk - 1) / blk
	f.tblk = grow(f.tblk, nblk)
	rot := complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps))
	for j := range nblk {
		ph := -2 * math.Pi * math.Mod(float64(j*blk), sps) / sps
		o := complex(math.Cos(ph), math.Sin(ph))
		var v complex128
		for i := j * blk; i < min(n, (j+1)*blk); i++ {
			a := float64(s[i])
			if a < 0 {
				a = -a
			}
			v += complex(a*real(o), a*imag(o))
			o *= rot
		}
		f.tblk[j] = v
	}
	// Each block's timing (where its symbols end), from it and its
	// neighbours.
	f.taus = grow(f.taus, nblk)
	for j := range nblk {
		v := f.tblk[j]
		if j > 0 {
			v += f.tblk[j-1]
		}
		if j+1 < nblk {
			v += f.tblk[j+1]
		}
		ph := -math.Atan2(imag(v), real(v))
		t := ph / (2 * math.Pi) * sps
		if t < 0 {
			t += sps
		}
		f.taus[j] = t
	}
	t := f.taus[0]
	for t < float64(L-1) {
		t += sps
	}
	for t < float64(n-1) {
		i := int(t)
		fr := float32(t - float64(i))
		v := s[i] + fr*(s[i+1]-s[i])
		f.soft = append(f.soft, v)
		f.when = append(f.when, float32(t))
		pred := t + sps
		j := min(nblk-1, int(pred)/blk)
		g := f.taus[j]
		g += math.Round((pred-g)/sps) * sps
		e := g - pred
		lim := 0.1 * sps
		e = max(-lim, min(lim, e))
		t = pred + e
	}
	return fineHz, false
}
