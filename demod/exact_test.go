package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// twoMeansBranching is twoMeans as it was written first (a branch per
// value): the reference for the branch-free splitSums.
func twoMeansBranching(v []float32) (float32, float32) {
	var mean float32
	for _, x := range v {
		mean += x
	}
	mean /= float32(len(v))
	var sd float32
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	sd = float32(math.Sqrt(float64(sd / float32(len(v)))))
	c0, c1 := mean-sd, mean+sd
	for range 10 {
		mid := (c0 + c1) / 2
		var s0, s1 float32
		var n0, n1 int
		for _, x := range v {
			if x < mid {
				s0 += x
				n0++
			} else {
				s1 += x
				n1++
			}
		}
		if n0 == 0 || n1 == 0 {
			break
		}
		n0c, n1c := s0/float32(n0), s1/float32(n1)
		if n0c == c0 && n1c == c1 {
			break
		}
		c0, c1 = n0c, n1c
	}
	return c0, c1
}

// firstSymbolEndRecurrence is firstSymbolEnd with its oscillator turned
// sample by sample, as it was written first: the reference for the
// symbolLine tables.
func firstSymbolEndRecurrence(m []float32, off float32, L int, sps float64) float64 {
	var v complex128
	rot := complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps))
	o := complex128(1)
	for i := L; i < len(m); i++ {
		a := m[i] - off
		if a < 0 {
			a = -a
		}
		v += complex(float64(a)*real(o), float64(a)*imag(o))
		o *= rot
		if i&255 == 0 {
			o /= complex(math.Hypot(real(o), imag(o)), 0)
		}
	}
	ph := -math.Atan2(imag(v), real(v)) + 2*math.Pi*float64(L)/sps
	t := math.Mod(ph/(2*math.Pi)*sps, sps)
	if t < 0 {
		t += sps
	}
	for t < float64(L) {
		t += sps
	}
	return t
}

// TestQuickSyncExact: quickSync's faster pieces (the branch-free cluster
// sums, the symbol-rate line from a kept table, grown burst by burst) give
// the values of the loops they replace, bit for bit.
func TestQuickSyncExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	f := &fskDemod{}
	for trial := range 400 {
		n := 1 + rng.IntN(3000)
		v := make([]float32, n)
		dev := float32(rng.Float64() * 3)
		for i := range v {
			v[i] = dev*float32(1-2*rng.IntN(2)) + float32(rng.NormFloat64())*0.3
			switch rng.IntN(50) {
			case 0:
				v[i] = 0
			case 1:
				v[i] = float32(math.Copysign(0, -1))
			case 2:
				v[i] = v[max(0, i-1)]
			}
		}
		a0, a1 := twoMeans(v)
		b0, b1 := twoMeansBranching(v)
		if math.Float32bits(a0) != math.Float32bits(b0) || math.Float32bits(a1) != math.Float32bits(b1) {
			t.Fatalf("trial %d: twoMeans %v %v, the branching loop %v %v", trial, a0, a1, b0, b1)
		}
		L := 1 + rng.IntN(14)
		sps := []float64{3.26, 6.51, 13.02, float64(L)}[rng.IntN(4)]
		off := float32(rng.NormFloat64())
		if got, want := f.firstSymbolEnd(v, off, L, sps), firstSymbolEndRecurrence(v, off, L, sps); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("trial %d (%d values, L %d, sps %v): firstSymbolEnd %v, the recurrence %v", trial, n, L, sps, got, want)
		}
	}
}

// blockLinesRecurrence is blockLines with each block's oscillator turned
// sample by sample, as it was written first: the reference for the
// blockLine tables.
func blockLinesRecurrence(s []float32, sps float64) []complex128 {
	n := len(s)
	blk := int(32 * sps)
	nblk := (n + blk - 1) / blk
	out := make([]complex128, nblk)
	rot := complex(math.Cos(-2*math.Pi/sps), math.Sin(-2*math.Pi/sps))
	for j := range nblk {
		ph := -2 * math.Pi * math.Mod(float64(j*blk), sps) / sps
		o := complex(math.Cos(ph), math.Sin(ph))
		var v complex128
		for i := j * blk; i < min(n, (j+1)*blk); i++ {
			a := float64(s[i])
			if a < 0 {
				a = -a
			}
			v += complex(a*real(o), a*imag(o))
			o *= rot
		}
		out[j] = v
	}
	return out
}

// TestBlockLinesExact: the timing's symbol-rate lines from the kept
// tables, grown burst by burst (and turned as they go past them), are the
// recurrence's bit for bit.
func TestBlockLinesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	f := &fskDemod{}
	for trial := range 300 {
		n := 1 + rng.IntN(3*maxBlockLine) // past the tables too
		sps := []float64{3.26, 6.510416666666667, 13.02, 8}[rng.IntN(4)]
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
			switch rng.IntN(50) {
			case 0:
				s[i] = 0
			case 1:
				s[i] = float32(math.Copysign(0, -1))
			}
		}
		f.z = make([]complex64, n)
		f.blockLines(s, sps)
		want := blockLinesRecurrence(s, sps)
		for j, v := range want {
			if math.Float64bits(real(v)) != math.Float64bits(real(f.tblk[j])) || math.Float64bits(imag(v)) != math.Float64bits(imag(f.tblk[j])) {
				t.Fatalf("trial %d (%d samples, sps %v), block %d: %v, the recurrence %v", trial, n, sps, j, f.tblk[j], v)
			}
		}
	}
}

// syncInErrors is syncIn as it was written first (protocol.Sync.Errors
// for each word and polarity after every symbol): the reference for its
// masks.
func syncInErrors(p *protocolRadio, soft []float32) bool {
	var sr uint64
	for _, v := range soft {
		sr <<= 1
		if v > 0 {
			sr |= 1
		}
		for _, inv := range [2]uint64{0, ^uint64(0)} {
			for _, s := range p.sync {
				if e := s.Errors(sr ^ inv); e >= 0 && e <= syncErrors {
					return true
				}
			}
		}
	}
	return false
}

// TestSyncInMasks: syncIn finds a sync word exactly where Sync.Errors
// does, over random heads with GridStream's sync words planted in either
// polarity with up to five errors anywhere.
func TestSyncInMasks(t *testing.T) {
	rx := newTestReceiver(t, Config{SampleRate: 250e3})
	p := &rx.fskRadio
	rng := rand.New(rand.NewPCG(9, 10))
	found := 0
	for trial := range 4000 {
		soft := make([]float32, 64+rng.IntN(200))
		for i := range soft {
			soft[i] = float32(rng.NormFloat64())
		}
		if trial%2 == 0 {
			s := p.sync[rng.IntN(len(p.sync))]
			at := s.Bits + rng.IntN(len(soft)-s.Bits+1) // the word's last bit + 1
			sign := float32(1 - 2*rng.IntN(2))
			for b := range s.Bits {
				v := float32(-1)
				if s.Pattern>>uint(b)&1 == 1 {
					v = 1
				}
				soft[at-1-b] = sign * v
			}
			for range rng.IntN(6) {
				soft[at-1-rng.IntN(s.Bits)] *= -1
			}
		}
		got, want := p.syncIn(soft), syncInErrors(p, soft)
		if got != want {
			t.Fatalf("trial %d: syncIn %v, Sync.Errors %v", trial, got, want)
		}
		if got {
			found++
		}
	}
	if found < 500 || found > 3500 {
		t.Fatalf("a sync word in %d of 4000 heads: the test plants too few or too many", found)
	}
}

// TestMovingSums3: three moving sums in one pass are each the one-length
// loop's, bit for bit.
func TestMovingSums3(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		src := make([]float32, rng.IntN(3000))
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		Ls := [3]int{1 + rng.IntN(20), 1 + rng.IntN(20), 1 + rng.IntN(20)}
		d := [3][]float32{make([]float32, len(src)), make([]float32, len(src)), make([]float32, len(src))}
		movingSums3(d[0], d[1], d[2], src, Ls[0], Ls[1], Ls[2])
		for k, L := range Ls {
			want := make([]float32, len(src))
			movingSum(want, src, L)
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(d[k][i]) {
					t.Fatalf("trial %d, length %d, sum %d: %v, the one-length loop %v", trial, L, i, d[k][i], want[i])
				}
			}
		}
	}
}

// sampleSymbolsDividing is sampleSymbols as it was written first (the
// timing block of each prediction by division): the reference for the
// followed block index.
func sampleSymbolsDividing(f *fskDemod, s []float32, L int, sps float64) ([]float32, []float32) {
	var soft, when []float32
	n := len(f.z)
	blk := int(32 * sps)
	nblk := len(f.taus)
	t := f.taus[0]
	for t < float64(L-1) {
		t += sps
	}
	for t < float64(n-1) {
		i := int(t)
		fr := float32(t - float64(i))
		soft = append(soft, s[i]+fr*(s[i+1]-s[i]))
		when = append(when, float32(t))
		pred := t + sps
		j := min(nblk-1, int(pred)/blk)
		g := f.taus[j]
		g += math.Round((pred-g)/sps) * sps
		e := g - pred
		lim := 0.1 * sps
		e = max(-lim, min(lim, e))
		t = pred + e
	}
	return soft, when
}

// TestSampleSymbolsExact: reading the symbols with the timing block
// followed gives the dividing loop's symbols and positions.
func TestSampleSymbolsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for trial := range 300 {
		sps := 3 + rng.Float64()*12
		n := 2 + rng.IntN(20000)
		f := &fskDemod{z: make([]complex64, n)}
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
		blk := int(32 * sps)
		f.taus = make([]float64, (n+blk-1)/blk)
		for j := range f.taus {
			f.taus[j] = rng.Float64() * sps
		}
		L := max(2, int(math.Round(sps)))
		f.sampleSymbols(s, L, sps)
		soft, when := sampleSymbolsDividing(f, s, L, sps)
		if len(soft) != len(f.soft) {
			t.Fatalf("trial %d: %d symbols, the dividing loop %d", trial, len(f.soft), len(soft))
		}
		for k := range soft {
			if math.Float32bits(soft[k]) != math.Float32bits(f.soft[k]) || math.Float32bits(when[k]) != math.Float32bits(f.when[k]) {
				t.Fatalf("trial %d, symbol %d: %v at %v, the dividing loop %v at %v", trial, k, f.soft[k], f.when[k], soft[k], when[k])
			}
		}
	}
}
