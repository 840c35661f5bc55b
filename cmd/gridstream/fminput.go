package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gridstream-sdr/gridstream/fmdemod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// itemFM: float32 FM-discriminator samples (instantaneous frequency), vlen
// channels per item.
const itemFM = "fm"

// fmOptions are an fm input's settings (?vlen=, freqs=, fm_gain=, bauds=).
type fmOptions struct {
	vlen  int
	freqs []float64 // per channel, Hz (nil: unknown)
	gain  float64   // the Quadrature Demod gain: units per radian per sample
	bauds []float64 // nil: fmdemod.DefaultBauds
}

// parse parses one fm option into o; it reports whether k is one.
func (o *fmOptions) parse(k, v string) (bool, error) {
	var err error
	switch k {
	case "vlen", "channels":
		o.vlen, err = strconv.Atoi(v)
		if err == nil && (o.vlen < 1 || o.vlen > fmdemod.MaxChannels) {
			err = fmt.Errorf("want 1 to %d channels", fmdemod.MaxChannels)
		}
	case "freqs":
		o.freqs, err = parseFloats(v, 0, iq.MaxCenterFreq, "Hz")
	case "fm_gain", "gain":
		o.gain, err = strconv.ParseFloat(v, 64)
		if err == nil && (o.gain == 0 || math.IsNaN(o.gain) || math.IsInf(o.gain, 0) || math.Abs(o.gain) > 1e12) {
			err = fmt.Errorf("want a non-zero gain")
		}
	case "bauds", "baud":
		o.bauds, err = parseFloats(v, 1200, 50000, "baud")
	default:
		return false, nil
	}
	return true, err
}

// parseFloats parses numbers separated by ':' (or ',', which --in's own
// comma splitting lets through only URL-encoded, %2C).
func parseFloats(v string, lo, hi float64, unit string) ([]float64, error) {
	var out []float64
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ':' || r == ',' }) {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(f >= lo && f <= hi) {
			return nil, fmt.Errorf("%q: want %g to %g %s", s, lo, hi, unit)
		}
		out = append(out, f)
	}
	return out, nil
}

// set reports whether any fm option was given.
func (o *fmOptions) set() bool {
	return o.vlen != 0 || o.freqs != nil || o.gain != 0 || o.bauds != nil
}

// check validates the options with the input's sample rate.
func (o *fmOptions) check(rate float64) error {
	if o.vlen == 0 {
		o.vlen = 1
	}
	if o.gain == 0 {
		o.gain = 1
	}
	if !(rate > 0) {
		return fmt.Errorf("fm input needs its sample rate (?rate=, per channel)")
	}
	if len(o.freqs) > 0 && len(o.freqs) != o.vlen {
		return fmt.Errorf("%d channel frequencies for %d channels", len(o.freqs), o.vlen)
	}
	_, err := fmdemod.New(fmdemod.Config{SampleRate: rate, Bauds: o.bauds},
		func(int, bool) fmdemod.BitSink { return nil })
	return err
}

// fmDupSlack is how far apart (seconds) two decodes of one frame may place
// its start: a frame heard in two neighbouring channels is emitted once.
const fmDupSlack = 0.003

// fmInput decodes an fm input: each channel's samples go to an fmdemod
// demodulator, whose bits (per symbol rate and polarity) go to their own
// pipeline channel.
type fmInput struct {
	in      *input
	bank    *fmdemod.Bank
	chans   []*pipeline.Channel
	opts    fmOptions
	rate    float64
	hzPer   float64 // Hz per input unit
	emit    func(*frames.Message)
	starts  [64]fmStart // frame start of recently annotated messages
	nstarts int
	recent  []fmStart // emitted frames, for duplicates
}

type fmStart struct {
	m   *frames.Message
	raw string
	pos int64 // items
}

func newFMInput(in *input, pc pipeline.Config, emit func(*frames.Message)) (*fmInput, error) {
	o := in.spec.fm
	f := &fmInput{in: in, opts: o, rate: in.spec.rate, emit: emit,
		hzPer: in.spec.rate / (2 * math.Pi * o.gain)}
	name := in.spec.name
	var err error
	f.bank, err = fmdemod.NewBank(fmdemod.Config{SampleRate: in.spec.rate, Bauds: o.bauds}, o.vlen,
		func(ch, rate int, inverted bool) fmdemod.BitSink {
			cfg := pc
			if o.vlen > 1 {
				cfg.Input = fmt.Sprintf("%s/ch%d", name, ch)
			}
			c := pipeline.New(cfg, f.deliver)
			c.Annotate = func(m *frames.Message) { f.annotate(m, ch, rate) }
			f.chans = append(f.chans, c)
			return c
		})
	return f, err
}

// write demodulates whole items (vlen float32 each).
func (f *fmInput) write(p []byte) { f.bank.Write(p) }

// flush finishes the frames in progress.
func (f *fmInput) flush() {
	f.bank.Flush()
	for _, c := range f.chans {
		c.Flush()
	}
}

// annotate adds what the demodulator knows about a frame of channel ch,
// found at rate index rate: its symbol rate, carrier frequency and stream
// position, and the stream tags there.
func (f *fmInput) annotate(m *frames.Message, ch, rate int) {
	d := f.bank.Channel(ch)
	if m.Radio == nil {
		m.Radio = &frames.Radio{}
	}
	m.Baud = int(d.Bauds()[rate])
	if dc, ok := d.Carrier(rate, m.BitOffset); ok {
		hz := dc * f.hzPer
		if len(f.opts.freqs) > 0 {
			hz += f.opts.freqs[ch]
		}
		hz = math.Round(hz)
		m.FreqHz = &hz
	}
	pos := int64(math.Round(d.SampleOf(rate, m.BitOffset)))
	f.starts[f.nstarts%len(f.starts)] = fmStart{m: m, pos: pos}
	f.nstarts++
	if m.Meta == nil {
		m.Meta = map[string]any{}
	}
	if f.opts.vlen > 1 {
		m.Meta["channel"] = ch
	}
	f.in.annotateAt(m, pos)
}

// deliver emits a message unless the same frame was just emitted (heard in
// a neighbouring channel too).
func (f *fmInput) deliver(m *frames.Message) {
	pos := f.in.pos
	for _, s := range f.starts {
		if s.m == m {
			pos = s.pos
		}
	}
	tol := int64(fmDupSlack * f.rate)
	keep := f.recent[:0]
	dup := false
	for _, e := range f.recent {
		if e.pos < f.in.pos-int64(f.rate) {
			continue // over a second ago
		}
		keep = append(keep, e)
		if e.raw == m.Raw && e.pos-pos <= tol && pos-e.pos <= tol {
			dup = true
		}
	}
	clear(f.recent[len(keep):])
	f.recent = keep
	if dup {
		return
	}
	f.recent = append(f.recent, fmStart{raw: m.Raw, pos: pos})
	f.emit(m)
}
