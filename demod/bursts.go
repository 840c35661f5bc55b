package demod

import (
	"math"
	"slices"
)

// burst is one transmission being collected.
type burst struct {
	freq      float64 // the detector's offset when the burst started (Hz)
	tuned     float64 // the channel's centre (Hz)
	fsum, wsz float64 // running mean of peak frequencies
	lo, hi    float64 // widest occupied band seen
	ex        *channelizer
	y         []complex64
	start     int64 // input index of y[0]
	began     int64 // input index where it was detected
	misses    int
	maxRatio  float32
	floor     []float32 // the detector's noise floor around it when it started
	floorAt   int       // the bin of floor[0]
	// fed is the input samples given to the channel since it started and
	// cut the channel's samples dropped (pieces demodulated): with a
	// channel stage, y is the stage's and this is how long it is
	// (ylen).
	fed int64
	cut int
	// psum/pwsz is the weighted mean frequency of the peaks 35–140 kHz
	// away, about as strong, that showed in its first frames: the other
	// lobe of a wide burst (two tones far apart show as two peaks), or a
	// neighbour that started with it.
	psum, pwsz float64
}

// frame runs the detector on the newest samples and tracks bursts.
func (r *Receiver) frame() {
	if r.pos < int64(r.det.n) {
		return
	}
	r.afterFrame(r.analyzeFrame())
}

// analyzeFrame runs the detector on the newest samples and returns its
// peaks.
func (r *Receiver) analyzeFrame() []peak {
	r.det.holdDC = r.burstAtDC()
	if r.ahead != nil {
		if f := r.ahead.take(r.pos); f != nil {
			return r.det.analyzeTransformed(f)
		}
	}
	return r.det.analyze(r.newestFrame())
}

// afterFrame tracks bursts with a frame's peaks.
func (r *Receiver) afterFrame(peaks []peak) {
	for _, b := range r.active {
		b.misses++
	}
	for _, pk := range peaks {
		r.track(pk)
	}
	r.ook.keepAlive(r.active)
	r.cands, r.newCands = r.newCands, r.cands[:0]
	r.endBursts()
}

// burstAtDC reports whether a burst being followed covers 0 Hz (with the
// detector's smoothing either side).
func (r *Receiver) burstAtDC() bool {
	for _, b := range r.active {
		if b.lo-dcMargin <= 0 && 0 <= b.hi+dcMargin {
			return true
		}
	}
	return false
}

// dcMargin is how far (Hz) from a burst's band the DC estimate is held:
// the search smooths over ±10 kHz, and a burst's skirts reach further.
const dcMargin = 30e3

// newestFrame returns the detector's frame: the newest samples in the ring,
// contiguous.
func (r *Receiver) newestFrame() []complex64 {
	n := int64(r.det.n)
	if r.stageRing != nil {
		sr := r.stageRing
		sr.scratch = grow(sr.scratch, int(n))
		return sr.frame(r.pos-n, int(n), sr.scratch)
	}
	p := (r.pos - n) & r.rmask
	if p+n <= int64(len(r.ring)) {
		return r.ring[p : p+n]
	}
	x := r.det.buf // the detector copies its input before transforming
	c := copy(x, r.ring[p:])
	copy(x[c:], r.ring)
	return x
}

// track gives a peak to the burst it belongs to, or starts one. Every
// burst whose centre the peak's band covers is still on the air: the peak
// may be one lobe of it (a wide burst's two tones show as two peaks), or
// have taken its bins into a neighbour's band.
func (r *Receiver) track(pk peak) {
	var best *burst
	bd := math.Inf(1)
	for _, b := range r.active {
		// Its centre so far: the first peak may have been one of its
		// lobes.
		c := b.fsum / b.wsz
		if d := math.Abs(pk.freq - c); d < bd {
			best, bd = b, d
		}
		if pk.lo <= c && c <= pk.hi {
			b.misses = 0
		}
		if d := math.Abs(pk.freq - c); d >= 35e3 && d <= maxLobes && r.pos-b.began <= int64(3*r.hop) &&
			pk.ratio >= b.maxRatio/10 && pk.ratio <= 10*b.maxRatio {
			w := float64(pk.ratio)
			b.psum += w * pk.freq
			b.pwsz += w
		}
	}
	switch {
	case best != nil && bd < 35e3 && bd > 10e3 && pk.ratio > 8*best.maxRatio:
		// A much stronger burst next to a weak one (a false alarm or a
		// faint neighbour): follow the strong one from here.
		r.ended(best)
		r.active = slices.DeleteFunc(r.active, func(b *burst) bool { return b == best })
		r.startBurst(pk)
	case best != nil && bd < 35e3:
		best.follow(pk)
	case best != nil && bd < 70e3 && pk.ratio > 4*best.maxRatio:
		// Four times stronger than anything the burst followed has shown:
		// no skirt or tone of it, another transmission beside it. (A
		// continuous signal's fluctuations are followed as a string of
		// weak bursts: a converter clipping on a strong interferer puts
		// its harmonics and every burst's mirror images over the band.)
		r.newBurst(pk)
	case best != nil && bd < 70e3:
		// A skirt of a burst already followed, or one of its tones: a
		// wide burst's (h 2–3) lie 40–58 kHz from the centre its
		// preamble showed (alternating symbols under strong shaping
		// never reach them), and its data shows only there.
		if pk.ratio >= best.maxRatio/10 {
			best.misses = 0
		}
	default:
		r.newBurst(pk)
	}
}

// maxLobes is how far apart (Hz) the two tones of the widest burst the
// receiver is built for may show: a modulation index of 3 at the fastest
// rate is ±58 kHz at 38400 baud, plus the peaks' spread.
const maxLobes = 140e3

// follow takes the burst's peak in this frame into account.
func (b *burst) follow(pk peak) {
	b.maxRatio = max(b.maxRatio, pk.ratio)
	b.misses = 0
	w := float64(pk.ratio)
	b.fsum += w * pk.freq
	b.wsz += w
	b.lo = min(b.lo, pk.lo)
	b.hi = max(b.hi, pk.hi)
}

// newBurst starts a burst at a peak that shows in two frames in a row (or
// is strong), else keeps it as a candidate for the next frame.
func (r *Receiver) newBurst(pk peak) {
	confirmed := pk.ratio > 4*r.det.thr
	for _, c := range r.cands {
		confirmed = confirmed || math.Abs(c.freq-pk.freq) < 20e3
	}
	switch {
	case confirmed && len(r.active) >= MaxActive:
		r.stats.Ignored++
	case confirmed:
		r.startBurst(pk)
	default:
		r.newCands = append(r.newCands, pk)
	}
}

// endBursts finishes the bursts that went quiet or lasted too long, and
// demodulates the ones grown too long to keep.
func (r *Receiver) endBursts() {
	live := r.active[:0]
	for _, b := range r.active {
		if b.misses >= r.miss {
			r.ended(b)
			continue
		}
		if r.pos-b.began >= r.maxSpan {
			// Longer than any transmission: a carrier or interference.
			// What was collected is still demodulated; then the band joins
			// the noise floor, so the same signal does not start over.
			r.stats.Cut++
			r.det.absorb(b.lo, b.hi)
			r.finish(b)
			continue
		}
		if r.ylen(b) >= r.maxLen {
			r.demodPiece(b)
		}
		live = append(live, b)
	}
	clear(r.active[len(live):])
	r.active = live
}

// demodPiece demodulates what there is of a burst and keeps an overlap as
// long as the longest frame to go on with.
func (r *Receiver) demodPiece(b *burst) {
	n := r.ylen(b)
	ov := min(n, int(0.16*r.fs1))
	cut := n - ov
	if r.ch != nil {
		r.demodAsync(b, cut)
		b.cut += cut
	} else {
		r.demod(b, ov)
	}
	b.start += int64(cut * r.d1)
}

// ylen is how many samples a burst's channel holds.
func (r *Receiver) ylen(b *burst) int {
	if r.ch != nil {
		return int(b.fed/int64(r.d1)) - b.cut
	}
	return len(b.y)
}

// startBurst follows a new burst from a peak, its samples from the
// lookback ring on.
func (r *Receiver) startBurst(pk peak) {
	var b *burst
	if k := len(r.free); k > 0 {
		b = r.free[k-1]
		r.free = r.free[:k-1]
	} else if r.ch != nil {
		b = r.ch.takeFreed()
	}
	if b == nil {
		b = &burst{ex: &channelizer{}}
		b.ex.clone(r.design)
		// Room for the longest piece (endBursts cuts at maxLen, a hop of
		// samples later at most): grown from nothing, its samples would
		// be copied a dozen times over.
		b.y = make([]complex64, 0, r.maxLen+r.hop+mixBlock)
	}
	r.stats.Candidates++
	w := float64(pk.ratio)
	b.freq, b.fsum, b.wsz, b.lo, b.hi = pk.freq, w*pk.freq, w, pk.lo, pk.hi
	b.misses, b.maxRatio = 0, pk.ratio
	b.floorAt, b.floor = r.det.saveFloor(pk.freq, b.floor)
	b.psum, b.pwsz = 0, 0
	b.began = r.pos
	b.start = max(0, r.pos-int64(r.look))
	if r.det.frames <= 6 {
		// Right after the noise floor's start-up a burst may have begun
		// before the first frame that could see it: take the whole ring.
		b.start = max(0, r.pos-r.lookRing+1)
	}
	// Align the start to the decimation phase.
	b.start -= b.start % int64(r.d1)
	if r.ch != nil {
		b.tuned = tuning(pk.freq/r.fs) * r.fs
		from := max(b.start, r.pos-r.lookRing, 0)
		b.fed, b.cut = r.pos-from, 0
		c := chanCmd{op: chanStart, n: 1, lo: from, hi: r.pos, dc: complex64(r.det.dc), freq: pk.freq / r.fs}
		c.bursts[0] = b
		r.ch.send(&c)
	} else {
		b.tuned = b.ex.reset(pk.freq/r.fs) * r.fs
		b.y = b.y[:0]
		r.ringRead(b.start, func(s []complex64) { r.extract(b, s) })
	}
	r.active = append(r.active, b)
}

// extract runs input samples through a burst's first stage, less the
// input's DC offset when the burst's channel holds 0 Hz.
func (r *Receiver) extract(b *burst, x []complex64) {
	r.extractDC(b, x, complex64(r.det.dc), &r.dcbuf)
}

// extractDC is extract with the DC offset dc taken out as the samples are
// mixed. (Its last argument, a scratch buffer the samples less the offset
// were once copied to, is no longer used.)
func (r *Receiver) extractDC(b *burst, x []complex64, dc complex64, _ *[]complex64) {
	if dc != 0 && math.Abs(b.tuned) < r.fs1/2 {
		b.y = b.ex.processDC(x, dc, b.y)
		return
	}
	b.y = b.ex.process(x, b.y)
}

// ended finishes a burst that went quiet: a transmission, so the noise
// floor under it goes back to what it was before it.
func (r *Receiver) ended(b *burst) {
	r.det.restoreFloor(b.lo, b.hi, b.floorAt, b.floor)
	r.finish(b)
}

// finish demodulates a burst that has ended.
func (r *Receiver) finish(b *burst) {
	if r.ch != nil {
		r.demodAsync(b, -1)
		return
	}
	if len(b.y) > 0 {
		r.demod(b, 0)
	}
	if cap(b.y) > 4*r.maxLen {
		b.y = nil
	}
	r.free = append(r.free, b)
}
