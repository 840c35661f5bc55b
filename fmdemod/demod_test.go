package fmdemod

import (
	"bytes"
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// The wideband operating point: a 2.4 MS/s recording with bursts 10 dB over
// the whole band's noise, cut by a channelizer into 200 kS/s channels
// (100 kHz grid, twice oversampled) whose filter passes about ±60 kHz.
const (
	wideRate = 2.4e6
	chanRate = 200e3
	chanCut  = 60e3
	wideSNR  = 10
)

// hop returns a schedule of bursts for one channel at wideband SNR snr.
func hop(seed uint64, count int, snr float64, mod func(*synth.HopConfig)) synth.Source {
	s := channelSNR(wideRate, snr, chanRate)
	cfg := synth.HopConfig{SampleRate: chanRate, Seed: seed, Count: count, MaxOffset: 1,
		SNRdB: [2]float64{s, s}, RandomPolarity: true}
	if mod != nil {
		mod(&cfg)
	}
	return synth.NewHopper(cfg)
}

// TestOperatingPoint decodes every frame at the wideband operating point:
// all three rates mixed, both sync versions and polarities, 16–52 preamble
// bits, transmitter clocks ±40 ppm, carriers within ±3 kHz of the channel
// centre; and reports each frame's carrier offset within 1.5 kHz and its
// start within half a symbol.
func TestOperatingPoint(t *testing.T) {
	r := run(t, scenario{fs: chanRate, seed: 1, cutoff: chanCut, src: hop(7, 150, wideSNR, func(c *synth.HopConfig) {
		c.ClockPPM, c.Jitter = 40, 3e3
	})})
	if r.found != r.sent || r.extra != 0 {
		t.Errorf("decoded %d of %d frames (%d extra), want all", r.found, r.sent, r.extra)
	}
	perBaud := map[int]int{}
	for _, tr := range r.truth {
		k := key(hexUpper(tr.Frame))
		perBaud[tr.Baud]++
		if off, ok := r.offsetHz[k]; ok && math.Abs(off-tr.FreqHz) > 1500 {
			t.Errorf("frame at %.0f Hz: carrier found at %.0f Hz", tr.FreqHz, off)
		}
		if b, ok := r.baud[k]; ok && int(b) != tr.Baud {
			t.Errorf("frame at %d baud found at %v baud", tr.Baud, b)
		}
		// The channel filter delays everything by 20 samples.
		if s, ok := r.start[k]; ok && math.Abs(s-20-float64(tr.FrameStart)) > 0.5*chanRate/float64(tr.Baud) {
			t.Errorf("frame starting at sample %d (%d baud) placed at %.1f", tr.FrameStart, tr.Baud, s)
		}
	}
	if len(perBaud) != 3 {
		t.Errorf("bauds sent: %v, want all three", perBaud)
	}
}

// TestSensitivity measures the share of frames decoded against the SNR
// (over a 2.4 MS/s recording's whole band, as the operating point), per
// symbol rate, and checks a few dB of margin below the operating point.
func TestSensitivity(t *testing.T) {
	if testing.Short() {
		t.Skip("sensitivity sweep")
	}
	for _, tc := range []struct {
		baud     float64
		snrs     []float64
		minSNR   float64 // at and above this SNR ...
		minShare float64 // ... at least this share decodes
	}{
		{9600, []float64{-6, -4, -2, 0}, -2, 0.97},
		{19200, []float64{-6, -4, -2, 0}, -2, 0.97},
		{38400, []float64{-6, -4, -2, 0}, -2, 0.97},
	} {
		for _, snr := range tc.snrs {
			r := run(t, scenario{fs: chanRate, seed: 2, cutoff: chanCut, src: hop(11, 100, snr, func(c *synth.HopConfig) {
				c.Bauds = []float64{tc.baud}
			})})
			t.Logf("%5.0f baud, %3.0f dB: %3d/%d decoded", tc.baud, snr, r.found, r.sent)
			if snr >= tc.minSNR && r.rate() < tc.minShare {
				t.Errorf("%v baud at %v dB: %.0f %% decoded, want ≥ %.0f %%", tc.baud, snr, 100*r.rate(), 100*tc.minShare)
			}
			if r.extra != 0 {
				t.Errorf("%v baud at %v dB: %d frames that were not sent", tc.baud, snr, r.extra)
			}
		}
	}
}

// TestConditions covers what a real channel adds: carrier offsets (DC in
// the FM samples), clock errors, short preambles, plain 2-FSK, deviations
// off the nominal, back-to-back bursts, no channel filter, a lower channel
// rate, and any FM scale.
func TestConditions(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    scenario
		mod  func(*synth.HopConfig)
		want float64
	}{
		{"carrier ±25 kHz", scenario{}, func(c *synth.HopConfig) { c.Jitter = 25e3 }, 0.98},
		{"9600 baud, carrier ±30 kHz", scenario{}, func(c *synth.HopConfig) {
			c.Jitter, c.Bauds = 30e3, []float64{9600}
		}, 0.98},
		{"clocks ±200 ppm", scenario{}, func(c *synth.HopConfig) { c.ClockPPM = 200 }, 1},
		{"16-bit preambles", scenario{}, func(c *synth.HopConfig) { c.PreambleBits = [2]int{16, 16} }, 0.98},
		{"rectangular 2-FSK", scenario{}, func(c *synth.HopConfig) { c.BT = -1 }, 1},
		{"deviation ±25 %", scenario{}, func(c *synth.HopConfig) { c.DeviationSpread = 0.25 }, 1},
		{"bursts 2 ms apart", scenario{}, func(c *synth.HopConfig) { c.Interval = 0.003 }, 1},
		{"no channel filter", scenario{cutoff: -1}, nil, 1},
		{"150 kS/s channels", scenario{fs: 150e3}, nil, 1},
		{"FM in Hz", scenario{gain: float32(chanRate / (2 * math.Pi))}, nil, 1},
		{"FM ×0.001", scenario{gain: 1e-3}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			if s.fs == 0 {
				s.fs = chanRate
			}
			switch s.cutoff {
			case 0:
				s.cutoff = chanCut
			case -1:
				s.cutoff = 0
			}
			s.seed = 3
			snr := channelSNR(wideRate, wideSNR, s.fs)
			cfg := synth.HopConfig{SampleRate: s.fs, Seed: 13, Count: 90, MaxOffset: 1,
				SNRdB: [2]float64{snr, snr}, RandomPolarity: true}
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			s.src = synth.NewHopper(cfg)
			r := run(t, s)
			if r.rate() < tc.want || r.extra != 0 {
				t.Errorf("decoded %d of %d (%d extra), want ≥ %.0f %%", r.found, r.sent, r.extra, 100*tc.want)
			}
		})
	}
}

// TestNoise checks that noise alone (and garbage samples: NaNs,
// infinities, huge values) yields no frame, and that frames after the
// garbage still decode.
func TestNoise(t *testing.T) {
	x, _ := fmSamples(scenario{fs: chanRate, seed: 4, src: synth.Bursts(), cutoff: chanCut, n: 2 * int64(chanRate)})
	r := decodeFM(t, scenario{fs: chanRate}, x, nil)
	if len(r.msgs) != 0 {
		t.Errorf("%d messages from noise", len(r.msgs))
	}
	src := hop(5, 20, wideSNR, nil)
	y, truth := fmSamples(scenario{fs: chanRate, seed: 5, src: src, cutoff: chanCut})
	garbage := make([]float32, 30000)
	for i := range garbage {
		garbage[i] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 3e38, -3e38, 1e-38}[i%6]
	}
	r = decodeFM(t, scenario{fs: chanRate}, append(append(x[:100000:100000], garbage...), y...), truth)
	if r.found != r.sent {
		t.Errorf("after garbage: decoded %d of %d", r.found, r.sent)
	}
}

// TestChunking checks that the bits do not depend on how the samples are
// cut into Write calls.
func TestChunking(t *testing.T) {
	x, _ := fmSamples(scenario{fs: chanRate, seed: 6, src: hop(6, 8, wideSNR, nil), cutoff: chanCut})
	bitsOf := func(chunk int) map[[2]int][]byte {
		out := map[[2]int]*rec{}
		d, err := New(Config{SampleRate: chanRate, Bauds: gridStreamBauds}, func(rate int, inv bool) BitSink {
			k := [2]int{rate, 0}
			if inv {
				k[1] = 1
			}
			out[k] = &rec{}
			return out[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off < len(x); off += chunk {
			d.Feed(x[off:min(len(x), off+chunk)])
		}
		d.Flush()
		m := map[[2]int][]byte{}
		for k, r := range out {
			m[k] = r.b
		}
		return m
	}
	want := bitsOf(len(x))
	for _, chunk := range []int{1, 3, 4095, 4097, 65536} {
		got := bitsOf(chunk)
		for k, b := range want {
			if !bytes.Equal(got[k], b) {
				t.Fatalf("chunks of %d: rate %d polarity %d differs", chunk, k[0], k[1])
			}
		}
	}
}

// TestConfigLimits checks the rates a demodulator accepts.
func TestConfigLimits(t *testing.T) {
	sink := func(int, bool) BitSink { return &discard{} }
	for _, cfg := range []Config{
		{SampleRate: 0},
		{SampleRate: math.NaN()},
		{SampleRate: 90e3},                                  // 2.3 samples per 38400-baud symbol
		{SampleRate: 50e6},                                  // 5208 samples per 9600-baud symbol
		{SampleRate: 200e3, Bauds: []float64{-9600}},        // negative
		{SampleRate: 200e3, Bauds: []float64{math.Inf(1)}},  // infinite
		{SampleRate: 200e3, Bauds: []float64{9600, 100000}}, // too fast for the rate
	} {
		if _, err := New(cfg, sink); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	d, err := New(Config{SampleRate: 100e3, Bauds: []float64{9600, 19200}}, sink)
	if err != nil || len(d.Bauds()) != 2 {
		t.Errorf("100 kS/s, 9600 and 19200 baud: %v", err)
	}
}

// TestFrameBaudsDistinct checks that a frame is found at its own rate only.
func TestFrameBaudsDistinct(t *testing.T) {
	r := run(t, scenario{fs: chanRate, seed: 8, cutoff: chanCut, src: hop(8, 60, 20, nil)})
	seen := map[string]int{}
	for _, m := range r.msgs {
		if m.CRCOK && m.Protocol == gridstream.Name {
			seen[key(m.Raw)]++
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("frame %s… decoded %d times", k[:8], n)
		}
	}
}
