package demod

import (
	"math"
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// TestFreqError: recordings made by a receiver whose crystal is a known
// number of ppm off (synth's Frontend.PPM: every burst shifted by ppm times
// its frequency, transmitters ±1 kHz off on top) give that number back
// from the traffic, at both table rates, to well within a ppm, confident
// after 40 frames.
func TestFreqError(t *testing.T) {
	for _, tc := range []struct {
		fs   float64
		ppm  float64
		seed uint64
	}{
		{2.4e6, 0, 1}, {2.4e6, 37, 2}, {2.4e6, -50, 3}, {2.4e6, 53, 4},
		{250e3, -21, 5}, {250e3, 44, 6},
	} {
		o := synth.TableOptions(tc.fs, 12, 40, tc.seed)
		o.Frontend.PPM, o.Jitter = tc.ppm, 1e3
		rx := runOptionsRx(t, o)
		fe := rx.FreqError()
		t.Logf("%s, %+g ppm: %+.2f ± %.2f ppm from %d frames, confident %v", rateName(tc.fs), tc.ppm, fe.PPM, fe.Uncertainty, fe.Frames, fe.Confident)
		if !fe.Confident || math.Abs(fe.PPM-tc.ppm) > 1 || fe.Frames < 38 {
			t.Errorf("%s, %+g ppm: estimated %+.2f ± %.2f ppm from %d frames (confident %v)", rateName(tc.fs), tc.ppm, fe.PPM, fe.Uncertainty, fe.Frames, fe.Confident)
		}
		// Corrected from now on: it starts over.
		rx.ResetFreqError(0.5)
		if fe := rx.FreqError(); fe.Frames != 0 || fe.Confident {
			t.Errorf("after reset: %+v", fe)
		}
	}
	// Without a centre frequency nothing is absolute: no estimate.
	o := synth.TableOptions(2.4e6, 12, 10, 9)
	zero := 0.0
	o.CenterFreq = &zero
	if fe := runOptionsRx(t, o).FreqError(); fe.Frames != 0 || fe.Confident {
		t.Errorf("no centre frequency: %+v", fe)
	}
}
