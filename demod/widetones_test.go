package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fskTone appends to x a 2-FSK burst of n symbols at baud (random bits,
// deviation dev Hz, centre c Hz, amplitude a) sampled at fs, the frequency
// smoothed over a third of a symbol (strong Gaussian-like shaping).
func fskTone(x []complex64, rng *rand.Rand, fs, baud, dev, c, a float64) {
	sps := fs / baud
	n := int(float64(len(x)) / sps)
	freq := make([]float64, len(x))
	for k := range n {
		v := dev
		if rng.IntN(2) == 0 {
			v = -dev
		}
		for i := int(float64(k) * sps); i < min(len(x), int(float64(k+1)*sps)); i++ {
			freq[i] = v
		}
	}
	w := max(1, int(sps/3))
	var acc, ph float64
	for i := range x {
		acc += freq[i]
		if i >= w {
			acc -= freq[i-w]
		}
		ph += 2 * math.Pi * (c + acc/float64(w)) / fs
		x[i] += complex64(complex(a*math.Cos(ph), a*math.Sin(ph)))
	}
}

// TestSymmetricTones: the tones of a 38.4 kBd burst with h 2.6 (±50 kHz)
// are found within a few kHz (refineTones does the rest) alone, and with a
// neighbour as strong one channel (100 kHz) away: at 9600 baud (its tones
// 37–63 kHz beyond the wide burst's tone) either side, or another wide
// burst (its upper tone on the wide burst's lower one). (A 19.2 kBd
// neighbour's lower tone lies where the wide burst's band edge is looked
// for, 0.6 symbol rates beyond its tone: such bursts are still missed.)
func TestSymmetricTones(t *testing.T) {
	const fs, baud, dev, c = 300e3, 38400, 50e3, 3e3
	rng := rand.New(rand.NewPCG(1, 2))
	f := &fskDemod{}
	for _, nb := range []struct{ baud, dev, off float64 }{
		{0, 0, 0}, {9600, 13e3, 100e3}, {9600, 13e3, -100e3}, {38400, 50e3, -100e3},
	} {
		x := make([]complex64, 4000) // 13 ms: 500 symbols
		fskTone(x, rng, fs, baud, dev, c, 1)
		if nb.baud > 0 {
			fskTone(x, rng, fs, nb.baud, nb.dev, c+nb.off, 1)
		}
		for i := range x {
			x[i] += complex64(complex(0.3*rng.NormFloat64(), 0.3*rng.NormFloat64()))
		}
		gc, gd, ok := f.symmetricTones(x, fs, c+nb.off/4, 30e3, baud)
		if !ok || math.Abs(gc-c) > 5e3 || math.Abs(gd-dev) > 8e3 {
			t.Errorf("neighbour %+v: tones %.0f ± %.0f Hz (ok %v), want %.0f ± %.0f", nb, gc, gd, ok, c, dev)
		}
	}
}
