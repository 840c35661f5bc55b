package synth

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// power is the mean power of x.
func power(x []complex64) float64 {
	s := 0.0
	for _, v := range x {
		s += float64(real(v)*real(v) + imag(v)*imag(v))
	}
	return s / float64(len(x))
}

// toneAt is the power of x at f cycles per sample, per sample.
func toneAt(x []complex64, f float64) float64 {
	var acc complex128
	for i, v := range x {
		acc += complex128(v) * cmplx.Exp(complex(0, -2*math.Pi*f*float64(i)))
	}
	a := cmplx.Abs(acc) / float64(len(x))
	return a * a
}

// burstFreq is the mean instantaneous frequency (Hz) of a noiseless burst
// over samples a..e.
func burstFreq(x []complex64, a, e int, fs float64) float64 {
	var acc complex128
	for i := a + 1; i < e; i++ {
		acc += complex128(x[i]) * cmplx.Conj(complex128(x[i-1]))
	}
	return cmplx.Phase(acc) * fs / (2 * math.Pi)
}

func TestReceiverPPM(t *testing.T) {
	const fs = 1e6
	b := Burst{Start: 100, FSK: &FSKBurst{Frame: gridstream.Frame55(rand.New(rand.NewPCG(1, 1)), 0x5FD6), Trailer: 4, FreqOffset: 100e3, SNRdB: 20}}
	for _, ppm := range []float64{-50, 0, 37} {
		x, tr := Generate(Config{SampleRate: fs, NoNoise: true, CenterFreq: 915e6, Frontend: Frontend{PPM: ppm}}, Bursts(b))
		want := (915e6+100e3)/(1+ppm*1e-6) - 915e6
		if math.Abs(tr[0].FreqHz-want) > 1 {
			t.Errorf("ppm %g: truth at %.0f Hz, want %.0f", ppm, tr[0].FreqHz, want)
		}
		// Random bytes: the tones balance to within a few hundred Hz.
		if got := burstFreq(x, int(tr[0].Start), int(tr[0].End), fs); math.Abs(got-want) > 800 {
			t.Errorf("ppm %g: burst at %.0f Hz, want %.0f", ppm, got, want)
		}
	}
	if b.FSK.FreqOffset != 100e3 {
		t.Error("the caller's burst was changed")
	}
}

func TestFreqDrift(t *testing.T) {
	const fs = 1e6
	gs := &FSKBurst{Frame: gridstream.FrameD5(rand.New(rand.NewPCG(1, 1)), 0x5FD6, 0x7D), Trailer: 4, Baud: 38400, FreqDrift: 8e3, SNRdB: 20}
	x, tr := Generate(Config{SampleRate: fs, NoNoise: true}, Bursts(Burst{Start: 0, FSK: gs}))
	a, e := int(tr[0].Start), int(tr[0].End)
	q := (e - a) / 5
	head, tail := burstFreq(x, a, a+q, fs), burstFreq(x, e-q, e, fs)
	// The first and last fifths are 4/5 of the burst apart: 6.4 kHz.
	if d := tail - head; math.Abs(d-6.4e3) > 1.5e3 {
		t.Errorf("drift %.0f Hz between the first and last fifths, want about 6400", d)
	}
}

func TestFrontend(t *testing.T) {
	const fs = 250e3
	tone := Continuous{Kind: ContinuousFSK, Offset: 50e3, SNRdB: 0, Deviation: 1e-9}
	t.Run("IQ imbalance", func(t *testing.T) {
		x, _ := Generate(Config{SampleRate: fs, NoNoise: true, NoiseDB: -20, Samples: 1 << 14, Interferers: []Continuous{tone},
			Frontend: Frontend{IQGainDB: 1, IQPhaseDeg: 5}}, Bursts())
		img := 10 * math.Log10(toneAt(x, -0.2)/toneAt(x, 0.2))
		// |nu/mu|² for 1 dB and 5°: about −23.5 dB.
		if math.Abs(img+23.5) > 1 {
			t.Errorf("image %.1f dB, want about -23.5", img)
		}
	})
	t.Run("DC", func(t *testing.T) {
		x, _ := Generate(Config{SampleRate: fs, NoiseDB: -30, Samples: 1 << 14, Frontend: Frontend{DC: complex(0.02, -0.01)}}, Bursts())
		var m complex128
		for _, v := range x {
			m += complex128(v)
		}
		m /= complex(float64(len(x)), 0)
		if cmplx.Abs(m-complex(0.02, -0.01)) > 0.002 {
			t.Errorf("mean %v", m)
		}
	})
	t.Run("ADC", func(t *testing.T) {
		x, _ := Generate(Config{SampleRate: fs, NoiseDB: 3, Samples: 1 << 12, Frontend: Frontend{ADCBits: 8}}, Bursts())
		clipped := 0
		for _, v := range x {
			for _, c := range []float32{real(v), imag(v)} {
				q := c*127.5 + 127.5
				if math.Abs(float64(q-float32(math.Round(float64(q))))) > 1e-3 || q < 0 || q > 255 {
					t.Fatalf("%v is no cu8 value", c)
				}
				if q == 0 || q == 255 {
					clipped++
				}
			}
		}
		if clipped == 0 {
			t.Error("nothing clipped at +3 dBFS")
		}
	})
}

func TestInterfererPower(t *testing.T) {
	const fs = 250e3
	for _, kind := range []InterfererKind{ContinuousFSK, ContinuousOOK} {
		x, _ := Generate(Config{SampleRate: fs, NoNoise: true, NoiseDB: -30, Samples: 1 << 16,
			Interferers: []Continuous{{Kind: kind, Offset: 100e3, SNRdB: 20}}}, Bursts())
		want, tol := -10.0, 1.0
		if kind == ContinuousOOK {
			// On half the time, with smoothed edges.
			want, tol = -13.5, 1.5
		}
		if p := 10 * math.Log10(power(x)); math.Abs(p-want) > tol {
			t.Errorf("kind %d: %.1f dBFS, want %.0f", kind, p, want)
		}
	}
}

// TestCompanions checks the collision and near-far schedules: start order,
// which burst is wanted, levels, channels and timing.
func TestCompanions(t *testing.T) {
	const fs = 1e6
	for _, c := range []Companion{{Kind: CoChannel, Level: -10}, {Kind: AdjacentChannel, Level: 10}, {Kind: NearFar, Level: 20}} {
		h := NewHopper(HopConfig{SampleRate: fs, Seed: 3, Count: 40, Interval: 0.02, MaxOffset: 1, Jitter: 1e3,
			SNRdB: [2]float64{10, 10}, Impairments: Impairments{Companion: c}})
		var list []Burst
		for {
			b, ok := h.Next()
			if !ok {
				break
			}
			if n := len(list); n > 0 && b.Start < list[n-1].Start {
				t.Fatalf("%+v: burst %d starts before the one before", c, n)
			}
			list = append(list, b)
		}
		if len(list) != 80 {
			t.Fatalf("%+v: %d bursts, want 80", c, len(list))
		}
		wanted := 0
		for i := 0; i < len(list); i += 2 {
			// A pair is made at once, and the next starts after both.
			b, o := list[i], list[i+1]
			if b.Interferer {
				b, o = o, b
			}
			if b.Interferer || !o.Interferer {
				t.Fatalf("%+v: pair %d is not one wanted burst and one interferer", c, i/2)
			}
			wanted++
			g, og := b.FSK, o.FSK
			if d := og.SNRdB - g.SNRdB; math.Abs(d-c.Level) > 1e-9 {
				t.Fatalf("%+v: companion %+.1f dB", c, d)
			}
			df := math.Abs(og.FreqOffset - g.FreqOffset)
			wl, ol := b.Samples(fs), o.Samples(fs)
			switch c.Kind {
			case CoChannel:
				if df > 2e3 || o.Start > b.Start+wl || o.Start+ol < b.Start {
					t.Fatalf("co-channel: %.0f Hz apart, no overlap", df)
				}
			case AdjacentChannel:
				if math.Abs(df-100e3) > 2e3 || o.Start > b.Start+wl || o.Start+ol < b.Start {
					t.Fatalf("adjacent: %.0f Hz apart", df)
				}
			case NearFar:
				gap := float64(b.Start-(o.Start+ol)) / fs
				if df > 2e3 || gap < 0.001 || gap > 0.021 {
					t.Fatalf("near-far: %.0f Hz apart, %.4f s gap", df, gap)
				}
			}
		}
		if wanted != 40 {
			t.Errorf("%+v: %d wanted", c, wanted)
		}
	}
}

func TestImpairmentDraws(t *testing.T) {
	h := NewHopper(HopConfig{SampleRate: 1e6, Seed: 5, Count: 400, MaxOffset: 1, SNRdB: [2]float64{10, 10},
		Lengths: []byte{LongLength}, Impairments: Impairments{ModIndex: [2]float64{2, 3}, BT: [2]float64{0.3, 0.3},
			FreqDrift: 5e3, ClockDrift: 100, FadingDB: 8}})
	var sum, sum2 float64
	n := 0
	for {
		b, ok := h.Next()
		if !ok {
			break
		}
		g := b.FSK
		hIdx := 2 * g.Deviation / g.Baud
		if hIdx < 2 || hIdx > 3 || g.BT != 0.3 || math.Abs(g.FreqDrift) > 5e3 || math.Abs(g.ClockDrift) > 100 ||
			len(g.Frame) != 4+LongLength || g.Frame[1] != 0xD5 {
			t.Fatalf("burst %+v", g)
		}
		d := g.SNRdB - 10
		sum += d
		sum2 += d * d
		n++
	}
	mean, sd := sum/float64(n), math.Sqrt(sum2/float64(n)-(sum/float64(n))*(sum/float64(n)))
	if math.Abs(mean) > 1.2 || math.Abs(sd-8) > 1 {
		t.Errorf("fading: mean %.2f dB, spread %.2f dB, want 0 and 8", mean, sd)
	}
}

func TestScenarios(t *testing.T) {
	for _, sc := range Scenarios {
		for _, rate := range []float64{250e3, 2.4e6} {
			o := TableOptions(rate, 10, 5, 1)
			sc.Apply(&o)
			p, err := o.Plan()
			if err != nil {
				t.Fatalf("%s at %g: %v", sc.Name, rate, err)
			}
			x, tr := Generate(p.Config, p.Source)
			if len(tr) < 5 || len(x) == 0 {
				t.Errorf("%s at %g: %d bursts", sc.Name, rate, len(tr))
			}
		}
	}
	if _, err := ScenarioByName("Near-Far"); err != nil {
		t.Error(err)
	}
	if _, err := ScenarioByName("nope"); err == nil {
		t.Error("unknown scenario accepted")
	}
}
