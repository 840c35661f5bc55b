package demod

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// followed runs x through rx a detector frame at a time and reports the
// most bursts followed at once and the longest one burst was followed, in
// samples.
func followed(rx *Receiver, x func(i int64) complex64, samples int64) (most int, longest int64) {
	buf := make([]complex64, rx.hop)
	since := map[*burst]int64{}
	for pos := int64(0); pos < samples; {
		n := min(int64(len(buf)), samples-pos)
		for i := range buf[:n] {
			buf[i] = x(pos + int64(i))
		}
		rx.Process(buf[:n])
		pos += n
		most = max(most, len(rx.active))
		for b, at := range since {
			if !slices.Contains(rx.active, b) {
				delete(since, b)
				longest = max(longest, pos-at)
			}
		}
		for _, b := range rx.active {
			if _, ok := since[b]; !ok {
				since[b] = pos
			}
			longest = max(longest, pos-since[b])
		}
	}
	return most, longest
}

func newTestReceiver(t *testing.T, cfg Config) *Receiver {
	t.Helper()
	dec := testDecoders(gridstream.Config{NoLearn: true})
	cfg.Decoders = dec
	rx, err := New(cfg, func(*frames.Message) {})
	if err != nil {
		t.Fatal(err)
	}
	return rx
}

// Constant full-scale input (a cu8 file of 0x00 or 0xFF bytes, here at
// rtl_sdr's 2.4 MS/s) is a DC carrier and nothing else: it must not start
// bursts that never end.
func TestConstantInput(t *testing.T) {
	fs := 2.4e6
	for _, v := range []float32{-1, 1} {
		rx := newTestReceiver(t, Config{SampleRate: fs, CenterFreq: 915e6})
		dc := func(int64) complex64 { return complex(v, v) }
		_, longest := followed(rx, dc, int64(fs))
		first := rx.Stats()
		_, later := followed(rx, dc, int64(fs))
		st := rx.Stats()
		t.Logf("%v: after 1 s %+v; after 2 s %+v; longest burst %.2f s", v, first, st, float64(max(longest, later))/fs)
		if max(longest, later) > rx.maxSpan+int64(rx.hop) { // a burst ends at a frame
			t.Errorf("%v: a burst was followed for %.2f s (at most %.2f s)", v, float64(max(longest, later))/fs, float64(rx.maxSpan)/fs)
		}
		if st.Bursts != first.Bursts || st.Channelized != first.Channelized || st.Attempts != first.Attempts {
			t.Errorf("%v: still busy after the first second: %d bursts, %d demodulation attempts, %d samples channelized (after 1 s: %d, %d, %d)",
				v, st.Bursts, st.Attempts, st.Channelized, first.Bursts, first.Attempts, first.Channelized)
		}
	}
}

// A carrier with short gaps never goes quiet long enough to end a burst,
// and at a low threshold the noise floor takes seconds to absorb it: the
// burst is cut at twice the longest transmission.
func TestLongCarrierCut(t *testing.T) {
	fs := 1e6
	rx := newTestReceiver(t, Config{SampleRate: fs, CenterFreq: 915e6, ThresholdDB: 5})
	rng := rand.New(rand.NewPCG(1, 2))
	w := 2 * math.Pi * 200e3 / fs
	_, longest := followed(rx, func(i int64) complex64 {
		n := complex(float32(rng.NormFloat64()*0.01), float32(rng.NormFloat64()*0.01))
		if i%1500 < 1300 {
			s, c := math.Sincos(w * float64(i))
			n += complex(float32(0.3*c), float32(0.3*s))
		}
		return n
	}, int64(3*fs))
	st := rx.Stats()
	t.Logf("%+v, longest burst %.2f s, limit %.2f s", st, float64(longest)/fs, float64(rx.maxSpan)/fs)
	if longest > rx.maxSpan+int64(rx.hop) || st.Cut == 0 {
		t.Errorf("a burst lasted %.2f s (limit %.2f s), %d cut", float64(longest)/fs, float64(rx.maxSpan)/fs, st.Cut)
	}
	// The limit is twice the longest frame at the slowest rate: a 259-byte
	// frame at 9600 baud lasts 0.28 s.
	if want := 2 * 2685 / 9600.0; math.Abs(float64(rx.maxSpan)/fs-want) > 0.01 {
		t.Errorf("limit %.3f s, want %.3f s", float64(rx.maxSpan)/fs, want)
	}
}

// manyCarriers is n carriers 100 kHz apart across the band.
func manyCarriers(fs float64, n int) func(int64) complex64 {
	rng := rand.New(rand.NewPCG(3, 4))
	return func(i int64) complex64 {
		v := complex(float32(rng.NormFloat64()*0.003), float32(rng.NormFloat64()*0.003))
		for k := range n {
			f := (float64(k) - float64(n-1)/2) * 100e3
			s, c := math.Sincos(2 * math.Pi * f / fs * float64(i))
			v += complex(float32(0.02*c), float32(0.02*s))
		}
		return v
	}
}

// Wideband interference (here 40 carriers) is followed MaxActive bursts at
// a time, no more: that bounds CPU and memory per input.
func TestMaxActive(t *testing.T) {
	fs := 5e6
	rx := newTestReceiver(t, Config{SampleRate: fs, CenterFreq: 915e6})
	most, _ := followed(rx, manyCarriers(fs, 40), int64(0.1*fs))
	st := rx.Stats()
	t.Logf("at most %d bursts at once, %+v", most, st)
	if most > MaxActive || st.Ignored == 0 {
		t.Errorf("%d bursts followed at once (at most %d), %d peaks ignored", most, MaxActive, st.Ignored)
	}
}

// TestReceiverMemory measures the heap a receiver holds at the worst: the
// highest sample rate (search buffers) plus MaxActive bursts each holding a
// whole MaxBurst piece. README quotes the bound.
func TestReceiverMemory(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	big := newTestReceiver(t, Config{SampleRate: MaxSampleRate, CenterFreq: 915e6})
	big.Process(make([]complex64, 1<<20))
	search := heap() - before
	// Bursts hold samples after the first decimation (240-480 kS/s), so a
	// full set costs the same at any input rate: fill MaxActive of them at
	// 2.4 MS/s.
	fs := 2.4e6
	before = heap()
	rx := newTestReceiver(t, Config{SampleRate: fs, CenterFreq: 915e6})
	most, _ := followed(rx, manyCarriers(fs, 20), int64(0.35*fs))
	bursts := heap() - before
	t.Logf("search at %.0f MS/s: %.1f MB; %d bursts of %.2f s at once: %.1f MB", MaxSampleRate/1e6, float64(search)/1e6,
		most, rx.cfg.MaxBurst, float64(bursts)/1e6)
	const limit = 64 << 20 // README: "demod … at most 64 MB per input"
	if most < 20 || search+bursts*MaxActive/uint64(most) > limit {
		t.Errorf("%d bursts; search %d MB + %d bursts %d MB: over %d MB", most, search>>20, MaxActive, bursts*MaxActive/uint64(most)>>20, limit>>20)
	}
	runtime.KeepAlive(big)
	runtime.KeepAlive(rx)
}
