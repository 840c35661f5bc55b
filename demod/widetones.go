package demod

import "math"

// symmetricTones estimates the tones of a wide 2-FSK burst of symbol rate
// baud from the power spectrum of y (sampled at fs, the burst's active
// span): the pair of tones symmetric about a centre within ±reach Hz of
// guess, 0.5–1.5 symbol rates from it (a modulation index of 1 to
// maxModIndex), each of which is the outer edge of the burst's band: the
// score is the weaker side's contrast (in the log) between the power at
// the tone and the power 0.6 symbol rates further out. Nothing of a
// Gaussian-shaped burst lies beyond its tones, while a neighbour's energy
// inside the wide channel makes a different pair, not symmetric about the
// burst's centre or too far apart (the FM discriminator, which sees the
// sum of both, is drawn towards it: the tone estimate of decodeOnce missed
// such bursts by up to 30 kHz). It returns the centre and the deviation
// (Hz).
func (f *fskDemod) symmetricTones(y []complex64, fs, guess, reach, baud float64) (c, d float64, ok bool) {
	n := 1
	for float64(n) < fs/2000 {
		n <<= 1
	}
	if len(y) < 2*n {
		return 0, 0, false
	}
	if f.tfft == nil || f.tfft.n != n {
		f.tfft = newFFT(n)
		f.twin = make([]float32, n)
		for i := range f.twin {
			f.twin[i] = float32(0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n)))
		}
		f.tbuf = make([]complex64, n)
	}
	f.tpsd = grow(f.tpsd, n+1)
	psd := f.tpsd[:n+1]
	clear(psd)
	h := n / 2
	for s := 0; s+n <= len(y); s += h {
		for i, v := range y[s : s+n] {
			w := f.twin[i]
			f.tbuf[i] = complex(real(v)*w, imag(v)*w)
		}
		f.tfft.transform(f.tbuf)
		for k, v := range f.tbuf {
			// Running sums: psd[j+1] holds the power of bins up to j,
			// DC in the middle.
			psd[(k+h)&(n-1)+1] += float64(real(v)*real(v) + imag(v)*imag(v))
		}
	}
	for j := 1; j <= n; j++ {
		psd[j] += psd[j-1]
	}
	bin := fs / float64(n)
	half := max(1, int(math.Round(0.2*baud/bin))) // a tone's half width in bins
	energy := func(hz float64) float64 {
		k := int(math.Round(hz/bin)) + h
		a, b := k-half, k+half+1
		if a < 0 || b > n {
			return math.NaN()
		}
		return math.Log(psd[b] - psd[a] + 1e-30)
	}
	best := math.Inf(-1)
	dmin, dmax := 0.5*baud, maxModIndex*baud/2+3e3
	out := 0.6 * baud
	step := bin / 2
	for cc := guess - reach; cc <= guess+reach; cc += step {
		for dd := dmin; dd <= dmax; dd += step {
			lo := energy(cc-dd) - energy(cc-dd-out)
			hi := energy(cc+dd) - energy(cc+dd+out)
			if e := min(lo, hi); e > best {
				best, c, d = e, cc, dd
			}
		}
	}
	return c, d, best > 0 && !math.IsInf(best, 0)
}
