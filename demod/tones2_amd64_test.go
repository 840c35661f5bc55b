//go:build !purego

package demod

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// TestToneSumsExactMatchGo: the four-at-a-time tone sums give
// toneSumsGo's bits for every length and window up to 40 and some longer,
// on inputs whose exponents span the whole range sumsExact allows (full
// mantissas, both signs, zeros of either sign), with and without
// energies; and toneSums still does with NaN, ±Inf and wider spans (not
// exact: the sequential kernel).
func TestToneSumsExactMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(13, 6))
	same32 := func(a, b []float32) bool {
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	}
	// edge draws a value whose biased exponent is in [e0, e0+span], with a
	// random full mantissa and sign; now and then a zero or the extremes.
	edge := func(e0, span int) float32 {
		var e int
		switch rng.IntN(8) {
		case 0:
			e = e0
		case 1:
			e = e0 + span
		case 2:
			return float32(math.Copysign(0, float64(1-2*rng.IntN(2))))
		default:
			e = e0 + rng.IntN(span+1)
		}
		b := uint32(e)<<23 | uint32(rng.IntN(1<<23)) | uint32(rng.IntN(2))<<31
		if rng.IntN(4) == 0 {
			b |= 1<<23 - 1 // all mantissa bits: the most a sum can carry
		}
		return math.Float32frombits(b)
	}
	lengths := make([]int, 0, 60)
	for n := range 41 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 63, 64, 65, 66, 67, 200, 1001)
	for _, n := range lengths {
		for L := 1; L <= 41; L++ {
			if L > 13 && L%7 != 0 && L != 41 {
				continue
			}
			for trial := range 5 {
				span := 29 - bits.Len(uint(L))
				e0 := 1 + rng.IntN(254-span)
				if trial == 0 {
					e0 = 1 // subnormals and the smallest normals
				}
				pp, pm := make([]complex64, n), make([]complex64, n)
				for i := range pp {
					pp[i] = complex(edge(e0, span), edge(e0, span))
					pm[i] = complex(edge(e0, span), edge(e0, span))
				}
				switch trial {
				case 2:
					// One binade too wide, or a NaN or an infinity: not exact.
					if n > 0 {
						i := rng.IntN(n)
						switch rng.IntN(4) {
						case 0:
							pp[i] = complex(float32(math.NaN()), 0)
						case 1:
							pm[i] = complex(0, float32(math.Inf(1-2*rng.IntN(2))))
						default:
							pm[i] = complex(math.Float32frombits(uint32(e0+span+1)<<23), 0)
						}
					}
				case 3:
					// Windows that cancel to zero: the same values back again.
					for i := L; i < n; i++ {
						if rng.IntN(3) == 0 {
							pp[i] = pp[i-L]
							pm[i] = -pm[i-L]
						}
					}
				case 4:
					// The same energy in both, parts swapped, now and then
					// a bit off: the energy difference cancels, its
					// rounding shows the order of the subtractions.
					for i := range pm {
						pm[i] = complex(imag(pp[i]), real(pp[i]))
						if rng.IntN(4) == 0 && imag(pp[i]) != 0 {
							pm[i] = complex(math.Float32frombits(math.Float32bits(imag(pp[i]))^1), real(pp[i]))
						}
					}
				}
				cp, cm, s := make([]complex64, n), make([]complex64, n), make([]float32, n)
				cp1, cm1, s1 := make([]complex64, n), make([]complex64, n), make([]float32, n)
				toneSumsGo(cp1, cm1, s1, pp, pm, L)
				exact := sumsExact(pp, pm, L)
				if trial != 2 && !exact {
					t.Fatalf("%d samples, L %d: inputs meant exact are not", n, L)
				}
				if exact && L >= 2 && n >= L+4 {
					toneSumsExact(cp, cm, s, pp, pm, L)
					if !sameBits(cp, cp1) || !sameBits(cm, cm1) || !same32(s, s1) {
						t.Fatalf("toneSumsExact, %d samples, L %d, trial %d: AVX2 and Go differ", n, L, trial)
					}
					clear(cp)
					clear(cm)
					toneSumsExact(cp, cm, nil, pp, pm, L)
					if !sameBits(cp, cp1) || !sameBits(cm, cm1) {
						t.Fatalf("toneSumsExact without energies, %d samples, L %d: AVX2 and Go differ", n, L)
					}
				}
				toneSums(cp, cm, s, pp, pm, L)
				if !sameBits(cp, cp1) || !sameBits(cm, cm1) || !same32(s, s1) {
					t.Fatalf("toneSums, %d samples, L %d, trial %d (exact %v): AVX2 and Go differ", n, L, trial, exact)
				}
			}
		}
	}
}

// BenchmarkToneSumsExact: a burst's tone sums with energies (3358
// samples, 7 a symbol) four at a time against the two-chain kernel.
func BenchmarkToneSumsExact(b *testing.B) {
	if !hasAVX2 {
		b.Skip("no AVX2 kernels on this CPU")
	}
	const n, L = 3358, 7
	rng := rand.New(rand.NewPCG(1, 2))
	pp, pm := make([]complex64, n), make([]complex64, n)
	for i := range pp {
		pp[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
		pm[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	cp, cm, s := make([]complex64, n), make([]complex64, n), make([]float32, n)
	b.Run("quad", func(b *testing.B) {
		for range b.N {
			toneSumsExact(cp, cm, s, pp, pm, L)
		}
	})
	b.Run("pair", func(b *testing.B) {
		for range b.N {
			toneSumsGo(cp[:L], cm[:L], s[:L], pp[:L], pm[:L], L)
			toneSumsPairAVX2(&cp[0], &cm[0], &s[0], &pp[0], &pm[0], n, L, L+(n-L)/2)
		}
	})
}

// TestBlockSumsMatchGo: the block energies eight blocks at a time give
// blockSumsGo's bits for block lengths 1–40 and 0–27 blocks, with zeros of
// either sign, subnormals, magnitudes over twelve decades, a NaN or an
// infinity here and there (an infinity's square, an overflowing one,
// and Inf - Inf's NaN).
func TestBlockSumsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(7, 13))
	for bl := 1; bl <= 40; bl++ {
		for nb := range 28 {
			pz := randomComplex(rng, nb*bl)
			if nb%3 == 1 {
				for range 3 {
					i := rng.IntN(len(pz))
					switch rng.IntN(4) {
					case 0:
						pz[i] = complex(float32(math.NaN()), imag(pz[i]))
					case 1:
						pz[i] = complex(real(pz[i]), float32(math.Inf(-1)))
					case 2:
						pz[i] = complex(3e30, imag(pz[i])) // its square overflows
					default:
						pz[i] = complex(float32(math.Inf(1)), 0)
						if j := rng.IntN(len(pz)); j != i {
							pz[j] = complex(0, float32(math.Inf(-1)))
						}
					}
				}
			}
			d, d1 := make([]float64, nb), make([]float64, nb)
			blockSums(d, pz, bl)
			blockSumsGo(d1, pz, bl)
			for j := range d {
				if math.Float64bits(d[j]) != math.Float64bits(d1[j]) {
					t.Fatalf("blockSums, %d blocks of %d, block %d: AVX2 %v, Go %v", nb, bl, j, d[j], d1[j])
				}
			}
			for j := range d1 {
				var s float64
				for _, v := range pz[j*bl : (j+1)*bl] {
					s += float64(real(v)*real(v) + imag(v)*imag(v))
				}
				if math.Float64bits(s) != math.Float64bits(d1[j]) {
					t.Fatalf("blockSumsGo, %d blocks of %d, block %d: %v, in order %v", nb, bl, j, d1[j], s)
				}
			}
		}
	}
}

// BenchmarkBlockSums: a burst's block energies (210 blocks of 31) eight
// blocks at a time against two.
func BenchmarkBlockSums(b *testing.B) {
	const nb, bl = 210, 31
	pz := randomComplex(rand.New(rand.NewPCG(1, 2)), nb*bl)
	d := make([]float64, nb)
	b.Run("eight", func(b *testing.B) {
		for range b.N {
			blockSums(d, pz, bl)
		}
	})
	b.Run("two", func(b *testing.B) {
		for range b.N {
			blockSumsGo(d, pz, bl)
		}
	})
}

// TestTailChainsMatchGo: tailSums' chains four values a step give the Go
// loop's bits and counts for 0–80 values and thresholds from among them,
// with zeros of either sign, subnormals, twelve decades, ±Inf and NaN.
func TestTailChainsMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for n := range 81 {
		for trial := range 20 {
			v := make([]float32, n)
			for i, c := range randomComplex(rng, n) {
				v[i] = real(c)
				if trial%4 == 3 && rng.IntN(8) == 0 {
					v[i] = float32([]float64{math.Inf(1), math.Inf(-1), math.NaN()}[rng.IntN(3)])
				}
			}
			tlo, thi := float32(rng.NormFloat64()), float32(rng.NormFloat64())
			if n > 0 {
				tlo, thi = v[rng.IntN(n)], v[rng.IntN(n)]
			}
			lo, hi, nlo, nhi := tailChains(v, tlo, thi)
			lo1, hi1, nlo1, nhi1 := tailChainsGo(v, 0, tlo, thi, [4]float64{}, [4]float64{}, 0, 0)
			for j := range 4 {
				if math.Float64bits(lo[j]) != math.Float64bits(lo1[j]) || math.Float64bits(hi[j]) != math.Float64bits(hi1[j]) {
					t.Fatalf("%d values, chain %d: AVX2 %v %v, Go %v %v", n, j, lo[j], hi[j], lo1[j], hi1[j])
				}
			}
			if nlo != nlo1 || nhi != nhi1 {
				t.Fatalf("%d values: counts AVX2 %d %d, Go %d %d", n, nlo, nhi, nlo1, nhi1)
			}
		}
	}
}

// BenchmarkTailChains: tailSums' chains over 930 values, four a step
// against the Go loop.
func BenchmarkTailChains(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, 930)
	for i := range v {
		v[i] = float32(rng.NormFloat64()*0.05 + 0.6*float64(2*rng.IntN(2)-1))
	}
	b.Run("vector", func(b *testing.B) {
		for range b.N {
			tailChains(v, -0.6, 0.6)
		}
	})
	b.Run("go", func(b *testing.B) {
		for range b.N {
			tailChainsGo(v, 0, -0.6, 0.6, [4]float64{}, [4]float64{}, 0, 0)
		}
	})
}

// TestEnergySumMatchGo: energySum gives the Go loop's bits for 0–80
// samples and some thousands, when the energies span few binades (eight
// chains), many (the Go loop), with zeros, subnormals, an overflowing
// energy, ±Inf and NaN.
func TestEnergySumMatchGo(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	lengths := make([]int, 0, 90)
	for n := range 81 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 2800, 4099)
	chains := 0
	for _, n := range lengths {
		for trial := range 12 {
			z := randomComplex(rng, n)
			if trial%3 != 0 {
				// A few binades (a burst): every partial sum exact.
				dec := float64(trial % 4)
				for i := range z {
					z[i] = complex(float32(rng.NormFloat64()*math.Pow(10, dec)), float32(rng.NormFloat64()))
					if rng.IntN(50) == 0 {
						z[i] = 0
					}
				}
			}
			if trial == 10 {
				// Squares of 4095·2^k: 24-bit energies, exact; a few 2^12
				// times smaller (24 binades down, over what any length here
				// allows): some sums round, in an order of their own.
				for i := range z {
					z[i] = complex(4095*float32(math.Ldexp(1, 20)), 0)
					if rng.IntN(5) == 0 {
						z[i] = complex(4095*float32(math.Ldexp(1, 8)), 0)
					}
				}
			}
			if trial == 11 && n > 0 {
				z[rng.IntN(n)] = []complex64{complex(float32(math.Inf(1)), 0), complex(0, float32(math.NaN())), complex(2e19, 0), complex(1e-30, 0)}[rng.IntN(4)]
			}
			got, want := energySum(z), energySumGo(z)
			if math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
				t.Fatalf("%d samples, trial %d: AVX2 %v, Go %v", n, trial, got, want)
			}
			if trial%3 != 0 && n >= 8 {
				chains++
			}
		}
	}
	if chains == 0 {
		t.Fatal("no exact case")
	}
}

// BenchmarkEnergySum: estimateTones' mean power over 2800 samples, eight
// chains against the Go loop.
func BenchmarkEnergySum(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	z := make([]complex64, 2800)
	for i := range z {
		// A constant envelope, noise 12 dB under it.
		ph := 0.7 * float64(i)
		z[i] = complex(float32(math.Cos(ph)+0.18*rng.NormFloat64()), float32(math.Sin(ph)+0.18*rng.NormFloat64()))
	}
	var sink float64
	b.Run("chains", func(b *testing.B) {
		for range b.N {
			sink += energySum(z)
		}
	})
	b.Run("go", func(b *testing.B) {
		for range b.N {
			sink += energySumGo(z)
		}
	})
	if sink == 0 {
		b.Fatal("no sum")
	}
}
