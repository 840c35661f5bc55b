package demod

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// ookDemod slices OOK bursts (NGE101): the burst's envelope at a level
// rate of about 16 kS/s, a threshold between the off and on levels of each
// transmission, and the level stream to the decode pipeline, whose slicer
// follows the protocols' line coding.
type ookDemod struct {
	r    *Receiver
	dl   int
	rate float64
	ch   *pipeline.Channel
	lv   []byte
	pw   []float32
	got  []*frames.Message
	// pad is the silence before a burst's envelope in its levels; off the
	// envelope's noise power; txs the burst's transmissions.
	pad int
	off float64
	txs []ookTx
	// sorted is scratch for the envelope's quartile and medians.
	sorted []float32
	// The carrier's periodogram: its FFT, window, segment and sum.
	fft  *fft
	win  []float32
	seg  []complex64
	spec []float32
}

// keepAlive resets the misses of the bursts whose channel carried energy
// since the last detector frame. The detector looks at a short frame once a
// hop (about a fifth of the time); an OOK packet, off up to half the time,
// can be off in ten or more of them in a row, and its burst would end in
// the middle of the packet. A burst's channel is continuous: blocks of
// about 0.1 ms of it (a boxcar: ±5 kHz of the burst's frequency, a
// neighbour 100 kHz away is stopped) over ten times their noise power are
// energy.
func (o *ookDemod) keepAlive(bursts []*burst) {
	r := o.r
	if !r.searchOOK {
		return
	}
	blk := max(1, int(math.Round(r.fs1*1e-4)))
	// White noise of power N per input sample is N·gain1 per first-stage
	// sample, and N·gain1/blk in the mean of blk of them.
	thr := 10 * r.det.noisePower() * r.gain1 / float64(blk)
	n := r.hop / r.d1
	for _, b := range bursts {
		if b.misses == 0 || thr == 0 {
			continue
		}
		y := b.y[max(0, len(b.y)-n):]
		for i := 0; i+blk <= len(y); i += blk {
			var s complex64
			for _, v := range y[i : i+blk] {
				s += v
			}
			m := s / complex(float32(blk), 0)
			if float64(real(m)*real(m)+imag(m)*imag(m)) > thr {
				b.misses = 0
				break
			}
		}
	}
}

// ookTx is one transmission in a burst's envelope: samples a..last, and
// the median power of its on samples.
type ookTx struct {
	a, last int
	on      float64
}

// newOOKDemod returns the OOK demodulator of r's bursts.
func newOOKDemod(r *Receiver) *ookDemod {
	in := r.fs1 / float64(r.power.dec) // ook.run gets the power channel
	o := &ookDemod{r: r, dl: max(1, int(math.Round(in/16e3)))}
	o.rate = in / float64(o.dl)
	// Bins of about 1 kHz.
	nf := 16
	for float64(nf) < in/1e3 {
		nf <<= 1
	}
	o.fft, o.win, o.seg, o.spec = newFFT(nf), make([]float32, nf), make([]complex64, nf), make([]float32, nf)
	for i := range o.win {
		o.win[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(nf)))
	}
	o.ch = r.newChannel(o.rate, func(m *frames.Message) { o.got = append(o.got, m) })
	return o
}

func (o *ookDemod) flush() { o.ch.Flush() }

// run slices a burst from the power channel and delivers the packets found
// in it; tuned is the frequency y was mixed from (Hz). A burst may hold other devices' transmissions besides a packet
// (a sensor sending in the gaps between packets on the same carrier): each
// packet is placed and measured by its own transmission.
func (o *ookDemod) run(y []complex64, info burstInfo, tuned float64) {
	o.envelope(y)
	lv, ok := o.levels()
	if !ok {
		return
	}
	o.r.enterTurn()
	o.got = o.got[:0]
	// Rows start at positions counted over every burst's levels (the
	// channel may be shared with other workers' demodulators, in turn).
	base := o.ch.Stats().Levels
	o.ch.Levels(lv)
	for _, m := range o.got {
		k := int(m.BitOffset-base) - o.pad // the envelope sample of its first edge
		pos := o.inputPos(k, info.start)
		pi := o.packetInfo(y, k, info, tuned)
		m.BitOffset = o.bitOffset(m.Protocol, pos)
		m.Radio = o.r.radio(pi.freq, 0, pi)
		o.r.deliver(m, pos)
	}
}

// inputPos returns the input sample where envelope sample k begins, for a
// burst whose power channel starts at input sample start: the first-stage
// and power-channel filters' group delays taken away.
func (o *ookDemod) inputPos(k int, start int64) int64 {
	r := o.r
	first := float64(k*o.dl*r.power.dec) - float64(len(r.power.filt.taps)-1)/2
	return start + int64(math.Round(first*float64(r.d1)-r.delay1))
}

// packetInfo returns info measured on the transmission that holds envelope
// sample k (the packet's first edge) alone: its power over the envelope's
// noise, and its carrier, from its own periodogram of y (mixed from tuned
// Hz). The burst's own measure mixes in whatever else it holds.
func (o *ookDemod) packetInfo(y []complex64, k int, info burstInfo, tuned float64) burstInfo {
	for _, tx := range o.txs {
		if k < tx.a || k > tx.last {
			continue
		}
		rssi := 10 * math.Log10(max(tx.on-o.off, 1e-20))
		if info.snr != 0 { // the band's noise is known
			info.snr += rssi - info.rssi
		}
		info.rssi = rssi
		info.freq = tuned + o.carrier(y[tx.a*o.dl:(tx.last+1)*o.dl])*o.rate*float64(o.dl)
		break
	}
	return info
}

// bitOffset returns input sample pos counted in bits of the OOK protocol
// named name, from the start of the input (0 when no decoder has that name).
func (o *ookDemod) bitOffset(name string, pos int64) int64 {
	for _, d := range o.r.ookDecs {
		if p := d.Protocol(); p.Name() == name && p.Radio().OOK != nil {
			return int64(math.Round(float64(pos) / o.r.fs / (2 * p.Radio().OOK.HalfCell)))
		}
	}
	return 0
}

// reach is how far (Hz) from a burst's tuning run measures a packet's
// carrier: carrier's range on the power channel, and a bin.
func (o *ookDemod) reach() float64 {
	return (0.36 + 1/float64(o.fft.n)) * o.rate * float64(o.dl)
}

// envelope writes the envelope of y to o.pw: the power of its mean over
// blocks of dl samples, after turning the carrier to 0 Hz. The mean is a
// narrow filter (about ±0.4 of the level rate): noise and a neighbour's
// keying clicks that the ±50 kHz power channel passes are cut, and a carrier
// averaged where it is on keeps its whole power.
func (o *ookDemod) envelope(y []complex64) {
	step := -2 * math.Pi * o.carrier(y)
	n := len(y) / o.dl
	o.pw = grow(o.pw, n)
	// The rotation advances by one phasor per sample; it is renewed from
	// sin/cos every block so rounding does not build up.
	ds, dc := math.Sincos(step)
	d := complex(float32(dc), float32(ds))
	for i := range n {
		sn, cs := math.Sincos(step * float64(i*o.dl))
		rot := complex(float32(cs), float32(sn))
		var s complex64
		for _, v := range y[i*o.dl : (i+1)*o.dl] {
			s += v * rot
			rot *= d
		}
		s /= complex(float32(o.dl), 0)
		o.pw[i] = real(s)*real(s) + imag(s)*imag(s)
	}
}

// carrier returns the carrier's offset in y in cycles per sample: the peak
// of y's periodogram (Hann-windowed, averaged over the burst, ~1 kHz bins)
// within ±0.36 of the rate (±45 kHz on the power channel), interpolated
// between bins. The burst search tunes a burst to its carrier only within a
// few kHz (further when another device's keying clicks pull its estimate),
// and the envelope keeps only ±7 kHz; the clicks are spread over the band,
// an OOK carrier is a line.
func (o *ookDemod) carrier(y []complex64) float64 {
	n := o.fft.n
	clear(o.spec)
	// Whole segments; a burst shorter than one is zero-padded.
	for a := 0; a == 0 || a+n <= len(y); a += n {
		clear(o.seg)
		for i, v := range y[a:min(len(y), a+n)] {
			o.seg[i] = v * complex(o.win[i], 0)
		}
		o.fft.transform(o.seg)
		for k, v := range o.seg {
			o.spec[k] += real(v)*real(v) + imag(v)*imag(v)
		}
	}
	lim := int(0.36 * float64(n))
	best, bk := float32(-1), 0
	for k := -lim; k <= lim; k++ {
		if p := o.spec[k&(n-1)]; p > best {
			best, bk = p, k
		}
	}
	if best <= 0 {
		return 0
	}
	// A parabola through the peak and its neighbours.
	l, c, r := float64(o.spec[(bk-1)&(n-1)]), float64(best), float64(o.spec[(bk+1)&(n-1)])
	frac := 0.0
	if den := l - 2*c + r; den < 0 {
		frac = max(-0.5, min(0.5, 0.5*(l-r)/den))
	}
	return (float64(bk) + frac) / float64(n)
}

// levels slices the envelope into on/off levels, with a silence half as
// long again as the one that ends a packet before and after. The
// envelope's noise power is exponentially distributed (the coherent mean of
// complex noise), so its mean is its lower quartile over ln(4/3): OOK is
// off at least half the time, and the burst has silent margins. Two
// samples in a row over five times that mean are on: noise does that once
// in e¹⁰ (2·10⁴) sample pairs, so it hardly ever joins a packet to a
// device beside it, while a packet at the limit of sensitivity (its on
// level ~10 dB over the noise) stays one transmission; the burst's own
// threshold, from its strongest block, would hide a weak packet beside a
// strong device. Each transmission (on samples no further apart than the
// gap that ends a packet) gets its own threshold, midway in amplitude
// between the noise and its own median on level: a stronger device's
// transmissions in the gaps between packets leave a packet's threshold
// alone. ok is false when nothing is on.
func (o *ookDemod) levels() (lv []byte, ok bool) {
	n := len(o.pw)
	gap := int(1.5 * o.r.ookRadio.packetGap * o.rate)
	o.pad = gap
	o.txs = o.txs[:0]
	o.lv = grow(o.lv, n+2*gap)
	lv = o.lv
	clear(lv)
	if n < 4 {
		return lv, false
	}
	o.sorted = append(o.sorted[:0], o.pw...)
	selectNth(o.sorted, n/4)
	off := float64(o.sorted[n/4]) / math.Log(4.0/3)
	o.off = off
	t := float32(5 * off)
	apart := int(o.r.ookRadio.packetGap * o.rate)
	for a := 0; a < n; {
		if !o.held(a, t) {
			a++
			continue
		}
		// One transmission: a..last, and the median power of its on
		// samples (a strong neighbour's keying clicks, leaking through the
		// filters as lone samples, do not move it).
		e, last := a, a
		o.sorted = o.sorted[:0]
		for ; e < n && e-last <= apart; e++ {
			if o.held(e, t) {
				last = e
				o.sorted = append(o.sorted, o.pw[e])
			}
		}
		ok = true
		selectNth(o.sorted, len(o.sorted)/2)
		on := float64(o.sorted[len(o.sorted)/2])
		o.txs = append(o.txs, ookTx{a: a, last: last, on: on})
		amp := (math.Sqrt(on) + math.Sqrt(off)) / 2
		ts := float32(amp * amp)
		for i := a; i <= last; i++ {
			if o.pw[i] > ts {
				lv[gap+i] = 1
			}
		}
		a = last + 1
	}
	return lv, ok
}

// held tells whether envelope sample i and one of its neighbours are both
// over t.
func (o *ookDemod) held(i int, t float32) bool {
	return o.pw[i] > t && (i > 0 && o.pw[i-1] > t || i+1 < len(o.pw) && o.pw[i+1] > t)
}
