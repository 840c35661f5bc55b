package demod

import (
	"math"
	"testing"
)

// TestHalfbandStopband checks every first-stage design keeps its 60 dB
// stopband (within the Kaiser formula's error of about a dB), whichever
// half-band it picked.
func TestHalfbandStopband(t *testing.T) {
	for _, fs := range []float64{250e3 * 4, 1.024e6, 2.048e6, 2.4e6, 3.2e6} {
		d1 := 1
		for fs/float64(2*d1) >= 240e3 {
			d1 *= 2
		}
		f := fs
		for _, h := range newChannelizerDesign(fs, d1, 60e3) {
			taps := h.taps()
			if g := gainAt(taps, 0); math.Abs(g-1) > 1e-3 {
				t.Errorf("fs %g stage at %g: DC gain %g", fs, f, g)
			}
			if g := 20 * math.Log10(gainAt(taps, (f/2-60e3)/f)); g > -58.5 {
				t.Errorf("fs %g stage at %g (%d taps): %.1f dB at the stopband edge", fs, f, h.n, g)
			}
			f /= 2
		}
	}
}
