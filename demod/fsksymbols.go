package demod

import (
	"math"
	"math/cmplx"
)

// decode demodulates y at one symbol rate into f.soft (and f.when) and
// returns the fine frequency offset it measured (Hz).
func (f *fskDemod) decode(p *baudPlan, y, pz []complex64, corr float64, lead, tail int) float64 {
	f.used = p
	if p.in > 1 {
		if math.Abs(corr*f.r.fs1) > 10e3 {
			// Far from the power channel's centre: a neighbour may
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

// decodeOnce filters y with the channel filter tuned to corr (cycles per
// sample of y) and demodulates it into f.soft. It returns the fine offset it
// measured (Hz) and whether that is too far from the filter's centre to go
// on (the caller retunes).
func (f *fskDemod) decodeOnce(p *baudPlan, y []complex64, corr float64, lead, tail int) (float64, bool) {
	f.soft = f.soft[:0]
	f.when = f.when[:0]
	p.dec.reset(corr)
	f.z = p.dec.process(y, f.z[:0])
	n, L := len(f.z), p.L
	if n < 8*L {
		return 0, false
	}
	// The estimates look at the inner part (without the noise margins): the
	// tones at most its first 400 symbols, their refinement 300.
	lo := min(n, lead/p.d2+L)
	hi := max(lo, n-tail/p.d2)
	var off, dev float64
	ok := true
	if f.wideDev > 0 && p.in == 1 {
		// Tuned to the centre symmetricTones found.
		dev = f.wideDev * 2 * math.Pi / p.fs2
	} else {
		off, dev, ok = f.estimateTones(lo, min(hi, lo+400*L), L)
	}
	if !ok {
		return 0, false
	}
	if fineHz := off * p.fs2 / (2 * math.Pi); math.Abs(fineHz) > 2e3 {
		return fineHz, true
	}
	wp, wm := f.refineTones(lo, min(hi, lo+300*L), L, off+dev, off-dev)
	f.devHz = (wp - wm) / 2 * p.fs2 / (2 * math.Pi)
	f.correlate(n, L, wp, wm)
	f.blockTimings(f.s, p.sps)
	f.sampleSymbols(f.s, L, p.sps)
	f.amplitudeSoft()
	f.mid, f.dev = (wp+wm)/2, (wp-wm)/2
	return f.mid * p.fs2 / (2 * math.Pi), false
}

// amplitudeSoft replaces each soft symbol, the tone correlators' energy
// difference where it was read (f.when), by their amplitude difference:
// same sign, but a reliability that grows with the margin as a
// noncoherent receiver's log-likelihood ratio does above a few dB, not
// with its square (which ranked a bit flipped by a noise peak among the
// surest).
func (f *fskDemod) amplitudeSoft() {
	amplitudes(f.soft[:len(f.when)], f.when, f.cp, f.cm)
}

// discSymbols replaces f.soft (and f.when) with the FM discriminator of
// f.z averaged over a symbol, from the tones' midpoint, at the end of every
// symbol, with its own symbol timing: the soft symbols of a detector for
// bursts the tone correlators read poorly (a low modulation index, whose
// tones overlap within a symbol, or strong Gaussian shaping, whose lone
// symbols never reach their tone). Under a modulation index of 1 it is
// the phase turn per symbol instead, measured against a decision-feedback
// reference (feedbackDifferential).
func (f *fskDemod) discSymbols(p *baudPlan) {
	n, L := len(f.z), p.L
	var m []float32
	low := 2*f.dev/(2*math.Pi)*p.fs2/p.baud < 1
	if low {
		m = f.differential(n, L)
	} else {
		f.discriminate(n, L)
		m = f.m[:n]
		mid := float32(f.mid)
		for i := range m {
			m[i] -= mid
		}
	}
	f.soft, f.when = f.soft[:0], f.when[:0]
	f.blockTimings(m, p.sps)
	f.sampleSymbols(m, L, p.sps)
	f.cancelISI()
	if low {
		for range 2 {
			f.feedbackDifferential(L)
		}
	}
}

// cancelISI takes the neighbours' share out of each soft symbol of
// f.soft: strong Gaussian shaping (BT 0.3) spreads a symbol's frequency
// into the next and the previous one, so a lone symbol reaches less than
// half its tone and is the first to flip. Each soft symbol is modelled as
// a·own + c·(previous + next) (symbols ±1, decided by sign); a and c are
// fitted by least squares, and c times the neighbours' decisions is taken
// away, twice.
func (f *fskDemod) cancelISI() {
	s := f.soft
	n := len(s)
	if n < 64 {
		return
	}
	f.isi = append(f.isi[:0], s...)
	orig := f.isi
	sign := func(v float32) float32 {
		if v > 0 {
			return 1
		}
		return -1
	}
	for range 2 {
		var saa, sac, scc, sa, sc float64
		for k := 1; k+1 < n; k++ {
			d := float64(sign(s[k]))
			e := float64(sign(s[k-1]) + sign(s[k+1]))
			v := float64(orig[k])
			saa += d * d
			sac += d * e
			scc += e * e
			sa += v * d
			sc += v * e
		}
		det := saa*scc - sac*sac
		if det <= 0 {
			return
		}
		a := (sa*scc - sc*sac) / det
		c := (saa*sc - sac*sa) / det
		if !(a > 0 && c > 0.05*a && c < 0.45*a) {
			return // no (believable) spreading
		}
		cf := float32(c)
		prev := sign(s[0])
		for k := 1; k+1 < n; k++ {
			cur := sign(s[k])
			s[k] = orig[k] - cf*(prev+sign(s[k+1]))
			prev = cur
		}
	}
}

// differential writes to f.s, and returns, the phase turn between
// consecutive one-symbol windows of f.z mixed to the tones' midpoint
// (the imaginary part of each window times the conjugate of the one a
// symbol earlier): a low modulation index turns the phase by less than a
// half turn per symbol, its sign the symbol's.
func (f *fskDemod) differential(n, L int) []float32 {
	f.pp = grow(f.pp, n)
	f.cp = grow(f.cp, n)
	f.s = grow(f.s, n)
	f.mixTone(f.pp[:n], f.mid)
	W := max(1, (L+1)/2)
	var acc complex128
	for i := range n {
		acc += complex128(f.pp[i])
		if i >= W {
			acc -= complex128(f.pp[i-W])
		}
		f.cp[i] = complex64(acc)
	}
	// The symbol ending at i turns the phase from the window centred on
	// its start to the one centred on its end.
	h := W / 2
	s := f.s[:n]
	for i := range s {
		s[i] = 0
		if j := i + h; j >= L && j < n {
			a, b := f.cp[j], f.cp[j-L]
			s[i] = imag(a)*real(b) - real(a)*imag(b)
		}
	}
	return s
}

// estimateTones returns the two tones (radians per sample: their midpoint
// off, half their distance dev) from the FM discriminator of f.z[lo:est],
// averaged over a symbol. The tones are where that average sits during runs
// of one symbol: the means of its lowest and highest fifths. (Cluster means
// would include symbols next to transitions, smeared by the shaping, and any
// unmodulated carrier before the preamble.)
func (f *fskDemod) estimateTones(lo, est, L int) (off, dev float64, ok bool) {
	f.discriminate(est, L)
	step := max(1, L/2)
	// Only where the burst is on: 10 dB under its mean power is a margin
	// of noise, or on a quiet channel a neighbour's leakage, whose
	// frequency is not the burst's.
	mean := energySum(f.z[lo:est])
	floor := float32(0.1 * mean / float64(max(1, est-lo)))
	f.vals = f.vals[:0]
	for i := lo; i < est; i += step {
		if v := f.z[i]; real(v)*real(v)+imag(v)*imag(v) >= floor {
			f.vals = append(f.vals, f.m[i])
		}
	}
	if len(f.vals) < 16 {
		return 0, 0, false
	}
	q := max(1, len(f.vals)/5)
	slo, shi := extremeSums(f.vals, q, &f.sorted, &f.scratch)
	c0, c1 := float32(slo/float64(q)), float32(shi/float64(q))
	off = float64(c0+c1) / 2
	dev = float64(c1-c0) / 2
	return off, dev, dev > 0
}

// discriminate writes the FM discriminator of f.z[:est] to f.d and its
// one-symbol moving average to f.m.
func (f *fskDemod) discriminate(est, L int) {
	z := f.z
	f.d = grow(f.d, est)
	f.m = grow(f.m, est)
	d, m := f.d, f.m
	if est > 0 {
		d[0] = 0
		phaseSteps(d[1:est], z[:est])
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
}

// refineTones refines the tones wp and wm (radians per sample) by the phase
// each one's correlator turns between windows of f.z[lo:end] where that
// tone won (decision-directed), first at half a symbol's lag (wider
// pull-in), then at a whole symbol.
func (f *fskDemod) refineTones(lo, end, L int, wp, wm float64) (float64, float64) {
	for _, lag := range [2]int{max(1, L/2), L} {
		f.correlateTones(end, L, wp, wm, false)
		f.markWinners(end)
		qp, qm := f.winnerTurns(lo, end, lag)
		// With a low modulation index (under 1: tones closer than the
		// symbol rate) a tone rarely wins clearly, and the windows it did
		// may be mostly noise: a step larger than half the deviation is no
		// refinement.
		lim := math.Inf(1)
		if (wp-wm)*float64(L) < 2*math.Pi {
			lim = (wp - wm) / 4
		}
		if qp != 0 {
			if d := float64(fastAtan2(imag(qp), real(qp))) / float64(lag); math.Abs(d) < lim {
				wp += d
			}
		}
		if qm != 0 {
			if d := float64(fastAtan2(imag(qm), real(qm))) / float64(lag); math.Abs(d) < lim {
				wm += d
			}
		}
	}
	return wp, wm
}

// correlate runs the two tone correlators (one symbol long, at tones wp
// and wm) over f.z[:end] into f.cp and f.cm, and their energy difference
// into f.s.
func (f *fskDemod) correlate(end, L int, wp, wm float64) { f.correlateTones(end, L, wp, wm, true) }

// correlateTones is correlate, without the energy difference unless
// energy is set (f.s is then left as it was).
func (f *fskDemod) correlateTones(end, L int, wp, wm float64, energy bool) {
	n := len(f.z)
	f.pp = grow(f.pp, n)
	f.pm = grow(f.pm, n)
	f.cp = grow(f.cp, n)
	f.cm = grow(f.cm, n)
	f.s = grow(f.s, n)
	lo, hi := f.mixTones(f.pp[:end], f.pm[:end], wp, wm)
	var s []float32
	if energy {
		s = f.s[:end]
	}
	toneSumsSpan(f.cp[:end], f.cm[:end], s, f.pp[:end], f.pm[:end], L, lo, hi)
}

// mixTone writes f.z mixed down by w radians per sample to dst.
func (f *fskDemod) mixTone(dst []complex64, w float64) {
	z := f.z
	st := complex(math.Cos(-w), math.Sin(-w))
	o := complex128(1)
	for i0 := 0; i0 < len(dst); i0 += 1024 {
		i1 := min(len(dst), i0+1024)
		o = mix4(dst[i0:i1], z[i0:i1], o, st)
	}
}

// mixTones is mixTone of f.z to two tones at once. Where toneSumsSpan
// uses it (sumsSpan), it returns the exponent span of dstA's and dstB's
// parts together (see expSpanGo), found as they are written; else 255, 0.
func (f *fskDemod) mixTones(dstA, dstB []complex64, wA, wB float64) (lo, hi uint32) {
	z := f.z
	stA, stB := complex(math.Cos(-wA), math.Sin(-wA)), complex(math.Cos(-wB), math.Sin(-wB))
	oA, oB := complex128(1), complex128(1)
	lo = 255
	for i0 := 0; i0 < len(dstA); i0 += 1024 {
		i1 := min(len(dstA), i0+1024)
		if !sumsSpan {
			oA, oB = mix4Pair(dstA[i0:i1], dstB[i0:i1], z[i0:i1], oA, stA, oB, stB)
			continue
		}
		var l, h uint32
		oA, oB, l, h = mix4PairSpan(dstA[i0:i1], dstB[i0:i1], z[i0:i1], oA, stA, oB, stB)
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// markWinners sets f.won for the correlator windows up to end where one
// tone clearly won (three times the other's energy): not transitions, and
// not an unmodulated carrier between the tones.
func (f *fskDemod) markWinners(end int) {
	f.won = grow(f.won, end)
	winners(f.won, f.cp[:end], f.cm[:end])
}

// winnerTurns sums, per tone, its correlator times the conjugate of its
// value lag samples earlier, over the windows from lo to end that tone won
// both times: the phase of each sum is how far its tone is off.
func (f *fskDemod) winnerTurns(lo, end, lag int) (qp, qm complex64) {
	return winnerTurnsRange(f.won, f.cp, f.cm, max(lo, lag), end, lag)
}

// blockTimings finds, per block of 32 symbols, where the symbols of the
// soft stream s end (f.taus, in samples modulo sps): the phase of the
// symbol-rate line of |s| (s peaks at the end of each symbol), over the
// block and its neighbours.
func (f *fskDemod) blockTimings(s []float32, sps float64) {
	f.blockLines(s, sps)
	nblk := len(f.tblk)
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
}

// blockLines writes the symbol-rate line of |s| per block of 32 symbols to
// f.tblk.
func (f *fskDemod) blockLines(s []float32, sps float64) {
	n := len(f.z)
	blk := int(32 * sps)
	nblk := (n + blk - 1) / blk
	f.tblk = grow(f.tblk, nblk)
	line := f.blockLine(sps, min(n, maxBlockLine))
	for j := 0; j < nblk; j++ {
		a, e := j*blk, min(n, (j+1)*blk)
		if e2 := e + blk; e2 <= min(n, len(line.osc)) {
			// Two whole blocks: their sums side by side.
			f.tblk[j], f.tblk[j+1] = lineSum2(s[a:e], line.osc[a:e], s[e:e2], line.osc[e:e2])
			j++
		} else if e <= len(line.osc) {
			f.tblk[j] = lineSum(s[a:e], line.osc[a:e])
		} else {
			f.tblk[j] = line.blockSum(s[a:e], a)
		}
	}
}

// sampleSymbols reads the soft stream s at the end of every symbol into
// f.soft (and the position into f.when), following f.taus by at most a
// tenth of a symbol per symbol.
func (f *fskDemod) sampleSymbols(s []float32, L int, sps float64) {
	n := len(f.z)
	blk := int(32 * sps)
	taus := f.taus
	nblk := len(taus)
	t := taus[0]
	for t < float64(L-1) {
		t += sps
	}
	jb := 0 // int(pred)/blk: pred grows, so it is followed, not divided
	inv := 1 / sps
	lim := 0.1 * sps
	soft, when := f.soft, f.when
	// rg guesses the rounding r below: the last one plus one (a symbol
	// on, in the same timing block). With the guess right (the branch
	// that checks it predicted), the timing's chain from one symbol to
	// the next is three additions; the multiplication and rounding that
	// make r run beside it.
	var rg float64
	for t < float64(n-1) {
		i := int(t)
		fr := float32(t - float64(i))
		v := s[i] + fr*(s[i+1]-s[i])
		soft = append(soft, v)
		when = append(when, float32(t))
		pred := t + sps
		for int(pred) >= (jb+1)*blk {
			jb++
		}
		j := min(nblk-1, jb)
		g := taus[j]
		x := pred - g
		r, ok := roundMul(x, inv)
		if !ok {
			r = math.Round(x / sps)
		}
		if math.Float64bits(r) != math.Float64bits(rg) {
			rg = r
		}
		g += rg * sps
		rg++
		e := g - pred
		// max(-lim, min(lim, e)) (lim > 0; a NaN stays NaN), with
		// branches that are not on the timing's chain.
		if e > lim {
			e = lim
		} else if e < -lim {
			e = -lim
		}
		t = pred + e
	}
	f.soft, f.when = soft, when
}

// roundMul returns math.Round(x·inv) and true when that is math.Round(x/d)
// for inv = 1/d (a multiplication instead of a division on
// sampleSymbols' chain): x·inv is within a few units in the last place of
// x/d, and so rounds as it does unless it is that close to halfway
// between two integers (then it returns false, and x/d decides). Away
// from halfway, math.RoundToEven (one instruction) rounds as math.Round.
// (Written to be inlined: h < 1e-9·max(1, |q|) as three comparisons.)
func roundMul(x, inv float64) (float64, bool) {
	q := x * inv
	r := math.RoundToEven(q)
	h, e := math.Abs(math.Abs(q-r)-0.5), 1e-9*q
	return r, !(h < 1e-9 || h < e || h < -e)
}

// feedbackDifferential replaces f.soft, the differential detector's soft
// symbols of a low modulation index burst (decided by sign), by decision-
// feedback differential detection: each symbol's phase turn is measured
// against a reference built from the earlier symbols' windows, each turned
// on by the turn its decided symbol makes, not against the previous window
// alone (a reference that averages several windows' noise; a noncoherent
// detector moves towards a coherent one's margin). The turn a symbol makes
// depends on its neighbours (Gaussian shaping), so the turns are learnt
// per pattern of three symbols from the burst itself (which also takes in
// what is left of the carrier offset).
func (f *fskDemod) feedbackDifferential(L int) {
	n := len(f.soft)
	if n < 64 {
		return
	}
	// e[k]: the window centred on the end of symbol k (f.cp holds the
	// windows at their end: half a window on).
	W := max(1, (L+1)/2)
	h := float64(W / 2)
	at := func(t float64) complex128 {
		t += h
		i := int(t)
		if i < 0 || i+1 >= len(f.cp) {
			return 0
		}
		fr := float32(t - float64(i))
		return complex128(f.cp[i] + complex(fr, 0)*(f.cp[i+1]-f.cp[i]))
	}
	f.dde = grow(f.dde, n)
	f.ddd = grow(f.ddd, n)
	e, d := f.dde, f.ddd
	for k, t := range f.when {
		e[k] = at(float64(t))
		d[k] = 0
		if f.soft[k] > 0 {
			d[k] = 1
		}
	}
	pat := func(k int) int {
		p := int(d[k]) << 1
		if k > 0 {
			p |= int(d[k-1]) << 2
		}
		if k+1 < n {
			p |= int(d[k+1])
		}
		return p
	}
	// The turn per pattern (previous, own, next).
	var sum [8]complex128
	for k := 1; k < n; k++ {
		sum[pat(k)] += e[k] * cmplx.Conj(e[k-1])
	}
	var turn [8]complex128
	for i, v := range sum {
		if a := cmplx.Abs(v); a > 0 {
			turn[i] = v / complex(a, 0)
		}
	}
	const beta = 0.85 // the reference's memory: about seven symbols
	r := e[0]
	for k := 1; k < n; k++ {
		z := e[k] * cmplx.Conj(r)
		own := pat(k) &^ 2
		up, down := turn[own|2], turn[own]
		f.soft[k] = float32(real(z*cmplx.Conj(up)) - real(z*cmplx.Conj(down)))
		if a := cmplx.Abs(r); a > 0 {
			f.soft[k] /= float32(a)
		}
		if f.soft[k] > 0 {
			d[k] = 1
		} else {
			d[k] = 0
		}
		r = e[k] + complex(beta, 0)*r*turn[pat(k)]
	}
}
