package demod

import (
	"math"
	"slices"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// baudPlan holds the second stage for one symbol rate.
type baudPlan struct {
	// in is 1 when the plan starts from the first stage's output, else the
	// power channel's decimation (it starts from that channel, ±50 kHz at
	// half the rate, which is enough for the slower rates); inDelay is that
	// channel's group delay in first-stage samples.
	in      int
	inDelay float64
	// alt is the same plan from the first stage's output, used when the
	// burst is far from the centre the power channel was tuned to.
	alt *baudPlan
	// wide is the same rate from the first stage with a channel filter
	// wide enough for a modulation index of maxModIndex (tuned between
	// the burst's two lobes).
	wide *baudPlan
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
	order    []*baudPlan
	used     *baudPlan // the plan (or its alt) the last decode ran
	hd       []float32
	hdRate   float64
	slowest  float64 // the FSK protocols' slowest symbol rate
	offs     []float64
	cur      attempt
	devHz    float64           // the deviation the last decode measured
	mine     []*frames.Message // messages made from the current attempt's symbols
	failed   []*frames.Message
	mid, dev float64                         // the tones' midpoint and half their distance in the last decode (radians per Fs2 sample)
	tap      func(soft []float32, disc bool) // sees every attempt's soft symbols (tests)
	disc     bool                            // f.soft holds discSymbols' symbols

	z       []complex64
	d, m    []float32
	s       []float32
	pp, pm  []complex64
	cp, cm  []complex64
	soft    []float32
	inv     []float32
	isi     []float32    // scratch of cancelISI
	fwd     []float32    // feedbackTones' forward soft symbols
	nc      []float32    // and the noncoherent ones it started from
	dde     []complex128 // feedbackDifferential's windows at the symbols' ends
	ddd     []uint8      // and its decisions
	when    []float32    // Fs2 position of each soft symbol
	vals    []float32
	sorted  []float32
	scratch []float32 // estimateTones' selects
	tblk    []complex128
	taus    []float64 // per timing block: where its symbols end (Fs2 samples mod sps)
	won     []int8    // per correlator window: which tone clearly won (±1) or 0

	// symmetricTones' spectrum
	tfft *fft
	twin []float32
	tbuf []complex64
	tpsd []float64
	// wideDev is the deviation (Hz) symmetricTones found for the wide
	// attempt being decoded, 0 when none: its centre is known, the
	// discriminator's estimate is not used.
	wideDev float64
	fitted  map[[2]int]*baudPlan // fittedPlan's, by rate and deviation (kHz)

	// the symbol-rate lines of quickSync (per moving-sum length and rate)
	// and blockLines (per rate)
	lines    []*symbolLine
	blkLines []*blockLine
	heads    [][]float32     // orderRates' moving sums of the head, per plan
	synced   []bool          // per plan: quickSync found a sync word in the head
	qs       []quickSyncHead // quickSyncs' state per plan
	qsNext   int             // the first plan whose head quickSyncs has not sliced yet
	nsync    int             // how many rates at the start of order showed a sync word
}

// newBaudPlan designs the second stage for one rate from input rate fsIn,
// for a signal of peak deviation dev (Hz) tuned within a few kHz.
func newBaudPlan(fsIn, baud, dev float64) *baudPlan {
	// Channel filter: the deviation plus most of the symbol rate and a few
	// kHz of tuning error.
	return newBaudPlanPass(fsIn, baud, dev+0.4*baud+3e3)
}

// maxModIndex is the widest FSK modulation index the receiver is built
// for: twice the deviation over the symbol rate.
const maxModIndex = 3

// newWidePlan designs the second stage for one rate from input rate fsIn
// for a signal of modulation index up to maxModIndex, tuned within 5 kHz.
func newWidePlan(fsIn, baud float64) *baudPlan {
	return newBaudPlan(fsIn, baud, maxModIndex*baud/2+5e3)
}

// newBaudPlanPass designs the second stage for one rate from input rate
// fsIn with a channel filter passing ±pass Hz (at most what its rate
// after decimation to about 6 samples per symbol, or more, holds).
func newBaudPlanPass(fsIn, baud, pass float64) *baudPlan {
	d2 := max(1, int(fsIn/max(6*baud, 2.2*pass)))
	fs2 := fsIn / float64(d2)
	pass = min(pass, 0.45*fs2)
	// The correlators do the fine selection; this filter only has to
	// stop aliasing and keep neighbouring channels out of the estimates.
	stop := min(fs2-pass, pass+20e3)
	stop = max(stop, pass+2e3)
	taps := kaiserLowpass(fsIn, pass, stop, 45)
	return &baudPlan{in: 1, baud: baud, d2: d2, fs2: fs2, sps: fs2 / baud,
		L: max(2, int(math.Round(fs2/baud))), dec: newMixDecim(taps, d2)}
}

// ratePlan designs the second stage for a symbol rate of r's: from the
// power channel when that leaves 6 samples per symbol, else from the first
// stage.
func (r *Receiver) ratePlan(baud float64) *baudPlan {
	dev := r.fskRadio.deviation(baud)
	wide := newWidePlan(r.fs1, baud)
	if r.power.dec == 1 || r.fs1/float64(r.power.dec)/baud < 6 {
		p := newBaudPlan(r.fs1, baud, dev)
		p.wide = wide
		return p
	}
	p := newBaudPlan(r.fs1/float64(r.power.dec), baud, dev)
	p.in = r.power.dec
	p.inDelay = float64(len(r.power.filt.taps)-1) / 2
	p.alt = newBaudPlan(r.fs1, baud, dev)
	p.wide = wide
	return p
}

// newFSKDemod returns the FSK demodulator of r's bursts.
func newFSKDemod(r *Receiver) *fskDemod {
	f := &fskDemod{r: r} // without FSK protocols it is never run
	if len(r.fskRadio.bauds) > 0 {
		f.slowest = float64(slices.Min(r.fskRadio.bauds))
	}
	for _, b := range r.cfg.Bauds {
		f.plans = append(f.plans, r.ratePlan(float64(b)))
	}
	f.offs = make([]float64, len(f.plans))
	collect := func(m *frames.Message) { f.got = append(f.got, m) }
	f.pos = r.newChannel(0, collect)
	f.neg = r.newChannel(0, collect)
	// A 1 is the upper tone in the pos channel, the lower in the neg one.
	f.pos.Annotate = func(m *frames.Message) { f.annotate(m, 1) }
	f.neg.Annotate = func(m *frames.Message) { f.annotate(m, -1) }
	return f
}

// run tries the symbol rates in turn (those whose head shows a sync word
// first) until the CRC-good frames fill the transmission.
func (f *fskDemod) run(t *transmission) {
	r := f.r
	f.failed = f.failed[:0]
	f.orderRates(t.pz, t.lead)
	t.span, t.covered = float64(len(t.y)-t.lead-t.tail), 0
	decoded := f.tryRates(t, false)
	if !decoded && !math.IsNaN(t.wideCorr) {
		// Nothing in the rates' channels, and the detector saw another
		// lobe: a burst wider than they are (a high modulation index),
		// centred on all its lobes.
		decoded = f.tryRates(t, true)
	}
	if decoded {
		r.stats.Decoded++
		return
	}
	for _, m := range f.failed {
		r.deliver(m, t.info.start)
	}
}

// transmission is what fskDemod.run demodulates: the burst's first-stage
// samples y (and pz on the power channel), its tuning corr (cycles per Fs1
// sample) and, when the detector saw a second lobe, the tuning to the
// centre of its lobes (else NaN), its noise margins lead and tail (Fs1 samples), its
// measurement, its active span (Fs1 samples) and how much of it the frames
// found so far cover.
type transmission struct {
	y, pz          []complex64
	corr, wideCorr float64
	lead, tail     int
	info           burstInfo
	span, covered  float64
}

// tryRates demodulates t at the rates of f.order (with their wide plans,
// all alike, when wide is set; else those before f.nsync having shown a
// sync word in the head first), until the CRC-good frames fill it; it
// reports whether any was found. The order is completed
// (completeOrder) before a second rate, or any wide one, is tried.
func (f *fskDemod) tryRates(t *transmission, wide bool) bool {
	r := f.r
	decoded := false
	nsync := f.nsync
	for i := 0; ; i++ {
		if i > 0 || wide {
			nsync = f.completeOrder()
		}
		if wide {
			nsync = 0
		}
		if i >= len(f.order) {
			break
		}
		p := f.order[i]
		if i == nsync && decoded {
			// A rate with a sync word decoded; the others showed none.
			break
		}
		r.stats.Attempts++
		c := t.wideCorr
		f.wideDev = 0
		if wide {
			p = p.wide
			// The tones from the active span's spectrum, within 30 kHz
			// of the burst's own peaks.
			y := t.y[min(len(t.y), t.lead):max(t.lead, len(t.y)-t.tail)]
			if tc, td, ok := f.symmetricTones(y, r.fs1, t.corr*r.fs1, 30e3, p.baud); ok {
				c, f.wideDev = tc/r.fs1, td
				p = f.fittedPlan(r.fs1, p.baud, td)
			}
		} else {
			c = f.tuning(p, i < nsync, t.corr)
		}
		fine := f.decode(p, t.y, t.pz, c, t.lead, t.tail) + (c-t.corr)*r.fs1
		if len(f.soft) == 0 {
			continue
		}
		if f.tryDetectors(p, t, fine) {
			decoded = true
			// Stop once the frames found fill the burst; a longer burst
			// may hold more transmissions, at other rates.
			if t.covered > 0.8*t.span {
				break
			}
		}
	}
	return decoded
}

// tryDetectors decodes the tone correlators' soft symbols of the last
// decode, then, when no CRC-good frame came from them, the same
// correlators read with a phase reference (feedbackTones), then the
// discriminator's; it reports whether one did.
func (f *fskDemod) tryDetectors(p *baudPlan, t *transmission, fine float64) bool {
	for try := range 2 {
		f.disc = try > 0
		f.writeSymbols(p, t.info, fine)
		var ok bool
		ok, t.covered = f.deliverGood(p, t.info.start, t.covered)
		if ok {
			return true
		}
		if len(f.failed) == 0 {
			f.failed = append(f.failed, f.got...)
		}
		if try == 0 && f.feedbackTones() {
			f.writeSymbols(p, t.info, fine)
			ok, t.covered = f.deliverGood(p, t.info.start, t.covered)
			if ok {
				return true
			}
		}
		f.discSymbols(f.used)
		if len(f.soft) == 0 {
			break
		}
	}
	return false
}

// tuning returns the tuning (cycles per Fs1 sample) to demodulate plan p
// at: the head's offset estimate (from the tuned centre) when p showed a
// sync word there, which saves a retuning pass, unless it is far from the
// detector's corr (then it is more likely noise).
func (f *fskDemod) tuning(p *baudPlan, synced bool, corr float64) float64 {
	r := f.r
	if off := f.offs[slices.Index(f.plans, p)]; synced && math.Abs(off-corr*r.fs1) < 3e3 {
		return off / r.fs1
	}
	return corr
}

// writeSymbols decodes f.soft in both polarities. The messages made from
// them are annotated as they are decoded (f.annotate) and collected in
// f.got, where a message of an earlier burst that waited for its network
// to be learned may come out with them.
func (f *fskDemod) writeSymbols(p *baudPlan, info burstInfo, fine float64) {
	f.r.enterTurn()
	f.got, f.mine = f.got[:0], f.mine[:0]
	f.cur = attempt{plan: p, base: f.written, freq: info.freq + fine, dev: f.devHz, info: info}
	if f.tap != nil {
		f.tap(f.soft, f.disc)
	}
	f.pos.Soft(f.soft)
	f.inv = grow(f.inv, len(f.soft))
	for i, v := range f.soft {
		f.inv[i] = -v
	}
	f.neg.Soft(f.inv)
	f.pos.Flush()
	f.neg.Flush()
	f.written += int64(len(f.soft))
}

// deliverGood delivers the CRC-good messages of f.got. It reports whether
// one was made from this attempt's symbols, and adds the air time of those
// (in Fs1 samples) to covered.
func (f *fskDemod) deliverGood(p *baudPlan, start int64, covered float64) (bool, float64) {
	r := f.r
	ok := false
	for _, m := range f.got {
		if !m.CRCOK {
			continue
		}
		if slices.Contains(f.mine, m) {
			ok = true
			covered += float64(r.fskRadio.airSymbols(len(m.Raw)/2)) / p.baud * r.fs1
		}
		r.deliver(m, start)
	}
	return ok, covered
}

// attempt is the demodulation whose symbols are being decoded.
type attempt struct {
	plan *baudPlan
	base int64   // symbols written to the channels before this attempt
	freq float64 // the burst's measured frequency (Hz from the centre)
	dev  float64 // its measured deviation (Hz)
	info burstInfo
}

// annotate sets the Radio fields and stream position of a message made
// from the current attempt's symbols, in the channel whose 1 is the upper
// tone (sign 1) or the lower one (-1).
func (f *fskDemod) annotate(m *frames.Message, sign float64) {
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
	m.Radio = r.radio(freq, int(p.baud), info)
	dev := math.Round(sign * f.cur.dev)
	m.Radio.DeviationHz = &dev
}

// fittedPlan returns the second stage for a wide burst of symbol rate baud
// from input rate fsIn whose tones lie ±dev Hz from its centre: a channel
// filter that passes its tones with their shaping (±dev + 0.3 symbol
// rates) and stops 8 kHz further out, where a neighbour one channel away
// has its near tone (a one-symbol correlator barely tells a tone 20 kHz
// off from its own at 38.4 kBd). The plans are kept, per rate and
// deviation rounded to 1 kHz.
func (f *fskDemod) fittedPlan(fsIn, baud, dev float64) *baudPlan {
	key := [2]int{int(baud), int(math.Round(dev / 1e3))}
	if p, ok := f.fitted[key]; ok {
		return p
	}
	pass := float64(key[1])*1e3 + 0.3*baud
	d2 := max(1, int(fsIn/max(6*baud, 2.2*pass)))
	fs2 := fsIn / float64(d2)
	pass = min(pass, 0.45*fs2)
	taps := kaiserLowpass(fsIn, pass, min(pass+8e3, fs2-pass), 45)
	p := &baudPlan{in: 1, baud: baud, d2: d2, fs2: fs2, sps: fs2 / baud,
		L: max(2, int(math.Round(fs2/baud))), dec: newMixDecim(taps, d2)}
	if f.fitted == nil {
		f.fitted = map[[2]int]*baudPlan{}
	}
	f.fitted[key] = p
	return p
}
