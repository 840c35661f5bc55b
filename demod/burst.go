package demod

import (
	"fmt"
	"math"
	mathbits "math/bits"
	"slices"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// burstInfo is what the receiver measured about a burst.
type burstInfo struct {
	start  int64   // input index of y[0]
	freq   float64 // Hz offset of the tuned centre (y's 0 Hz)
	rssi   float64 // dBFS
	snr    float64 // dB over the whole band's noise
	onFrac float64 // fraction of the active span above the threshold
	width  float64 // widest occupied band the detector saw (Hz)
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
		info := burstInfo{start: b.start, freq: freq, onFrac: float64(on) / float64(e-a+1), width: b.hi - b.lo}
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
	if debugHook != nil {
		debugHook(fmt.Sprintf("blocks %d a %d e %d thr %.3g nin %.3g maxP %.3g", nb, a, e, thr, nin, maxP))
	}
	if a < 0 {
		return
	}
	if r.cfg.OnBurst != nil {
		defer r.reportBurst(b, b.start+int64(a*bl*r.d1), b.start+int64((e+1)*bl*r.d1), measure(a, e), r.failedSoFar())
	}
	if r.nge {
		info := measure(a, e)
		ia, ie := span(a, e)
		info.start += int64(ia * r.d1)
		r.ook.run(pz[ia/r.pwDec:min(len(pz), ie/r.pwDec)], thr, info)
	}
	if !r.gs {
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
			if info.onFrac > 0.5 || !r.nge {
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

// failedSoFar is the decoder's count of frames whose CRC or check failed.
func (r *Receiver) failedSoFar() int64 {
	st := r.dec.Stats()
	return st.CRCFailed + st.NGE101 - st.NGE101OK
}

// reportBurst calls Config.OnBurst with what demodulating the burst's
// active span (input samples start to end) gave; failed is failedSoFar
// before it was demodulated.
func (r *Receiver) reportBurst(b *burst, start, end int64, info burstInfo, failed int64) {
	lo, hi := b.lo, b.hi
	if hi < lo {
		lo, hi = hi, lo
	}
	r.cfg.OnBurst(Burst{
		Start: start, End: end,
		FreqLo: lo + r.cfg.CenterFreq, FreqHi: hi + r.cfg.CenterFreq,
		RSSIdB: round1(info.rssi), SNRdB: round1(info.snr),
		Messages:  r.burstMsgs,
		CRCFailed: r.failedSoFar() > failed,
	})
	clear(r.burstMsgs)
	r.burstMsgs = r.burstMsgs[:0]
}

// baudPlan holds the second stage for one symbol rate.
type baudPlan struct {
	// in is 1 when the plan starts from the first stage's output, else the
	// burst-power channel's decimation (it starts from that channel, ±60 kHz
	// at half the rate, which is enough for the slower rates); inDelay is
	// that channel's group delay in first-stage samples.
	in      int
	inDelay float64
	// alt is the same plan from the first stage's output, used when the
	// burst is far from the centre the burst-power channel was tuned to.
	alt  *baudPlan
	baud float64
	d2   int
	fs2  float64
	sps  float64
	L    int
	dec  *mixDecim
}

// fskDemod demodulates GridStream bursts: per symbol rate a channel filter
// and decimator, an FM discriminator for the frequency, deviation and
// timing estimates, then two noncoherent tone correlators (one symbol long)
// whose energy difference is the soft symbol.
type fskDemod struct {
	r        *Receiver
	plans    []*baudPlan
	pos, neg *pipeline.Channel
	written  int64 // symbols written to each channel
	got      []*frames.Message
	lastBaud float64
	order    []*baudPlan
	used     *baudPlan // the plan (or its alt) the last decode ran
	hd       []float32
	hdRate   float64
	offs     []float64
	cur      attempt
	mine     []*frames.Message // messages made from the current attempt's symbols
	failed   []*frames.Message
	blocks   []float64

	z      []complex64
	d, m   []float32
	s      []float32
	pp, pm []complex64
	cp, cm []complex64
	soft   []float32
	inv    []float32
	when   []float32 // Fs2 position of each soft symbol
	vals   []float32
	sorted []float32
	tblk   []complex128
	taus   []float64 // per timing block: where its symbols end (Fs2 samples mod sps)
	won    []int8    // per correlator window: which tone clearly won (±1) or 0
}

// newBaudPlan designs the second stage for one rate from input rate fsIn.
func newBaudPlan(fsIn, baud float64) *baudPlan {
	d2 := max(1, int(fsIn/(6*baud)))
	fs2 := fsIn / float64(d2)
	// Channel filter: the deviation (about ±12…20 kHz) plus most of the
	// symbol rate and a few kHz of tuning error.
	dev := 12e3
	if baud > 10e3 {
		dev = 16e3
	}
	if baud > 20e3 {
		dev = 22e3
	}
	pass := min(dev+0.4*baud+3e3, 0.45*fs2)
	// The correlators do the fine selection; this filter only has to
	// stop aliasing and keep neighbouring channels out of the estimates.
	stop := min(fs2-pass, pass+20e3)
	stop = max(stop, pass+2e3)
	taps := kaiserLowpass(fsIn, pass, stop, 45)
	return &baudPlan{in: 1, baud: baud, d2: d2, fs2: fs2, sps: fs2 / baud,
		L: max(2, int(math.Round(fs2/baud))), dec: newMixDecim(taps, d2)}
}

func newFSKDemod(r *Receiver) *fskDemod {
	f := &fskDemod{r: r}
	for _, b := range r.cfg.Bauds {
		baud := float64(b)
		var p *baudPlan
		if r.pwDec > 1 && r.fs1/float64(r.pwDec)/baud >= 6 {
			p = newBaudPlan(r.fs1/float64(r.pwDec), baud)
			p.in = r.pwDec
			p.inDelay = float64(len(r.pwFilt.taps)-1) / 2
			p.alt = newBaudPlan(r.fs1, baud)
		} else {
			p = newBaudPlan(r.fs1, baud)
		}
		f.plans = append(f.plans, p)
	}
	f.offs = make([]float64, len(f.plans))
	collect := func(m *frames.Message) { f.got = append(f.got, m) }
	f.pos = r.newChannel(0, collect)
	f.neg = r.newChannel(0, collect)
	f.pos.Annotate = f.annotate
	f.neg.Annotate = f.annotate
	return f
}

// run tries the symbol rates in turn (slowest first) until one yields a
// CRC-good frame. lead and tail are the noise margins in Fs1 samples.
func (f *fskDemod) run(y, pz []complex64, corr float64, lead, tail int, info burstInfo) {
	r := f.r
	f.failed = f.failed[:0]
	span := float64(len(y) - lead - tail) // active Fs1 samples
	covered := 0.0
	decoded := false
	// Order the rates: those whose demodulated burst head shows a sync word
	// first, then the rest (slowest first).
	f.order = f.order[:0]
	if len(f.plans) > 1 {
		f.headDisc(pz, (lead+r.pwDec-1)/r.pwDec, r.fs1/float64(r.pwDec))
		for i, p := range f.plans {
			ok, off := f.quickSync(p)
			f.offs[i] = off
			if ok {
				f.order = append(f.order, p)
			}
		}
	}
	nsync := len(f.order)
	for _, p := range f.plans {
		if !slices.Contains(f.order[:nsync], p) {
			f.order = append(f.order, p)
		}
	}
	for i, p := range f.order {
		if i == nsync && decoded {
			// A rate with a sync word decoded; the others showed none.
			break
		}
		r.stats.Attempts++
		c := corr
		if off := f.offs[slices.Index(f.plans, p)]; i < nsync && math.Abs(off-corr*r.fs1) < 3e3 {
			// The head's offset estimate (from the tuned centre) saves a
			// retuning pass; one far from the detector's is more likely
			// noise.
			c = off / r.fs1
		}
		fine := f.decode(p, y, pz, c, lead, tail) + (c-corr)*r.fs1
		if len(f.soft) == 0 {
			continue
		}
		f.got, f.mine = f.got[:0], f.mine[:0]
		// The messages made from these symbols are annotated as they are
		// decoded (f.annotate); a message of an earlier burst that waited
		// for its network to be learned may come out with them.
		f.cur = attempt{plan: p, base: f.written, freq: info.freq + fine, info: info}
		f.pos.WriteSoft(f.soft)
		f.inv = grow(f.inv, len(f.soft))
		for i, v := range f.soft {
			f.inv[i] = -v
		}
		f.neg.WriteSoft(f.inv)
		f.pos.Flush()
		f.neg.Flush()
		f.written += int64(len(f.soft))
		ok := false
		for _, m := range f.got {
			if !m.CRCOK {
				continue
			}
			if slices.Contains(f.mine, m) {
				ok = true
				// Air time of the frame: sync, bytes and trailer, 10 bits each.
				covered += (float64(10*(len(m.Raw)/2+1)) + 56) / p.baud * r.fs1
			}
			r.deliver(m, info.start)
		}
		if ok {
			f.lastBaud = p.baud
			decoded = true
			// Stop once the frames found fill the burst; a longer burst
			// may hold more transmissions, at other rates.
			if covered > 0.8*span {
				break
			}
			continue
		}
		if len(f.failed) == 0 {
			f.failed = append(f.failed, f.got...)
		}
	}
	if debugHook != nil {
		debugHook(fmt.Sprintf("width %.0f decoded %v baud %v", info.width, decoded, f.lastBaud))
	}
	if decoded {
		r.stats.Decoded++
		return
	}
	for _, m := range f.failed {
		r.deliver(m, info.start)
	}
}

// headDisc computes the FM discriminator of the burst's head (the first
// 160 symbols at 9600 baud) from the burst-power channel (±60 kHz at rate)
// into f.hd.
func (f *fskDemod) headDisc(y []complex64, lead int, rate float64) {
	f.hdRate = rate
	a := max(0, lead-int(0.0005*rate))
	e := min(len(y), lead+int(160*rate/9600))
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
	return hasSync(f.soft), float64(off) / float64(L) * f.hdRate / (2 * math.Pi)
}

// hasSync reports whether soft symbols hold a GridStream sync word (16
// preamble bits with at most 3 errors, then the version 4 or 5 framing
// bits) in either polarity.
func hasSync(soft []float32) bool {
	const pre = 0xAAAA
	var sr uint64
	for _, v := range soft {
		sr <<= 1
		if v > 0 {
			sr |= 1
		}
		for _, inv := range [2]uint64{0, ^uint64(0)} {
			w := sr ^ inv
			if w&(1<<20-1) == 0b0000000001_0111111111 && mathbits.OnesCount64((w>>20^pre)&0xFFFF) <= 3 {
				return true
			}
			if w&(1<<21-1) == 0b0000000001_11111111111 && mathbits.OnesCount64((w>>21^pre)&0xFFFF) <= 3 {
				return true
			}
		}
	}
	return false
}

// attempt is the demodulation whose symbols are being decoded.
type attempt struct {
	plan *baudPlan
	base int64   // symbols written to the channels before this attempt
	freq float64 // the burst's measured frequency (Hz from the centre)
	info burstInfo
}

// annotate sets the Radio fields and stream position of a message made
// from the current attempt's symbols.
func (f *fskDemod) annotate(m *frames.Message) {
	r := f.r
	f.mine = append(f.mine, m)
	p, freq, info := f.cur.plan, f.cur.freq, f.cur.info
	k := m.BitOffset - f.cur.base
	sample := info.start
	if k >= 0 && k < int64(len(f.when)) {
		// when is the end of the symbol's correlator window; take away a
		// symbol and both filters' group delays to get to its start.
		u := f.used
		t := (float64(f.when[k])-u.sps)*float64(u.d2*u.in*r.d1) -
			float64(len(u.dec.taps)-1)/2*float64(u.in*r.d1) - u.inDelay*float64(r.d1) - r.delay1
		sample += int64(t)
	}
	m.BitOffset = int64(math.Round(float64(sample) * p.baud / r.fs))
	fq := math.Round(freq + r.cfg.CenterFreq)
	rssi, snr := round1(info.rssi), round1(info.snr)
	m.Radio = &frames.Radio{FreqHz: &fq, Baud: int(p.baud), RSSIdB: &rssi, SNRdB: &snr}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// grow returns s resized to n, reusing its storage.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

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
	if debugHook != nil {
		debugHook(fmt.Sprintf("decode baud %.0f tuned %.0f fine %.0f dev %.0f n %d", p.baud, corr*f.r.fs1/float64(p.in), fineHz, dev*p.fs2/(2*math.Pi), n))
	}
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
	off, dev = (wp+wm)/2, (wp-wm)/2
	fineHz = off * p.fs2 / (2 * math.Pi)
	if debugHook != nil {
		debugHook(fmt.Sprintf("refined fine %.0f dev %.0f", fineHz, dev*p.fs2/(2*math.Pi)))
	}
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
	scale := float32(1 / (4 * dev * dev * float64(L*L) * 1e-3))
	_ = scale
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

// extremes reorders v (len(v) ≥ 2q) and returns its q lowest and q highest
// values, each in no particular order: two quickselects instead of a sort.
func extremes(v []float32, q int) (lowest, highest []float32) {
	selectNth(v, q-1)
	rest := v[q:]
	selectNth(rest, len(rest)-q)
	return v[:q], rest[len(rest)-q:]
}

// selectNth reorders v so that v[k] is the value sorting would put there,
// with no larger value before it and no smaller one after (quickselect,
// median-of-three pivots).
func selectNth(v []float32, k int) {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}

// twoMeans splits values into two clusters and returns their centres
// (lower first), refined as the medians-of-means of each side.
func twoMeans(v []float32) (float32, float32) {
	var mean float32
	for _, x := range v {
		mean += x
	}
	mean /= float32(len(v))
	var sd float32
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	sd = float32(math.Sqrt(float64(sd / float32(len(v)))))
	c0, c1 := mean-sd, mean+sd
	for range 10 {
		mid := (c0 + c1) / 2
		var s0, s1 float32
		var n0, n1 int
		for _, x := range v {
			if x < mid {
				s0 += x
				n0++
			} else {
				s1 += x
				n1++
			}
		}
		if n0 == 0 || n1 == 0 {
			break
		}
		n0c, n1c := s0/float32(n0), s1/float32(n1)
		if n0c == c0 && n1c == c1 {
			break // converged: further rounds change nothing
		}
		c0, c1 = n0c, n1c
	}
	return c0, c1
}

// fastAtan2 approximates atan2(y, x) within about 0.0015 rad.
func fastAtan2(y, x float32) float32 {
	ax, ay := x, y
	if ax < 0 {
		ax = -ax
	}
	if ay < 0 {
		ay = -ay
	}
	mx, mn := ax, ay
	if ay > ax {
		mx, mn = ay, ax
	}
	if mx == 0 {
		return 0
	}
	a := mn / mx
	s := a * a
	r := ((-0.0464964749*s+0.15931422)*s-0.327622764)*s*a + a
	if ay > ax {
		r = 1.57079637 - r
	}
	if x < 0 {
		r = 3.14159274 - r
	}
	if y < 0 {
		r = -r
	}
	return r
}

// ookDemod slices NGE101 OOK bursts: the burst's power envelope averaged to
// a level rate, a threshold between the off and on levels, and the level
// stream to the decode pipeline's differential-Manchester slicer.
type ookDemod struct {
	r    *Receiver
	dl   int
	rate float64
	ch   *pipeline.Channel
	lv   []byte
	pw   []float32
	got  []*frames.Message
}

func newOOKDemod(r *Receiver) *ookDemod {
	in := r.fs1 / float64(r.pwDec) // ook.run gets the burst-power channel
	o := &ookDemod{r: r, dl: max(1, int(math.Round(in/16e3)))}
	o.rate = in / float64(o.dl)
	o.ch = r.newChannel(o.rate, func(m *frames.Message) { o.got = append(o.got, m) })
	return o
}

func (o *ookDemod) flush() { o.ch.Flush() }

func (o *ookDemod) run(y []complex64, thr float64, info burstInfo) {
	n := len(y) / o.dl
	o.pw = grow(o.pw, n)
	for i := range n {
		var s float32
		for _, v := range y[i*o.dl : (i+1)*o.dl] {
			s += real(v)*real(v) + imag(v)*imag(v)
		}
		o.pw[i] = s / float32(o.dl)
	}
	// Threshold halfway (in dB) between the off and on levels.
	var lo, hi float64
	var nlo, nhi int
	for _, p := range o.pw {
		if float64(p) > thr {
			hi += math.Log(float64(p) + 1e-30)
			nhi++
		} else {
			lo += math.Log(float64(p) + 1e-30)
			nlo++
		}
	}
	if nhi == 0 {
		return
	}
	t := float32(thr)
	if nlo > 0 {
		t = float32(math.Exp((lo/float64(nlo) + hi/float64(nhi)) / 2))
	}
	gap := int(0.003 * o.rate)
	o.lv = grow(o.lv, n+2*gap)
	lv := o.lv
	clear(lv[:gap])
	for i, p := range o.pw {
		lv[gap+i] = 0
		if p > t {
			lv[gap+i] = 1
		}
	}
	clear(lv[gap+n:])
	o.got = o.got[:0]
	if debugHook != nil {
		edges := 0
		for i := 1; i < len(lv); i++ {
			if lv[i] != lv[i-1] {
				edges++
			}
		}
		debugHook(fmt.Sprintf("ook n %d thr %g edges %d onFrac %.2f", n, thr, edges, info.onFrac))
	}
	o.ch.WriteLevels(lv)
	for _, m := range o.got {
		fq := math.Round(info.freq + o.r.cfg.CenterFreq)
		rssi, snr := round1(info.rssi), round1(info.snr)
		m.Radio = &frames.Radio{FreqHz: &fq, RSSIdB: &rssi, SNRdB: &snr}
		o.r.deliver(m, info.start)
	}
}
