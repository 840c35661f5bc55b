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

// newOOKDemod returns the OOK demodulator of r's bursts.
func newOOKDemod(r *Receiver) *ookDemod {
	in := r.fs1 / float64(r.power.dec) // ook.run gets the power channel
	o := &ookDemod{r: r, dl: max(1, int(math.Round(in/16e3)))}
	o.rate = in / float64(o.dl)
	o.ch = r.newChannel(o.rate, func(m *frames.Message) { o.got = append(o.got, m) })
	return o
}

func (o *ookDemod) flush() { o.ch.Flush() }

// run slices a burst from the power channel (whose blocks over thr were
// active) and delivers the packets found in it.
func (o *ookDemod) run(y []complex64, thr float64, info burstInfo) {
	o.envelope(y, thr)
	lv, ok := o.levels(thr)
	if !ok {
		return
	}
	o.got = o.got[:0]
	o.ch.Levels(lv)
	for _, m := range o.got {
		m.Radio = o.r.radio(info.freq, 0, info)
		o.r.deliver(m, info.start)
	}
}

// envelope writes the envelope of y to o.pw: the power of its mean over
// blocks of dl samples, after turning the carrier to 0 Hz. The mean is a
// narrow filter (about ±0.4 of the level rate): noise and a neighbour's
// keying clicks that the ±50 kHz power channel passes are cut, and a carrier
// averaged where it is on keeps its whole power. thr tells the samples that
// are on, whose phase steps give the carrier's offset.
func (o *ookDemod) envelope(y []complex64, thr float64) {
	var acc complex128
	for i := 1; i < len(y); i++ {
		v, u := y[i], y[i-1]
		if float64(real(v)*real(v)+imag(v)*imag(v)) > thr {
			acc += complex128(v * complex(real(u), -imag(u)))
		}
	}
	step := -math.Atan2(imag(acc), real(acc))
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

// levels slices the envelope into on/off levels, with a silence half as
// long again as the one that ends a packet before and after. thr tells on
// from off samples at first; the envelope's noise is the mean of the off
// ones. Each transmission (on samples no further apart than the gap that
// ends a packet) gets its own threshold, midway in amplitude between the
// noise and its own mean on level: a stronger device's transmissions
// in the gaps between packets leave a packet's threshold alone, and the
// noise, whose power is exponentially distributed after the envelope's
// narrow filter, stays far below it. ok is false when nothing is on.
func (o *ookDemod) levels(thr float64) (lv []byte, ok bool) {
	n := len(o.pw)
	gap := int(1.5 * o.r.ookRadio.packetGap * o.rate)
	o.lv = grow(o.lv, n+2*gap)
	lv = o.lv
	clear(lv)
	t := float32(thr)
	var off float64
	var noff int
	for _, p := range o.pw {
		if p <= t {
			off += float64(p)
			noff++
		}
	}
	if noff == n {
		return lv, false
	}
	off /= float64(max(noff, 1))
	apart := int(o.r.ookRadio.packetGap * o.rate)
	for a := 0; a < n; {
		if o.pw[a] <= t {
			a++
			continue
		}
		// One transmission: a..e, its on samples' mean power.
		e, last := a, a
		var on float64
		var non int
		for ; e < n && e-last <= apart; e++ {
			if p := o.pw[e]; p > t {
				last = e
				on += float64(p)
				non++
			}
		}
		amp := (math.Sqrt(on/float64(non)) + math.Sqrt(off)) / 2
		ts := float32(amp * amp)
		for i := a; i <= last; i++ {
			if o.pw[i] > ts {
				lv[gap+i] = 1
			}
		}
		a = last + 1
	}
	return lv, true
}
