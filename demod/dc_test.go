package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// TestDCSpike: an RTL-SDR's DC offset (a constant added to every sample)
// must not become an endless burst, and bursts at the centre still decode.
func TestDCSpike(t *testing.T) {
	fs := 1e6
	iq, truth := synth.Generate(synth.Config{SampleRate: fs, Seed: 2}, synth.NewHopper(synth.HopConfig{
		SampleRate: fs, Seed: 3, Count: 8, Interval: 0.03, MaxOffset: 1, Jitter: 2e3, SNRdB: [2]float64{12, 12}}))
	for i := range iq {
		iq[i] += complex(0.012, -0.008) // 1–2 cu8 LSBs: 7 dB under the noise power, a spike in its bins
	}
	dec := testDecoders(gridstream.Config{NoLearn: true})
	n := 0
	rx, _ := New(Config{SampleRate: fs, CenterFreq: 915e6, Decoders: dec}, func(m *frames.Message) {
		if m.CRCOK {
			n++
		}
	})
	rx.Process(iq)
	rx.Flush()
	st := rx.Stats()
	t.Logf("%d of %d frames, stats %+v", n, len(truth), st)
	if n != len(truth) {
		t.Errorf("%d of %d frames", n, len(truth))
	}
	if st.Bursts > int64(len(truth))+2 {
		t.Errorf("%d bursts for %d transmissions", st.Bursts, len(truth))
	}
}
