package demod

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

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
	o.envelope(y)
	t, ok := o.threshold(thr)
	if !ok {
		return
	}
	lv := o.levels(t)
	o.r.enterTurn()
	o.got = o.got[:0]
	o.ch.Levels(lv)
	for _, m := range o.got {
		m.Radio = o.r.radio(info.freq, 0, info)
		o.r.deliver(m, info.start)
	}
}

// envelope writes the power of y averaged over dl samples to o.pw.
func (o *ookDemod) envelope(y []complex64) {
	n := len(y) / o.dl
	o.pw = grow(o.pw, n)
	for i := range n {
		var s float32
		for _, v := range y[i*o.dl : (i+1)*o.dl] {
			s += real(v)*real(v) + imag(v)*imag(v)
		}
		o.pw[i] = s / float32(o.dl)
	}
}

// threshold returns the level halfway (in dB) between the envelope's off
// and on levels, told apart by thr; ok is false when nothing is on.
func (o *ookDemod) threshold(thr float64) (t float32, ok bool) {
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
		return 0, false
	}
	t = float32(thr)
	if nlo > 0 {
		t = float32(math.Exp((lo/float64(nlo) + hi/float64(nhi)) / 2))
	}
	return t, true
}

// levels slices the envelope at t into on/off levels, with a silence half
// as long again as the one that ends a packet before and after.
func (o *ookDemod) levels(t float32) []byte {
	n := len(o.pw)
	gap := int(1.5 * o.r.ookRadio.packetGap * o.rate)
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
	return lv
}
