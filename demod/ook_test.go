package demod

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// TestOOKCarrier checks the OOK carrier estimate on keyed tones in noise:
// within a tenth of the envelope's ±7 kHz of the true offset, for bursts
// longer and shorter than one periodogram segment, at both ends of the
// range searched.
func TestOOKCarrier(t *testing.T) {
	for _, fs := range []float64{250e3, 2.4e6} {
		r, err := New(Config{SampleRate: fs, CenterFreq: 433.92e6, Decoders: testDecoders(gridstream.Config{NoLearn: true})}, nil)
		if err != nil {
			t.Fatal(err)
		}
		o := r.ook
		in := o.rate * float64(o.dl)
		for _, hz := range []float64{0, 3e3, -12.5e3, 40e3, -44e3} {
			for _, n := range []int{o.fft.n / 2, 30 * o.fft.n} {
				rng := rand.New(rand.NewPCG(uint64(n), uint64(hz+1e6)))
				y := make([]complex64, n)
				for i := range y {
					// Keyed 0.5 ms on, 0.5 ms off, at 10 dB per sample.
					var a float64
					if int(float64(i)/in/5e-4)%2 == 0 {
						a = 1
					}
					ph := 2 * math.Pi * hz / in * float64(i)
					nz := complex(rng.NormFloat64(), rng.NormFloat64()) * complex(math.Sqrt(0.05), 0)
					y[i] = complex64(complex(a*math.Cos(ph), a*math.Sin(ph)) + nz)
				}
				got := o.carrier(y) * in
				if math.Abs(got-hz) > 700 {
					t.Errorf("%g S/s, %d samples: carrier %+.0f Hz, want %+.0f", fs, n, got, hz)
				}
			}
		}
	}
}
