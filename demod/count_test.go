package demod

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// Stats.Bursts counts exactly the bursts OnBurst reports, and a candidate
// the search followed that held no signal in its channel (a false alarm
// on noise) is a candidate, not a burst: the summary, the dashboard and
// the waterfall all count bursts alike.
func TestBurstCounts(t *testing.T) {
	const fs = 2.4e6
	for _, tc := range []struct {
		name  string
		tones int // 5 ms tones, 25 dB over the noise in 20 kHz, 300 kHz apart
	}{
		{"noise", 0},
		{"noise and 5 tones", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			const sigma = 0.01
			amp := math.Sqrt(math.Pow(10, 2.5) * sigma * sigma * 20e3 / fs)
			x := make([]complex64, int(0.5*fs))
			for i := range x {
				x[i] = complex64(complex(rng.NormFloat64()*sigma/math.Sqrt2, rng.NormFloat64()*sigma/math.Sqrt2))
				for k := range tc.tones {
					if s0 := int((0.05 + 0.08*float64(k)) * fs); i >= s0 && i < s0+int(0.005*fs) {
						s, c := math.Sincos(2 * math.Pi * (float64(k)*300e3 - 600e3) * float64(i) / fs)
						x[i] += complex64(complex(amp*c, amp*s))
					}
				}
			}
			reported := 0
			rx, err := New(Config{SampleRate: fs, CenterFreq: 915e6, Decoders: testDecoders(gridstream.Config{NoLearn: true}),
				OnBurst: func(Burst) { reported++ }}, func(*frames.Message) {})
			if err != nil {
				t.Fatal(err)
			}
			for c := range len(x) / 40000 {
				rx.Process(x[c*40000 : (c+1)*40000])
			}
			rx.Flush()
			st := rx.Stats()
			t.Logf("%d candidates, %d bursts, %d reported", st.Candidates, st.Bursts, reported)
			if st.Bursts != int64(tc.tones) || reported != tc.tones || st.Candidates < st.Bursts {
				t.Errorf("%d candidates, %d bursts, %d reported by OnBurst: want %d bursts, all reported, no more bursts than candidates",
					st.Candidates, st.Bursts, reported, tc.tones)
			}
		})
	}
}
