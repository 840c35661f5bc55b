package demod

import (
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/synth"
)

// TestCarrierLead: bursts that start with up to 5 ms of unmodulated carrier
// (a third cluster at the centre for the estimators) still decode.
func TestCarrierLead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var list []synth.Burst
	for i := range 12 {
		list = append(list, synth.Burst{Start: int64(5000 + i*30000), FSK: &synth.FSKBurst{
			Frame: gridstream.RandomFrame(rng, 0x5FD6), Trailer: 4, Baud: []float64{9600, 19200, 38400}[i%3],
			BT: 0.5, FreqOffset: float64(i%5-2) * 1e3, SNRdB: 6, CarrierLead: float64(i%4) * 0.0015, Invert: i%2 == 1,
		}})
	}
	res := runScenario(t, 250e3, 0, 3, synth.Bursts(list...), Config{})
	if res.found != res.sent || res.extra > 0 {
		t.Errorf("%d of %d frames, %d wrong", res.found, res.sent, res.extra)
	}
}
