package fmdemod

import (
	"errors"
	"fmt"
	"math"
	mathbits "math/bits"
)

// Limits of Config.
const (
	// MinSamplesPerSymbol is the fewest samples per symbol a rate may have
	// (a tick and a mid-symbol sample must fall on different samples).
	MinSamplesPerSymbol = 2.5
	// MaxSamplesPerSymbol bounds the matched filter's length.
	MaxSamplesPerSymbol = 4096
)

// BitSink takes demodulated bits, one 0 or 1 per byte (pipeline.Channel's
// Bits).
type BitSink interface {
	Bits(p []byte)
}

// Config describes one channel's samples.
type Config struct {
	// SampleRate of the FM samples in samples per second (required).
	SampleRate float64
	// Bauds are the symbol rates searched (at least one): the rates of the
	// FSK protocols searched (protocol.Radio.Bauds).
	Bauds []float64
}

// Tuning of the loops (see the package documentation).
const (
	blockSize    = 4096 // samples per processing block
	histLen      = 32   // ticks kept per rate (a power of two)
	histMask     = histLen - 1
	outDelay     = 16 // ticks between a tick and its decision
	snapWin      = 8  // ticks in a preamble window (even)
	altMask      = 1<<(snapWin-2) - 1
	acqGain      = 0.5 // timing loop gain on the first alternating symbols
	acqTicks     = 6   // (this many)
	altGain      = 0.2 // on later alternating symbols
	trackGain    = 0.1 // on other transitions
	levelGain    = 1.0 / 32
	snapLow      = 0.5 // a preamble tick is within [snapLow, snapHigh] × the mean swing
	snapHigh     = 1.5
	snapMinSwing = 0.4 // while locked, a new preamble swings at least this × the lock's
	badLow       = 0.3 // a locked tick outside [badLow, badHigh] × the swing is bad
	badHigh      = 2.5
	badToDrop    = 5 // bad ticks among the last 8 that drop the lock
	sampleClip   = 1e9
	dcEvery      = 8    // Carrier's resolution in bits
	dcHistLen    = 1024 // and memory, in dcEvery bits
)

// rate is the demodulator of one symbol rate.
type rate struct {
	baud, sps, half float64
	l               int
	invL            float64

	// events
	next    float64 // the next tick's time, samples from the block's start
	midDone bool    // the mid-symbol sample before it is taken
	mid     float64

	// per tick
	k                     int64 // ticks so far
	v                     [histLen]float64
	thr                   [histLen]float64
	at                    [histLen]float64 // sample time of each tick
	last, lastMid         float64          // the previous tick and mid-symbol sample
	lastStep, lastMidStep float64          // and their steps
	altRun                int              // ticks in a row on alternating symbols
	sum                   float64          // sum of the last snapWin tick values
	alt                   uint32           // directions of the last ticks' steps (1: up)

	locked          bool
	dc, amp, hi, lo float64
	bad             uint8

	// output
	out   int64   // bits output
	outAt float64 // sample time of the last output tick
	bits  []byte
	inv   []byte
	sink  BitSink
	isink BitSink
	// dcs and ats hold the threshold (the carrier) and the tick's time of
	// every dcEvery-th output bit, for Carrier and SampleOf.
	dcs [dcHistLen]float32
	ats [dcHistLen]float64
}

// Demod is one channel's demodulator. It is not safe for concurrent use.
type Demod struct {
	fs    float64
	rates []*rate
	hist  int       // prefix sums kept before each block (the longest filter + 1)
	c     []float64 // prefix sums: hist old ones, then the block's
	n     int64     // samples consumed
	fill  int       // samples of the current block so far
}

// New returns a demodulator for cfg; sink(i, inverted) gives the BitSink of
// rate i (an index into Bauds) and polarity (inverted: a 1 is the lower
// tone).
func New(cfg Config, sink func(rate int, inverted bool) BitSink) (*Demod, error) {
	if !(cfg.SampleRate > 0) || math.IsInf(cfg.SampleRate, 0) {
		return nil, fmt.Errorf("fmdemod: sample rate %v", cfg.SampleRate)
	}
	bauds := cfg.Bauds
	if len(bauds) == 0 {
		return nil, errors.New("fmdemod: no symbol rate to search")
	}
	d := &Demod{fs: cfg.SampleRate}
	for i, b := range bauds {
		sps := cfg.SampleRate / b
		if !(sps >= MinSamplesPerSymbol) || sps > MaxSamplesPerSymbol {
			return nil, fmt.Errorf("fmdemod: %g baud at %g samples/s is %.3g samples per symbol; want %g to %d",
				b, cfg.SampleRate, sps, MinSamplesPerSymbol, MaxSamplesPerSymbol)
		}
		l := max(1, int(math.Round(sps)))
		nb := int(blockSize/sps) + outDelay + 2
		r := &rate{baud: b, sps: sps, half: sps / 2, l: l, invL: 1 / float64(l), next: sps,
			bits: make([]byte, 0, nb), inv: make([]byte, 0, nb),
			sink: sink(i, false), isink: sink(i, true)}
		d.rates = append(d.rates, r)
		d.hist = max(d.hist, l+1)
	}
	d.c = make([]float64, d.hist, d.hist+blockSize)
	return d, nil
}

// Bauds returns the symbol rates, in Config order.
func (d *Demod) Bauds() []float64 {
	out := make([]float64, len(d.rates))
	for i, r := range d.rates {
		out[i] = r.baud
	}
	return out
}

// Samples returns how many samples were fed.
func (d *Demod) Samples() int64 { return d.n }

// Feed demodulates FM samples. Non-finite samples count as 0 and
// magnitudes are clipped at 1e9.
func (d *Demod) Feed(x []float32) {
	for len(x) > 0 {
		n := min(len(x), blockSize-d.fill)
		d.block(x[:n])
		x = x[n:]
		for _, r := range d.rates {
			r.flushBits()
		}
	}
}

// block appends samples to the current block. Blocks start at multiples of
// blockSize samples whatever the Feed sizes, so the arithmetic, and so the
// bits, do not depend on how the stream was cut.
func (d *Demod) block(x []float32) {
	h := d.hist
	c := d.c[:h+d.fill+len(x)]
	s := c[h+d.fill-1]
	for i, v := range x {
		f := float64(v)
		if !(f >= -sampleClip && f <= sampleClip) {
			if f > sampleClip {
				f = sampleClip
			} else if f < -sampleClip {
				f = -sampleClip
			} else {
				f = 0 // NaN
			}
		}
		s += f
		c[h+d.fill+i] = s
	}
	d.fill += len(x)
	for _, r := range d.rates {
		r.run(c, h, d.n-int64(d.fill-len(x)))
	}
	d.n += int64(len(x))
	if d.fill < blockSize {
		return
	}
	// Keep the last hist sums, rebased to 0, for the next block.
	base := c[len(c)-1]
	copy(d.c[:h], c[len(c)-h:])
	for i := range d.c[:h] {
		d.c[i] -= base
	}
	d.fill = 0
	for _, r := range d.rates {
		r.next -= blockSize
	}
}

// Flush decides the ticks still held back and hands their bits out (the end
// of the stream).
func (d *Demod) Flush() {
	for _, r := range d.rates {
		if !r.locked {
			for j := max(r.k-snapWin/2, r.out); j < r.k; j++ {
				r.thr[j&histMask] = r.sum / snapWin
			}
		}
		for r.out < r.k {
			r.emit()
		}
		r.flushBits()
	}
}

// Carrier returns the carrier offset (the FM samples' DC, in the input's
// units) that rate i's decisions used around output bit bit, and whether
// that bit is recent enough to know (within about 8000 bits: call it as
// the frame that starts there is handed out).
func (d *Demod) Carrier(i int, bit int64) (float64, bool) {
	r := d.rates[i]
	if bit < 0 || bit >= r.out || r.out-bit > (dcHistLen-2)*dcEvery {
		return 0, false
	}
	return float64(r.dcs[(bit/dcEvery)%dcHistLen]), true
}

// SampleOf returns the (fractional) sample index where rate i's output bit
// bit began (a tick ends its symbol), for bits as recent as Carrier's.
func (d *Demod) SampleOf(i int, bit int64) float64 {
	r := d.rates[i]
	if bit < 0 || bit >= r.out || r.out-bit > (dcHistLen-2)*dcEvery {
		return r.outAt - float64(r.out-bit)*r.sps
	}
	return r.ats[(bit/dcEvery)%dcHistLen] + float64(bit%dcEvery-1)*r.sps
}

// run handles the events up to the last sample in c, which holds h old
// prefix sums, then the current block's so far; base is the sample index
// of the block's first sample. Only the events (a
// mid-symbol sample and a tick per symbol) cost anything here: each reads
// the matched filter's output at the two samples around it from the prefix
// sums and interpolates.
func (r *rate) run(c []float64, h int, base int64) {
	n := len(c) - h
	last := float64(n - 1)
	l, invL := r.l, r.invL
	for {
		te := r.next
		if !r.midDone {
			te -= r.half
		}
		if te > last {
			break
		}
		j := int(te)
		if float64(j) < te {
			j++ // te ≥ -1: j = ceil(te) ≥ 0
		}
		f := float64(j) - te
		y1 := c[h+j] - c[h+j-l]
		y0 := c[h+j-1] - c[h+j-1-l]
		v := (y1 - f*(y1-y0)) * invL
		if !r.midDone {
			r.mid, r.midDone = v, true
			continue
		}
		d := r.sps - r.tick(v, float64(base)+te) // within sps/2 of sps
		if d < r.half+0.5 {
			d = r.half + 0.5 // the mid sample must come after this tick
		}
		r.next += d
		r.midDone = false
	}
}

// tick handles one symbol-time sample v taken at sample time t and returns
// the timing correction in samples (positive: the next tick comes earlier).
func (r *rate) tick(v, t float64) float64 {
	step := v - r.last
	midStep := r.mid - r.lastMid
	midErr := r.mid - 0.5*(v+r.last)
	prevStep, prevMidStep := r.lastStep, r.lastMidStep
	r.last, r.lastMid, r.lastStep, r.lastMidStep = v, r.mid, step, midStep
	i := int(r.k & histMask)
	r.sum += v - r.v[(r.k-snapWin)&histMask]
	r.v[i], r.at[i] = v, t
	r.k++
	r.alt = r.alt<<1 | uint32(^math.Float64bits(step)>>63) // 1: up
	as, ams := math.Abs(step), math.Abs(midStep)

	// Timing. On alternating symbols (a preamble) the ticks swing by
	// 2d(1-2|τ|) and the mid-symbol samples by 4d|τ| (τ: timing error in
	// symbols, d: deviation), so their ratio gives |τ| at any phase, half a
	// symbol off included; the mid sample's side gives the sign. Elsewhere
	// a transition's mid sample, against its two ticks, gives τ.
	var tau float64
	aps := math.Abs(prevStep)
	ticksAlt := step*prevStep < 0 && as < 2*aps && aps < 2*as
	// Half a symbol off, the ticks barely move and the mid samples swing.
	midsAlt := midStep*prevMidStep < 0 && ams > 2*max(as, aps) && math.Abs(prevMidStep) > ams/2
	switch {
	case ticksAlt || midsAlt:
		r.altRun++
		g := trackGain
		if !r.locked {
			g = acqGain
			if r.altRun > acqTicks {
				g = altGain
			}
		}
		tau = g * ams / (2 * (as + ams))
		if midErr*step < 0 {
			tau = -tau
		}
	case r.locked && as > r.amp:
		r.altRun = 0
		tau = trackGain * midErr / step
	default:
		r.altRun = 0
	}

	// Threshold.
	if r.locked {
		x := math.Abs(v - r.dc)
		r.bad <<= 1
		if x < badLow*r.amp || x > badHigh*r.amp {
			r.bad |= 1
		}
		if mathbits.OnesCount8(r.bad) >= badToDrop {
			r.locked = false
		} else {
			if v > r.dc {
				r.hi += (v - r.hi) * levelGain
			} else {
				r.lo += (v - r.lo) * levelGain
			}
			r.dc, r.amp = (r.hi+r.lo)/2, (r.hi-r.lo)/2
			r.thr[i] = r.dc
		}
	}
	if !r.locked {
		// The mean of the snapWin ticks around tick k-snapWin/2 (Flush
		// settles the last ones).
		r.thr[(r.k-snapWin/2-1)&histMask] = r.sum / snapWin
	}
	if (r.alt^r.alt>>1)&altMask == altMask && r.k >= snapWin {
		r.trySnap()
	}
	for r.k-r.out > outDelay {
		r.emit()
	}
	if tau > 0.5 {
		tau = 0.5
	} else if tau < -0.5 {
		tau = -0.5
	}
	return tau * r.sps
}

// trySnap locks the threshold when the last snapWin ticks alternate around
// their mean with a steady swing (a preamble, or alternating data).
func (r *rate) trySnap() {
	m := r.sum / snapWin
	var a float64
	for j := int64(1); j <= snapWin; j++ {
		a += math.Abs(r.v[(r.k-j)&histMask] - m)
	}
	a /= snapWin
	// FM swings do not depend on the signal's power, and every
	// transmitter's deviation is alike: while locked, a tiny swing is noise
	// on a run of equal symbols, not a preamble.
	if !(a > 0) || r.locked && a < snapMinSwing*r.amp {
		return
	}
	up := r.v[(r.k-1)&histMask] > m
	for j := int64(1); j <= snapWin; j++ {
		x := r.v[(r.k-j)&histMask] - m
		if (x > 0) != up || math.Abs(x) < snapLow*a || math.Abs(x) > snapHigh*a {
			return
		}
		up = !up
	}
	r.locked = true
	r.dc, r.amp, r.hi, r.lo, r.bad = m, a, m+a, m-a, 0
	for j := r.out; j < r.k; j++ {
		r.thr[j&histMask] = m
	}
}

// emit decides the oldest held-back tick.
func (r *rate) emit() {
	i := r.out & histMask
	// 1 when the tick is over the threshold: the sign of thr-v, without a
	// branch that noise would make unpredictable.
	b := byte(math.Float64bits(r.thr[i]-r.v[i]) >> 63)
	r.bits = append(r.bits, b)
	r.inv = append(r.inv, b^1)
	r.outAt = r.at[i]
	if r.out&(dcEvery-1) == 0 {
		k := (r.out / dcEvery) & (dcHistLen - 1)
		r.dcs[k] = float32(r.thr[i])
		r.ats[k] = r.at[i]
	}
	r.out++
}

func (r *rate) flushBits() {
	if len(r.bits) == 0 {
		return
	}
	r.sink.Bits(r.bits)
	r.isink.Bits(r.inv)
	r.bits, r.inv = r.bits[:0], r.inv[:0]
}
