package demod

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// singleChannel is the sensitivity scenario: 250 kS/s, one channel, bursts
// within ±3 kHz of the centre, either polarity, both sync versions.
func singleChannel(baud, snr float64, count int, seed uint64) synth.Source {
	return synth.NewHopper(synth.HopConfig{SampleRate: 250e3, Seed: seed, Count: count, Interval: 0.05, Guard: 0.01,
		MaxOffset: 1, Jitter: 3e3, Bauds: []float64{baud}, SNRdB: [2]float64{snr, snr}, RandomPolarity: true,
		ClockPPM: 20})
}

// wideband is 2.4 MS/s with bursts at every rate hopping over ±1 MHz.
func wideband(snr float64, count int, seed uint64) synth.Source {
	return synth.NewHopper(synth.HopConfig{SampleRate: 2.4e6, Seed: seed, Count: count, Interval: 0.01,
		MaxOffset: 1e6, Jitter: 3e3, SNRdB: [2]float64{snr, snr}, RandomPolarity: true,
		DeviationSpread: 0.1, ClockPPM: 20})
}

func TestSensitivity250k(t *testing.T) {
	for _, tc := range []struct {
		snr   float64
		count int
		floor float64
	}{
		{4, 60, 0.97},
		{1, 60, 0.85},
	} {
		res := runScenario(t, 250e3, 0, uint64(tc.snr*10), singleChannel(9600, tc.snr, tc.count, 11), Config{})
		rate := float64(res.found) / float64(res.sent)
		t.Logf("9600 baud at %.0f dB: %d/%d frames (%.1f%%), %d wrong", tc.snr, res.found, res.sent, 100*rate, res.extra)
		if rate < tc.floor || res.extra > 0 {
			t.Errorf("9600 baud at %.0f dB: %.1f%% of frames, want ≥ %.0f%%; %d wrong frames", tc.snr, 100*rate, 100*tc.floor, res.extra)
		}
	}
}

func TestWideband(t *testing.T) {
	res := runScenario(t, 2.4e6, 915e6, 7, wideband(10, 120, 21), Config{})
	rate := float64(res.found) / float64(res.sent)
	t.Logf("2.4 MS/s, 10 dB: %d/%d frames (%.1f%%), stats %+v", res.found, res.sent, 100*rate, res.stats)
	if rate < 0.97 || res.extra > 0 {
		t.Errorf("wideband: %.1f%% of frames, want ≥ 97%%; %d wrong", 100*rate, res.extra)
	}
	// Radio fields: absolute frequency within 4 kHz of the truth, the right
	// baud, SNR within 3 dB.
	byKey := map[string]synth.Truth{}
	for _, tr := range res.truth {
		byKey[key(hexUpper(tr.Frame))] = tr
	}
	for _, m := range res.msgs {
		tr, ok := byKey[key(m.Raw)]
		if !ok || m.Radio == nil {
			continue
		}
		if math.Abs(*m.FreqHz-(915e6+tr.FreqHz)) > 4e3 || m.Baud != tr.Baud || math.Abs(*m.SNRdB-10) > 3 {
			t.Errorf("radio freq %.0f baud %d snr %.1f; truth freq %.0f baud %d", *m.FreqHz, m.Baud, *m.SNRdB, 915e6+tr.FreqHz, tr.Baud)
		}
		// BitOffset counts bits at the burst's rate from the input start.
		wantBit := float64(tr.FrameStart) * float64(tr.Baud) / 2.4e6
		if math.Abs(float64(m.BitOffset)-wantBit) > 1 {
			t.Errorf("bit offset %d, want about %.0f", m.BitOffset, wantBit)
		}
	}
}

// TestChunking checks that chunk sizes do not change what is decoded.
func TestChunking(t *testing.T) {
	iq, truth := synth.Generate(synth.Config{SampleRate: 2.4e6, Seed: 4}, synth.NewHopper(synth.HopConfig{
		SampleRate: 2.4e6, Seed: 8, Count: 30, Interval: 0.01, MaxOffset: 1e6, SNRdB: [2]float64{12, 12}}))
	run := func(chunk int) []string {
		dec := testDecoders(gridstream.Config{NoLearn: true})
		var raws []string
		rx, err := New(Config{SampleRate: 2.4e6, Decoders: dec}, func(m *frames.Message) {
			// Every field the receiver measures must not depend on chunking.
			raws = append(raws, fmt.Sprint(m.Raw, *m.FreqHz, m.Baud, *m.RSSIdB, *m.SNRdB, m.BitOffset))
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(iq); i += chunk {
			rx.Process(iq[i:min(len(iq), i+chunk)])
		}
		rx.Flush()
		return raws
	}
	a := run(1 << 16)
	if len(a) != len(truth) {
		t.Fatalf("%d messages for %d bursts", len(a), len(truth))
	}
	for _, chunk := range []int{777, 16384, 3000} {
		b := run(chunk)
		if len(a) != len(b) {
			t.Fatalf("chunks of %d: %d messages, want %d", chunk, len(b), len(a))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("chunks of %d: message %d is %s, want %s", chunk, i, b[i], a[i])
			}
		}
	}
}

func TestNewErrors(t *testing.T) {
	dec := testDecoders(gridstream.Config{NoLearn: true})
	for _, fs := range []float64{0, -1, 50e3, math.NaN(), math.Inf(1)} {
		if _, err := New(Config{SampleRate: fs, Decoders: dec}, func(*frames.Message) {}); err == nil {
			t.Errorf("sample rate %v accepted", fs)
		}
	}
	if _, err := New(Config{SampleRate: 250e3}, func(*frames.Message) {}); err == nil {
		t.Error("nil decoder accepted")
	}
	// Garbage input must not panic.
	rx, _ := New(Config{SampleRate: 250e3, Decoders: dec}, func(*frames.Message) {})
	x := make([]complex64, 100000)
	for i := range x {
		x[i] = complex(float32(math.NaN()), float32(i%7))
		if i%3 == 0 {
			x[i] = complex(float32(math.Inf(1)), 0)
		}
	}
	rx.Process(x)
	rx.Process(make([]complex64, 100000))
	rx.Flush()
	// ... and the receiver still decodes after it.
	n := 0
	rx, _ = New(Config{SampleRate: 250e3, Decoders: dec}, func(m *frames.Message) {
		if m.CRCOK {
			n++
		}
	})
	iq, truth := synth.Generate(synth.Config{SampleRate: 250e3, Seed: 1}, synth.NewHopper(synth.HopConfig{
		SampleRate: 250e3, Seed: 2, Start: 25000, Count: 5, Interval: 0.05, Guard: 0.01, MaxOffset: 1, SNRdB: [2]float64{12, 12}}))
	for i := 1000; i < 3000; i++ {
		iq[i] = x[i]
	}
	rx.Process(iq)
	rx.Flush()
	if n != len(truth) {
		t.Errorf("after garbage: %d of %d frames", n, len(truth))
	}
}

// TestMemoryFlat streams a long recording through the receiver chunk by
// chunk (synth's streaming generator, nothing kept) and checks the heap
// does not grow with the input.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	fs := 250e3
	dec := testDecoders(gridstream.Config{NoLearn: true})
	msgs := 0
	rx, err := New(Config{SampleRate: fs, Decoders: dec}, func(*frames.Message) { msgs++ })
	if err != nil {
		t.Fatal(err)
	}
	src := synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: 5, Interval: 0.05, Guard: 0.01, MaxOffset: 1,
		Jitter: 3e3, SNRdB: [2]float64{8, 20}})
	g := synth.New(synth.Config{SampleRate: fs, Seed: 6, Samples: int64(16 * fs), KeepTruth: 16}, src)
	buf := make([]complex64, 32768)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var at4 uint64
	for {
		n, err := g.Read(buf)
		rx.Process(buf[:n])
		if at4 == 0 && g.Pos() >= int64(4*fs) {
			at4 = heap()
		}
		if err != nil {
			break
		}
	}
	rx.Flush()
	end := heap()
	t.Logf("heap after 4 s: %d KB, after 16 s: %d KB, %d messages", at4>>10, end>>10, msgs)
	if end > at4+512<<10 {
		t.Errorf("heap grew from %d KB to %d KB", at4>>10, end>>10)
	}
	if msgs < 100 {
		t.Errorf("only %d messages", msgs)
	}
}
