package demod

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/synth"
)

// TestFeedbackTonesLong: long 0xD5 frames (about 2.6 kbit on the air) at
// 38.4 kBd and 4 dB per-sample SNR at 250 kS/s (Eb/N0 12.1 dB) come
// through whole far more often than ideal noncoherent detection allows
// (69 %: a bit error rate of 1.4e-4), as phase-aware detection near the
// coherent rate (2.6e-5: 93 %) does; the noncoherent tone correlators
// alone got 82–88 %. 186 of 200 (93 %) must come through.
func TestFeedbackTonesLong(t *testing.T) {
	sc, err := synth.ScenarioByName("long-4db")
	if err != nil {
		t.Fatal(err)
	}
	o := scenarioOptions(sc, 250e3, 200, 600)
	o.Bauds = []float64{38400}
	res := runOptions(t, o, Config{})
	t.Logf("%d of %d frames, %d wrong", res.found, res.sent, res.extra)
	if res.sent < 200 || res.found < 186 || res.extra > 0 {
		t.Errorf("%d of %d frames (want ≥ 186), %d wrong", res.found, res.sent, res.extra)
	}
}
