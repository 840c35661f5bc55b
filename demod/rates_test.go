package demod

import (
	"fmt"
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// TestSampleRates decodes hopping bursts at every rate in common use, the
// band searched to ±40 % of the rate.
func TestSampleRates(t *testing.T) {
	for i, fs := range []float64{250e3, 300e3, 500e3, 1e6, 1.024e6, 2.048e6, 2.4e6, 2.56e6, 3.2e6, 6e6, 10e6} {
		t.Run(fmt.Sprint(fs), func(t *testing.T) {
			src := synth.NewHopper(synth.HopConfig{SampleRate: fs, Seed: uint64(i), Count: 24, Interval: 0.015,
				MaxOffset: 0.4*fs - 50e3, Grid: 100e3, GridOffset: 37e3, Jitter: 3e3, SNRdB: [2]float64{10, 20},
				RandomPolarity: true, ClockPPM: 30})
			res := runScenario(t, fs, 915e6, uint64(i+50), src, Config{})
			t.Logf("%d/%d", res.found, res.sent)
			if res.found < res.sent-1 || res.extra > 0 {
				t.Errorf("%d/%d frames, %d wrong (stats %+v)", res.found, res.sent, res.extra, res.stats)
			}
		})
	}
}
