package fmdemod

import (
	"math"
	"math/cmplx"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// gridStreamBauds are the rates tests search by default: GridStream's.
var gridStreamBauds = func() []float64 {
	var out []float64
	for _, b := range (gridstream.Protocol{}).Radio().Bauds() {
		out = append(out, float64(b))
	}
	return out
}()

// scenario is a synthetic single-channel recording, turned into FM samples
// the way a GNU Radio channelizer and Quadrature Demod would.
type scenario struct {
	fs     float64 // sample rate of the channel
	seed   uint64
	src    synth.Source
	cutoff float64 // channel filter cutoff in Hz (0: none)
	gain   float32 // FM scale (0: 1, radians per sample)
	chunk  int     // Write size (0: 10 000)
	n      int64   // samples (0: until the last burst is over)
	bauds  []float64
}

// result counts what a scenario decoded against its truth.
type result struct {
	sent, found, extra int
	msgs               []*frames.Message
	truth              []synth.Truth
	offsetHz           map[string]float64 // per frame key: the carrier offset found
	baud               map[string]float64 // and the rate it was found at
	start              map[string]float64 // and the sample its 0x2A start bit began at
}

// rec records bits.
type rec struct{ b []byte }

func (r *rec) Bits(p []byte) { r.b = append(r.b, p...) }

// fmSamples renders the scenario's IQ, filters it and discriminates it.
func fmSamples(s scenario) ([]float32, []synth.Truth) {
	iq, truth := synth.Generate(synth.Config{SampleRate: s.fs, Seed: s.seed, Samples: s.n}, s.src)
	if s.cutoff > 0 {
		iq = lowPass(iq, s.cutoff/s.fs)
	}
	g := s.gain
	if g == 0 {
		g = 1
	}
	out := make([]float32, len(iq))
	prev := complex64(1)
	for i, x := range iq {
		out[i] = g * float32(cmplx.Phase(complex128(x*complex(real(prev), -imag(prev)))))
		prev = x
	}
	return out, truth
}

// lowPass filters x with a Hamming-windowed sinc of cutoff fc (cycles per
// sample), about 40 dB down one transition width (0.1 of the rate) out.
func lowPass(x []complex64, fc float64) []complex64 {
	const n = 41
	taps := make([]float32, n)
	var sum float64
	for i := range taps {
		k := float64(i - n/2)
		h := 2 * fc
		if k != 0 {
			h = math.Sin(2*math.Pi*fc*k) / (math.Pi * k)
		}
		h *= 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/(n-1))
		taps[i] = float32(h)
		sum += h
	}
	for i := range taps {
		taps[i] /= float32(sum)
	}
	y := make([]complex64, len(x))
	for i := range y {
		var acc complex64
		for j, t := range taps {
			if k := i - j; k >= 0 {
				acc += complex(t, 0) * x[k]
			}
		}
		y[i] = acc
	}
	return y
}

// run decodes the scenario's FM samples.
func run(t testing.TB, s scenario) result {
	t.Helper()
	x, truth := fmSamples(s)
	return decodeFM(t, s, x, truth)
}

// decodeFM decodes FM samples x against truth.
func decodeFM(t testing.TB, s scenario, x []float32, truth []synth.Truth) result {
	t.Helper()
	res := result{truth: truth, offsetHz: map[string]float64{}, baud: map[string]float64{}, start: map[string]float64{}}
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	if err != nil {
		t.Fatal(err)
	}
	var chans []*pipeline.Channel
	var d *Demod
	g := float64(s.gain)
	if g == 0 {
		g = 1
	}
	bauds := s.bauds
	if bauds == nil {
		bauds = gridStreamBauds
	}
	d, err = New(Config{SampleRate: s.fs, Bauds: bauds}, func(rate int, _ bool) BitSink {
		ch := pipeline.New(pipeline.Config{Decoders: []protocol.Decoder{dec}}, func(m *frames.Message) { res.msgs = append(res.msgs, m) })
		ch.Annotate = func(m *frames.Message) {
			if dc, ok := d.Carrier(rate, m.BitOffset); ok {
				res.offsetHz[key(m.Raw)] = dc / g * s.fs / (2 * math.Pi)
			}
			res.baud[key(m.Raw)] = d.Bauds()[rate]
			res.start[key(m.Raw)] = d.SampleOf(rate, m.BitOffset)
		}
		chans = append(chans, ch)
		return ch
	})
	if err != nil {
		t.Fatal(err)
	}
	chunk := s.chunk
	if chunk == 0 {
		chunk = 10000
	}
	for off := 0; off < len(x); off += chunk {
		d.Feed(x[off:min(len(x), off+chunk)])
	}
	d.Flush()
	for _, ch := range chans {
		ch.Flush()
	}
	want := map[string]int{}
	for _, tr := range truth {
		if tr.Protocol == gridstream.Name {
			want[key(hexUpper(tr.Frame))]++
			res.sent++
		}
	}
	for _, m := range res.msgs {
		if m.Protocol != gridstream.Name || !m.CRCOK {
			continue
		}
		if k := key(m.Raw); want[k] > 0 {
			want[k]--
			res.found++
		} else {
			res.extra++
		}
	}
	return res
}

func (r result) rate() float64 { return float64(r.found) / float64(max(r.sent, 1)) }

func hexUpper(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 2*len(b))
	for i, v := range b {
		out[2*i], out[2*i+1] = digits[v>>4], digits[v&15]
	}
	return string(out)
}

// key is the CRC-covered part of a frame's hex (from the CI byte).
func key(raw string) string {
	if len(raw) < 8 {
		return raw
	}
	return raw[8:]
}

// channelSNR converts an SNR over a wideband recording's whole band (what
// synth means by SNR) into the SNR over one channel at fs, the same noise
// density.
func channelSNR(wideRate, snr, fs float64) float64 {
	return snr + 10*math.Log10(wideRate/fs)
}
