package gridstream

import (
	"math"
	"math/rand/v2"
	"testing"
)

// magReference is mag as it was first written.
func magReference(v float32) float32 {
	if v != v {
		return 0
	}
	return math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
}

// spreadReference is spread as it was first written: the largest
// magnitude by float max, mag with a float compare.
func spreadReference(syms []float32) (mu, sigma float64) {
	top := float32(0)
	for _, v := range syms {
		top = max(top, magReference(v))
	}
	if !(top > 0) || math.IsInf(float64(top), 0) {
		return 0, 0
	}
	scale := float32(spreadBins) / top
	var hist [spreadBins]int32
	for _, v := range syms {
		hist[min(int(magReference(v)*scale), spreadBins-1)]++
	}
	med := (medianBin(&hist, len(syms)) + 0.5) / scale
	hist = [spreadBins]int32{}
	for _, v := range syms {
		d := magReference(v) - med
		if d < 0 {
			d = -d
		}
		hist[min(int(d*scale), spreadBins-1)]++
	}
	dev := (medianBin(&hist, len(syms)) + 0.5) / scale
	return float64(med), 1.4826 * float64(dev)
}

// medianBin (the reference's) returns the bin that holds the middle of n counts.
func medianBin(h *[spreadBins]int32, n int) float32 {
	half, sum := int32(n/2), int32(0)
	for i, k := range h {
		sum += k
		if sum > half {
			return float32(i)
		}
	}
	return spreadBins - 1
}

func randomSymbols(rng *rand.Rand, n int, snr float64) []float32 {
	syms := make([]float32, n)
	for i := range syms {
		syms[i] = float32((1 - 2*float64(rng.IntN(2))) + rng.NormFloat64()/max(snr, 0.1))
	}
	return syms
}

// spread gives what spreadReference gives for any symbols: noisy frames of
// every length, NaNs, infinities, signed zeros, ties.
func TestSpreadAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var c corrector
	odd := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
		1, -1, math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, math.Float32frombits(0xFFC00001)}
	for trial := range 3000 {
		syms := randomSymbols(rng, rng.IntN(3000), rng.Float64()*20)
		for i := range syms {
			if trial%5 == 0 && rng.IntN(50) == 0 || trial%11 == 0 {
				syms[i] = odd[rng.IntN(len(odd))]
			}
			if trial%7 == 0 {
				syms[i] = float32(math.Round(float64(syms[i]) * 4))
			}
		}
		for _, v := range syms {
			if m, w := mag(v), magReference(v); math.Float32bits(m) != math.Float32bits(w) {
				t.Fatalf("mag(%x) = %v, want %v", math.Float32bits(v), m, w)
			}
		}
		mu, sigma := c.spread(syms)
		wmu, wsigma := spreadReference(syms)
		if mu != wmu || sigma != wsigma {
			t.Fatalf("trial %d (%d symbols): spread %v %v, reference %v %v", trial, len(syms), mu, sigma, wmu, wsigma)
		}
	}
}

// BenchmarkSpread measures spread on a 125-byte frame's symbols at 12 dB.
func BenchmarkSpread(b *testing.B) {
	syms := randomSymbols(rand.New(rand.NewPCG(1, 2)), uartBits*125, 4)
	var c corrector
	b.ReportAllocs()
	for b.Loop() {
		c.spread(syms)
	}
}

func BenchmarkSpreadReference(b *testing.B) {
	syms := randomSymbols(rand.New(rand.NewPCG(1, 2)), uartBits*125, 4)
	for b.Loop() {
		spreadReference(syms)
	}
}

// leastReliableReference is leastReliable as it was first written: an
// insertion by float compares.
func leastReliableReference(soft []float32, cw, nbits int) (least []int, rel []float32) {
	for k := range nbits {
		r := mag(soft[symbolOf(cw, k)])
		n := len(rel)
		if n == chaseBits && r >= rel[n-1] {
			continue
		}
		if n < chaseBits {
			rel, least = append(rel, 0), append(least, 0)
		}
		i := min(n, chaseBits-1)
		for i > 0 && rel[i-1] > r {
			rel[i], least[i] = rel[i-1], least[i-1]
			i--
		}
		rel[i], least[i] = r, k
	}
	return least, rel
}

// leastReliable picks what leastReliableReference picks, in its order, for
// any symbols: short and long codewords, NaNs, infinities, signed zeros,
// ties.
func TestLeastReliableAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := corrector{pow: powX()}
	odd := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
		1, -1, math.MaxFloat32, math.SmallestNonzeroFloat32, math.Float32frombits(0xFFC00001)}
	for trial := range 3000 {
		bytes := 1 + rng.IntN(300)
		cw := rng.IntN(6)
		syms := randomSymbols(rng, uartBits*(cw+bytes), rng.Float64()*20)
		for i := range syms {
			if trial%5 == 0 && rng.IntN(20) == 0 || trial%11 == 0 {
				syms[i] = odd[rng.IntN(len(odd))]
			}
			if trial%3 == 0 {
				syms[i] = float32(math.Round(float64(syms[i]) * 4))
			}
		}
		nbits := 8 * bytes
		c.leastReliable(syms, cw, nbits)
		least, rel := leastReliableReference(syms, cw, nbits)
		if c.n != len(least) {
			t.Fatalf("trial %d: %d bits, want %d", trial, c.n, len(least))
		}
		for i := range least {
			if c.least[i] != least[i] || math.Float32bits(c.rel[i]) != math.Float32bits(rel[i]) ||
				c.shift[i] != flipShift(c.pow, least[i]) {
				t.Fatalf("trial %d: bit %d is %d (%v), want %d (%v)", trial, i, c.least[i], c.rel[i], least[i], rel[i])
			}
		}
	}
}
