package demod

import (
	"math"
	"slices"
)

// powerChannel is where bursts are measured: the burst out of the first
// stage filtered to ±50 kHz and decimated by dec (2, or 1 when the first
// stage's rate is under 200 kS/s). The slower GridStream rates and NGE101
// are demodulated from it too.
type powerChannel struct {
	filt   *mixDecim
	gain   float64 // Σh² of filt's taps
	dec    int
	z      []complex64 // the burst being measured
	blocks []float64   // its power per block
	sorted []float64   // scratch: the block powers reordered
}

// newPowerChannel designs the power channel for first-stage rate fs1.
func newPowerChannel(fs1 float64) powerChannel {
	pc := powerChannel{dec: 2}
	if fs1 < 200e3 {
		pc.dec = 1
	}
	// Pass ±50 kHz (a 38400-baud burst is ±40 kHz wide); stop from 90 kHz
	// so that at half the rate nothing folds into the slower rates' band.
	taps := kaiserLowpass(fs1, 50e3, min(fs1/2, 90e3), 45)
	if fs1/2-50e3 >= 90e3 {
		// Fast enough for a half-band filter (stopband from fs1/2 - 50 kHz):
		// half the taps are zero.
		taps = halfbandTaps(fs1, 50e3, 45).taps()
	}
	pc.filt = newMixDecim(taps, pc.dec)
	for _, t := range taps {
		pc.gain += float64(t) * float64(t)
	}
	return pc
}

// burstInfo is what the receiver measured about a burst.
type burstInfo struct {
	start  int64   // input index of y[0]
	freq   float64 // Hz offset of the tuned centre (y's 0 Hz)
	rssi   float64 // dBFS
	snr    float64 // dB over the whole band's noise
	onFrac float64 // fraction of the active span above the threshold
}

// blockPowers is a burst's power per block of 0.25 ms on the power channel
// and what the receiver knows to judge it.
type blockPowers struct {
	y, pz  []complex64 // the burst out of the first stage, on the power channel
	pw     []float64   // power per block
	bl     int         // block length in first-stage samples
	thr    float64     // a block over thr is active (carries a transmission)
	ookThr float64     // a block over ookThr is on (OOK), halfway in dB to the strongest
	nin    float64     // noise power per sample on the power channel
	noise  float64     // noise power per input sample over the whole band
	start  int64       // input index of y[0]
	freq   float64     // the burst's frequency (Hz from the centre)
	lobe   float64     // the centre of its lobes, when it may have two (else NaN)
}

// demodBurst measures a collected burst and hands it to the GridStream and
// NGE101 demodulators.
func (r *Receiver) demodBurst(b *burst) {
	bp, ok := r.measureBlocks(b)
	if !ok {
		return
	}
	a, e, ok := bp.activeSpan(bp.thr) // the lower threshold: the whole burst
	if !ok {
		return
	}
	r.stats.Bursts++
	if r.cfg.OnBurst != nil {
		span := int64(bp.bl * r.d1) // input samples per block
		defer r.reportBurst(b, bp.start+int64(a)*span, bp.start+int64(e+1)*span, bp.measure(a, e, bp.thr), r.failedSoFar())
	}
	if r.searchOOK {
		// OOK finds its own transmissions and thresholds in the span over
		// the on threshold.
		if a, e, ok := bp.activeSpan(bp.ookThr); ok {
			info := bp.measure(a, e, bp.ookThr)
			ia, ie := r.cut(&bp, a, e)
			info.start += int64(ia * r.d1)
			r.ook.run(bp.pz[ia/r.power.dec:min(len(bp.pz), ie/r.power.dec)], info, b.tuned)
		}
	}
	if r.searchFSK {
		r.demodTransmissions(&bp, a, e, b.tuned)
	}
}

// measureBlocks runs burst b through the power channel and measures its
// power per block; it reports false when the burst is shorter than four
// blocks.
func (r *Receiver) measureBlocks(b *burst) (blockPowers, bool) {
	pc := &r.power
	noise := r.noisePower()
	bp := blockPowers{y: b.y, start: b.start, freq: b.fsum / b.wsz, noise: noise, lobe: math.NaN()}
	if b.pwsz > 0 {
		// The centre of all its peaks, lobes included.
		bp.lobe = (b.fsum + b.psum) / (b.wsz + b.pwsz)
	}
	// Of the channel only: the first stage leaves neighbours 60–240 kHz
	// away only partly attenuated.
	pc.filt.reset(0)
	pc.z = pc.filt.process(b.y, pc.z[:0])
	bp.pz = pc.z
	bp.nin = noise * r.gain1 * pc.gain
	bl := max(4, int(r.fs1/float64(pc.dec)*0.00025))
	nb := len(bp.pz) / bl
	if nb < 4 {
		return bp, false
	}
	pw := grow(pc.blocks, nb)
	blockSums(pw, bp.pz[:nb*bl], bl)
	var maxP float64
	for j, s := range pw {
		pw[j] = s / float64(bl)
		maxP = max(maxP, pw[j])
	}
	pc.blocks = pw
	bp.pw = pw
	bp.bl = bl * pc.dec
	// On (OOK): halfway in dB between the noise and the strongest block.
	bp.ookThr = max(2.5*bp.nin, math.Sqrt(max(bp.nin, 1e-30)*maxP)/2)
	// Active (FSK): 4 dB over the quietest tenth of the blocks (the noise,
	// with what the receiver adds to it in this channel: a DC offset),
	// well above a block's fluctuation (it holds 30 or more samples),
	// however strong the burst, so a weak transmission right after a strong
	// one keeps its blocks; never over the OOK threshold (a burst cut into
	// pieces may have no quiet block).
	pc.sorted = append(pc.sorted[:0], pw...)
	selectNth(pc.sorted, len(pw)/10)
	quiet := float64(pc.sorted[len(pw)/10])
	bp.thr = max(2.5*bp.nin, min(bp.ookThr, 2.5*quiet))
	return bp, true
}

// blockSumsGo writes the energy of each block of bl samples of pz to
// dst (len(pz) = len(dst)·bl): each summed in float64, in order, of the
// float32 energies; two blocks side by side (each a chain of dependent
// additions).
func blockSumsGo(dst []float64, pz []complex64, bl int) {
	nb := len(dst)
	j := 0
	for ; j+1 < nb; j += 2 {
		dst[j], dst[j+1] = blockEnergies(pz[j*bl:(j+1)*bl], pz[(j+1)*bl:(j+2)*bl])
	}
	if j < nb {
		dst[j], _ = blockEnergies(pz[j*bl:(j+1)*bl], nil)
	}
}

// blockEnergies returns the energies of a and b (b nil or as long as
// a), each summed in float64 in order.
func blockEnergies(a, b []complex64) (float64, float64) {
	var s0, s1 float64
	if b == nil {
		for _, v := range a {
			s0 += float64(real(v)*real(v) + imag(v)*imag(v))
		}
		return s0, 0
	}
	b = b[:len(a)]
	for i, v := range a {
		w := b[i]
		s0 += float64(real(v)*real(v) + imag(v)*imag(v))
		s1 += float64(real(w)*real(w) + imag(w)*imag(w))
	}
	return s0, s1
}

// activeSpan returns the first and last blocks over thr; ok is false when
// none is.
func (bp *blockPowers) activeSpan(thr float64) (a, e int, ok bool) {
	a, e = -1, -1
	for j, p := range bp.pw {
		if p > thr {
			if a < 0 {
				a = j
			}
			e = j
		}
	}
	return a, e, a >= 0
}

// measure returns what blocks a..e (inclusive), on when over thr, say
// about the burst.
func (bp *blockPowers) measure(a, e int, thr float64) burstInfo {
	var on int
	var sp float64
	for _, p := range bp.pw[a : e+1] {
		if p > thr {
			on++
			sp += p
		}
	}
	info := burstInfo{start: bp.start, freq: bp.freq, onFrac: float64(on) / float64(e-a+1)}
	ps := max(sp/float64(max(on, 1))-bp.nin, 1e-20)
	info.rssi = 10 * math.Log10(ps)
	if bp.noise > 0 {
		info.snr = 10 * math.Log10(ps/bp.noise)
	}
	return info
}

// cut returns the first-stage samples around blocks a..e with margins: 1 ms
// before (the preamble may be weaker at the start), 0.5 ms after.
func (r *Receiver) cut(bp *blockPowers, a, e int) (ia, ie int) {
	ia = max(0, a*bp.bl-int(0.001*r.fs1))
	ia -= ia % r.power.dec
	ie = min(len(bp.y), (e+1)*bp.bl+int(0.0005*r.fs1))
	return ia, ie
}

// demodTransmissions demodulates the GridStream transmissions in blocks
// a..e, each on its own: they are continuous, so a gap of 1 ms or more
// separates two of them (say on one channel, a few ms apart). tuned is the
// frequency the burst's channel was mixed from (Hz).
func (r *Receiver) demodTransmissions(bp *blockPowers, a, e int, tuned float64) {
	gap := max(2, int(math.Round(0.001*r.fs1/float64(bp.bl))))
	minRun := max(2, int(0.002*r.fs1/float64(bp.bl)))
	for j := a; j <= e; {
		last, k := bp.run(j, e, gap)
		if last-j+1 >= minRun {
			r.demodTransmission(bp, j, last, tuned)
		}
		j = bp.nextActive(k, e)
	}
}

// run returns the last active block of the transmission that starts at
// block j (no more than gap blocks between active ones, up to block e) and
// the block after the gap that ended it.
func (bp *blockPowers) run(j, e, gap int) (last, next int) {
	k, last := j, j
	for k <= e && k-last <= gap {
		if bp.pw[k] > bp.thr {
			last = k
		}
		k++
	}
	return last, k
}

// nextActive returns the first active block from j on, or e+1.
func (bp *blockPowers) nextActive(j, e int) int {
	for j <= e && bp.pw[j] <= bp.thr {
		j++
	}
	return j
}

// demodTransmission hands blocks a..e to the FSK demodulator, unless
// NGE101 is searched and they are mostly off (OOK).
func (r *Receiver) demodTransmission(bp *blockPowers, a, e int, tuned float64) {
	info := bp.measure(a, e, bp.thr)
	if info.onFrac <= 0.5 && r.searchOOK {
		return
	}
	ia, ie := r.cut(bp, a, e)
	info.start += int64(ia * r.d1)
	dec := r.power.dec
	t := transmission{y: bp.y[ia:ie], pz: bp.pz[min(len(bp.pz), ia/dec):min(len(bp.pz), ie/dec)],
		corr: (bp.freq - tuned) / r.fs1, wideCorr: math.NaN(), lead: a*bp.bl - ia, tail: ie - (e+1)*bp.bl, info: info}
	if !math.IsNaN(bp.lobe) {
		t.wideCorr = (bp.lobe - tuned) / r.fs1
	}
	r.fsk.run(&t)
}

// orderRates fills f.order with the symbol rates to try: those whose
// demodulated burst head shows a sync word first, then the rest (each
// group in the order of Config.Bauds), and sets f.nsync to how many showed
// one. The heads are sliced rate by rate only up to the first that shows
// one: that rate is tried first whatever the others show, and when its
// frames fill the transmission the others are not needed. Until
// completeOrder slices the rest, f.order holds only that rate (and f.nsync
// is 1).
func (f *fskDemod) orderRates(pz []complex64, lead int) {
	f.order, f.qsNext, f.nsync = f.order[:0], len(f.plans), 0
	if len(f.plans) > 1 {
		dec := f.r.power.dec
		f.headDisc(pz, (lead+dec-1)/dec, f.r.fs1/float64(dec))
		f.synced = grow(f.synced, len(f.plans))
		f.qs = grow(f.qs, len(f.plans))
		f.qsNext = 0
		for f.qsNext < len(f.plans) {
			i := f.qsNext
			f.quickSyncs(i, i+1)
			if f.synced[i] {
				f.order, f.nsync = append(f.order, f.plans[i]), 1
				return
			}
		}
	}
	f.completeOrder()
}

// completeOrder slices the heads orderRates left and fills f.order with
// every rate, those that showed a sync word first; it returns f.nsync.
func (f *fskDemod) completeOrder() int {
	if f.qsNext < len(f.plans) {
		f.quickSyncs(f.qsNext, len(f.plans))
	} else if len(f.order) == len(f.plans) {
		return f.nsync
	}
	f.order = f.order[:0]
	if len(f.plans) > 1 {
		for i, p := range f.plans {
			if f.synced[i] {
				f.order = append(f.order, p)
			}
		}
	}
	f.nsync = len(f.order)
	for _, p := range f.plans {
		if !slices.Contains(f.order[:f.nsync], p) {
			f.order = append(f.order, p)
		}
	}
	return f.nsync
}

// headDisc computes the FM discriminator of the burst's head (the first
// 160 symbols at the FSK protocols' slowest rate) from the power channel (at
// rate) into f.hd.
func (f *fskDemod) headDisc(y []complex64, lead int, rate float64) {
	f.hdRate = rate
	a := max(0, lead-int(0.0005*rate))
	e := min(len(y), lead+int(160*rate/f.slowest))
	f.hd = f.hd[:0]
	if e-a > 1 {
		f.hd = grow(f.hd, e-a-1)
		phaseSteps(f.hd, y[a:e])
	}
}

// quickSyncs slices the head discriminator at the rates of plans a..e-1
// (each its one-symbol moving sum f.heads[i], offset from two clusters,
// timing from the symbol-rate line) and looks for a sync word
// (f.synced); it also measures the offset in Hz (f.offs). It is cheap and
// needs a decent SNR; when no rate shows one, every rate is demodulated in
// full. The symbol-rate lines' correlations of three plans are summed
// side by side. It sets f.qsNext to e.
func (f *fskDemod) quickSyncs(a, e int) {
	f.headSums(a, e)
	for i := a; i < e; i++ {
		f.qs[i] = f.quickSyncOff(f.plans[i], f.heads[i])
	}
	if e-a == 1 {
		// One plan (orderRates' first ones): its line alone.
		if q := f.qs[a]; q.ok {
			f.qs[a].v = q.line.sum(q.m, q.off)
		}
	}
	for i := a; i < e && e-a > 1; i += 3 {
		var lines [3]*symbolLine
		var ms [3][]float32
		var offs [3]float32
		for j := range 3 {
			if q := f.qs[min(i+j, e-1)]; q.ok && i+j < e {
				lines[j], ms[j], offs[j] = q.line, q.m, q.off
			}
		}
		v := lineSums3(lines, ms, offs)
		for j := 0; j < 3 && i+j < e; j++ {
			f.qs[i+j].v = v[j]
		}
	}
	for i := a; i < e; i++ {
		f.synced[i], f.offs[i] = f.quickSyncAt(f.plans[i], f.qs[i])
	}
	f.qsNext = e
}

// quickSyncHead is quickSyncs' state for one plan between its steps.
type quickSyncHead struct {
	ok   bool // the head holds 40 symbols
	m    []float32
	off  float32
	line *symbolLine
	v    complex128 // the line's correlation with |m-off|
}

// quickSyncOff is quickSyncs' work for plan p up to the offset of the head's moving sum m.
func (f *fskDemod) quickSyncOff(p *baudPlan, m []float32) quickSyncHead {
	sps, L := f.headSymbol(p)
	n := len(f.hd)
	if n < 40*L {
		return quickSyncHead{}
	}
	f.vals = f.vals[:0]
	for i := L; i < n; i += max(1, L/2) {
		f.vals = append(f.vals, m[i])
	}
	c0, c1 := twoMeans(f.vals)
	return quickSyncHead{ok: true, m: m, off: (c0 + c1) / 2, line: f.symbolLine(L, sps)}
}

// quickSyncAt is quickSyncs' work for plan p from the line's correlation on.
func (f *fskDemod) quickSyncAt(p *baudPlan, q quickSyncHead) (bool, float64) {
	if !q.ok {
		return false, 0
	}
	sps, L := f.headSymbol(p)
	n, m, off := len(f.hd), q.m, q.off
	f.soft = f.soft[:0]
	for t := q.line.endAt(q.v); t < float64(n-1); t += sps {
		i := int(t)
		f.soft = append(f.soft, m[i]-off)
	}
	// m sums L discriminator samples (radians each).
	return f.r.fskRadio.syncIn(f.soft), float64(off) / float64(L) * f.hdRate / (2 * math.Pi)
}

// headSymbol returns quickSync's samples per symbol of plan p on the head
// discriminator, and its moving sum's length.
func (f *fskDemod) headSymbol(p *baudPlan) (float64, int) {
	sps := f.hdRate / p.baud
	return sps, max(2, int(math.Round(sps)))
}

// headSums writes the moving sums of the head discriminator over the
// symbol (quickSync's) of plans a..e-1 to f.heads, three plans in one
// pass: each is a chain of dependent float32 additions, and three chains
// side by side take little longer than one.
func (f *fskDemod) headSums(a, e int) {
	n := len(f.hd)
	f.heads = grow(f.heads, len(f.plans))
	for i := a; i < e; i++ {
		f.heads[i] = grow(f.heads[i], n)
	}
	if e-a == 1 {
		_, L := f.headSymbol(f.plans[a])
		movingSum(f.heads[a], f.hd, L)
		return
	}
	for i := a; i < e; i += 3 {
		a, b, c := i, min(i+1, e-1), min(i+2, e-1)
		_, La := f.headSymbol(f.plans[a])
		_, Lb := f.headSymbol(f.plans[b])
		_, Lc := f.headSymbol(f.plans[c])
		movingSums3(f.heads[a], f.heads[b], f.heads[c], f.hd, La, Lb, Lc)
	}
}

// movingSum writes the sums of the last L values of src (fewer at the
// start) to dst: a chain of dependent float32 additions (movingSums3 runs
// three side by side).
func movingSum(dst, src []float32, L int) {
	dst = dst[:len(src)]
	var acc float32
	for i, v := range src {
		acc += v
		if i >= L {
			acc -= src[i-L]
		}
		dst[i] = acc
	}
}

// movingSums3 writes, for three lengths L0, L1, L2, the sums of the last
// L values of src (fewer at the start) to d0, d1, d2 (which may be one
// slice where the lengths are equal).
func movingSums3(d0, d1, d2, src []float32, L0, L1, L2 int) {
	n := len(src)
	d0, d1, d2 = d0[:n], d1[:n], d2[:n]
	var a0, a1, a2 float32
	for i, v := range src {
		a0 += v
		a1 += v
		a2 += v
		if i >= L0 {
			a0 -= src[i-L0]
		}
		if i >= L1 {
			a1 -= src[i-L1]
		}
		if i >= L2 {
			a2 -= src[i-L2]
		}
		d0[i], d1[i], d2[i] = a0, a1, a2
	}
}

// firstSymbolEnd returns where, from index L on, the first symbol of the
// moving sum m ends: the phase of the symbol-rate line of |m-off|.
func (f *fskDemod) firstSymbolEnd(m []float32, off float32, L int, sps float64) float64 {
	return f.symbolLine(L, sps).firstEnd(m, off)
}

// symbolLine returns the receiver's symbol-rate line for moving-sum length
// L and sps samples per symbol.
func (f *fskDemod) symbolLine(L int, sps float64) *symbolLine {
	for _, l := range f.lines {
		if l.L == L && l.sps == sps {
			return l
		}
	}
	line := newSymbolLine(L, sps)
	f.lines = append(f.lines, line)
	return line
}
