package gnuradio

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gridstream-sdr/gridstream/fmdemod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// parse reads one FM option into o; it reports whether k is one.
func (o *FMOptions) parse(k, v string) (bool, error) {
	var err error
	switch k {
	case "vlen", "channels":
		o.Channels, err = strconv.Atoi(v)
		if err == nil && (o.Channels < 1 || o.Channels > fmdemod.MaxChannels) {
			err = fmt.Errorf("want 1 to %d channels", fmdemod.MaxChannels)
		}
	case "freqs":
		o.Freqs, err = parseFloats(v, 0, iq.MaxCenterFreq, "Hz")
	case "fm_gain", "gain":
		o.Gain, err = strconv.ParseFloat(v, 64)
		if err == nil && (o.Gain == 0 || math.IsNaN(o.Gain) || math.Abs(o.Gain) > 1e12) {
			err = fmt.Errorf("want a non-zero gain")
		}
	case "bauds", "baud":
		o.Bauds, err = parseFloats(v, 1200, 50000, "baud")
	default:
		return false, nil
	}
	return true, err
}

// parseFloats parses numbers separated by ':' or ',' (a command line that
// splits its values at commas lets them through URL-encoded only, %2C).
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

// set reports whether any FM option was given.
func (o *FMOptions) set() bool {
	return o.Channels != 0 || o.Freqs != nil || o.Gain != 0 || o.Bauds != nil
}

// check fills the defaults and validates the options with the input's
// sample rate.
func (o *FMOptions) check(rate float64) error {
	if o.Channels == 0 {
		o.Channels = 1
	}
	if o.Gain == 0 {
		o.Gain = 1
	}
	if len(o.Freqs) > 0 && len(o.Freqs) != o.Channels {
		return fmt.Errorf("%d channel frequencies for %d channels", len(o.Freqs), o.Channels)
	}
	if o.Bauds == nil {
		return nil // the FSK protocols' rates, checked when the input is made
	}
	_, err := fmdemod.New(fmdemod.Config{SampleRate: rate, Bauds: o.Bauds},
		func(int, bool) fmdemod.BitSink { return nil })
	return err
}

// fskBauds are the symbol rates of the FSK protocols among decs, each once.
func fskBauds(decs []protocol.Decoder) []float64 {
	var out []float64
	for _, d := range protocol.Modulated(decs, protocol.FSK) {
		for _, b := range d.Protocol().Radio().Bauds() {
			if !slices.Contains(out, float64(b)) {
				out = append(out, float64(b))
			}
		}
	}
	return out
}

// fmDupSlack is how far apart (seconds) two decodes of one frame may place
// its start: a frame heard in two neighbouring channels is emitted once.
const fmDupSlack = 0.003

// fmInput decodes an FM input: each channel's samples go to an fmdemod
// demodulator, whose bits (per symbol rate and polarity) go to their own
// pipeline channel.
type fmInput struct {
	in      *Input
	bank    *fmdemod.Bank
	chans   []*pipeline.Channel
	opts    FMOptions
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

func newFMInput(in *Input, cfg pipeline.Config, emit func(*frames.Message)) (*fmInput, error) {
	o := in.spec.FM
	f := &fmInput{in: in, opts: o, rate: in.spec.Rate, emit: emit,
		hzPer: in.spec.Rate / (2 * math.Pi * o.Gain)}
	name := in.spec.Name
	if f.opts.Bauds == nil {
		f.opts.Bauds = fskBauds(cfg.Decoders)
	}
	var err error
	f.bank, err = fmdemod.NewBank(fmdemod.Config{SampleRate: in.spec.Rate, Bauds: f.opts.Bauds}, o.Channels,
		func(ch, rate int, inverted bool) fmdemod.BitSink {
			c := cfg
			if o.Channels > 1 {
				c.Input = fmt.Sprintf("%s/ch%d", name, ch)
			}
			p := pipeline.New(c, f.deliver)
			p.Annotate = func(m *frames.Message) { f.annotate(m, ch, rate) }
			f.chans = append(f.chans, p)
			return p
		})
	return f, err
}

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
		if len(f.opts.Freqs) > 0 {
			hz += f.opts.Freqs[ch]
		}
		hz = math.Round(hz)
		m.FreqHz = &hz
	}
	pos := int64(math.Round(d.SampleOf(rate, m.BitOffset)))
	f.starts[f.nstarts%len(f.starts)] = fmStart{m: m, pos: pos}
	f.nstarts++
	if f.opts.Channels > 1 {
		if m.Meta == nil {
			m.Meta = map[string]any{}
		}
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
