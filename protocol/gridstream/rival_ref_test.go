package gridstream

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rivalReference is rival as it was before it stopped at a frame whose
// least reliable bit is too strong for any rival: every frame searched.
func rivalReference(c *corrector, frame []byte, ci int, soft []float32, solved uint16, known, heard *targetSet) bool {
	cw := 1 + ci
	nbits := 8 * (len(frame) - cw)
	if nbits <= 16 || len(soft) < uartBits*len(frame) {
		return false
	}
	mu, sigma := spreadReference(soft[:uartBits*len(frame)])
	if !(mu > 0) {
		return false
	}
	sigma = max(sigma, mu/chaseMaxSNR)
	lambda := 2 * mu / (sigma * sigma)
	if c.pow == nil {
		c.pow = powX()
	}
	solvedHeard := heard.has(solved)
	bound := float64(ambiguityHeardDamaged)
	switch {
	case heard.n == 0:
		bound = ambiguityColdDamaged
	case !solvedHeard:
		bound = ambiguityUnheardDamaged
	}
	weak := float32(12 / lambda)
	dmg := 0.0
	for k := range nbits {
		if r := magReference(soft[symbolOf(cw, k)]); r <= weak {
			dmg += math.Log1p(math.Exp(-lambda * float64(r)))
		}
	}
	if dmg > bound {
		return true
	}
	least, rel := leastReliableReference(soft, cw, nbits)
	limit := float64(ambiguityHeardLLR)
	if solvedHeard {
		limit = ambiguityLLR
	}
	var llr [chaseBits]float64
	n := 0
	for n < len(rel) {
		llr[n] = lambda * float64(rel[n])
		if llr[n] > limit {
			break
		}
		n++
	}
	isRival := func(v uint16, sum float64) bool {
		if !known.has(v) || v == solved {
			return false
		}
		switch rivalHeard := heard.has(v); {
		case rivalHeard && !solvedHeard:
			return sum <= ambiguityHeardLLR
		case solvedHeard && !rivalHeard:
			return sum <= ambiguityUnheardLLR
		}
		return sum <= ambiguityLLR
	}
	shift := func(i int) uint16 { return flipShift(c.pow, least[i]) }
	for i := range n {
		si, li := shift(i), llr[i]
		if isRival(solved^si, li) {
			return true
		}
		for j := i + 1; j < n && li+llr[j] <= limit; j++ {
			sj, lj := si^shift(j), li+llr[j]
			if isRival(solved^sj, lj) {
				return true
			}
			for k := j + 1; k < n && lj+llr[k] <= limit; k++ {
				if isRival(solved^sj^shift(k), lj+llr[k]) {
					return true
				}
			}
		}
	}
	return false
}

// rival judges as rivalReference does: random frames of the 16 utilities'
// networks at every SNR, some with a bit made doubtful so that a rival
// network's reading is near, heard by no network, by theirs or by another.
func TestRivalAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	known := &targetSet{}
	for _, u := range Utilities {
		known = known.with(u.Init, true)
	}
	var c corrector
	verdicts := [2]int{}
	for trial := range 4000 {
		u := Utilities[rng.IntN(len(Utilities))].Init
		f := []byte{0x2A, TypeDirected, 0x00, 0xFD, 0x21}
		for range 4 + rng.IntN(120) {
			f = append(f, byte(rng.Uint32()))
		}
		crc := CRC16(u, f[4:])
		f = append(f, byte(crc>>8), byte(crc))
		snr := 0.5 + rng.Float64()*12
		soft := make([]float32, 0, uartBits*len(f))
		for _, b := range f {
			ch := uint16(b)<<1 | 1<<9
			for i := range uartBits {
				v := float32(1 + rng.NormFloat64()/snr)
				if ch>>i&1 == 0 {
					v = -v
				}
				soft = append(soft, v)
			}
		}
		for range rng.IntN(3) {
			soft[uartBits*(4+rng.IntN(len(f)-4))+1+rng.IntN(8)] *= float32(rng.Float64() * 0.05)
		}
		heard := &targetSet{}
		switch trial % 3 {
		case 1:
			heard = heard.with(u, true)
		case 2:
			heard = heard.with(Utilities[rng.IntN(len(Utilities))].Init, true)
		}
		solved := SolveInit(f[4:len(f)-2], uint16(f[len(f)-2])<<8|uint16(f[len(f)-1]))
		got := c.rival(f, headerWithRsvd, soft, solved, known, heard)
		if want := rivalReference(&corrector{}, f, headerWithRsvd, soft, solved, known, heard); got != want {
			t.Fatalf("trial %d (%d bytes, SNR %.1f): rival %v, reference %v", trial, len(f), snr, got, want)
		}
		if got {
			verdicts[1]++
		} else {
			verdicts[0]++
		}
	}
	if verdicts[0] < 100 || verdicts[1] < 100 {
		t.Fatalf("verdicts %v: both kinds of frame should be common", verdicts)
	}
}
