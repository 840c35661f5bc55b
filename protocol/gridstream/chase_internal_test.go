package gridstream

import (
	"math"
	"math/rand/v2"
	"testing"
)

// acceptedCandidates returns how many of the search's candidates (at most
// chaseFlips of the chaseBits least reliable bits) the posterior test
// (likely, with minPosterior) accepts for a frame of n bytes from the 0x2A byte whose soft
// symbols are soft, with k target networks.
func acceptedCandidates(c *corrector, n int, soft []float32, k int, minPosterior float64) int {
	const cw = 4 // the CI byte of 0x55 and 0xD5 frames
	nbits := 8 * (n - cw)
	c.leastReliable(soft, cw, nbits)
	frame := make([]byte, n)
	lambda, budget, lnClean, ok := c.budget(frame, soft, cw, nbits, k)
	if !ok {
		return 0
	}
	accepted := 0
	var walk func(from, depth int, sum float64)
	walk = func(from, depth int, sum float64) {
		for i := from; i < c.n; i++ {
			llr := lambda * float64(c.rel[i])
			if llr > chaseMaxLLR || !acceptable(sum+llr, budget, lnClean, minPosterior) {
				return // rel is sorted: no later bit fits either
			}
			accepted++
			if depth+1 < chaseFlips {
				walk(i+1, depth+1, sum+llr)
			}
		}
	}
	walk(0, 0, 0)
	return accepted
}

// A frame that is not a damaged frame of a heard meter (a collision, a
// crafted frame, random content under a heard meter's id) is corrected
// only when one of the candidates the posterior test accepts passes the
// CRC under the network its meter was heard on: probability 1/65536 each,
// whatever the content. The expected wrong corrections per such frame are
// therefore the accepted candidates / 65536, which depends only on the
// soft symbols: measured here at each Eb/N0 over the frames a noncoherent
// FSK channel delivers (at most DefaultFramingErrors wrong start or stop
// bits; the 0x2A, type, reserved and length bytes right), it resolves
// rates far below one in the trials run. Long 0xD5 frames, where nothing
// beyond the source id is checked against the heard meter, must stay
// below 3e-7 at every Eb/N0. Short broadcasts must also carry their
// meter's source WAN address (48 bits), so their posterior-only rate is
// logged, not bounded.
func TestChaseAcceptanceRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	c := &corrector{pow: powX()}
	for _, tc := range []struct {
		name         string
		bytes        int // from the 0x2A byte through the CRC
		n            int // frames per Eb/N0
		minPosterior float64
		bound        float64
	}{
		{"long 0xD5 (257 bytes)", 257, 2000, chaseMinPosterior, 3e-7},
		{"short 0x55 (39 bytes), source WAN address not checked", 39, 5000, 0, 0},
	} {
		soft := make([]float32, uartBits*tc.bytes)
		for _, ebn0 := range []float64{8, 10, 11, 12, 12.5, 13, 13.5, 14, 20} {
			sig := math.Sqrt(math.Pow(10, -ebn0/10) / 2)
			frames, accepted := 0, 0
			for range tc.n {
				framing, header := 0, 0
				for i := range soft {
					a, b := 1+sig*rng.NormFloat64(), sig*rng.NormFloat64()
					x, y := sig*rng.NormFloat64(), sig*rng.NormFloat64()
					soft[i] = float32(a*a + b*b - x*x - y*y) // the bit sent is 1
					if soft[i] < 0 {
						switch j := i % uartBits; {
						case j == 0 || j == uartBits-1:
							framing++
						case i < uartBits*4:
							header++
						}
					}
				}
				// Frames the deframer does not deliver as a frame of this
				// type and length are not searched.
				if framing > DefaultFramingErrors || header > 0 {
					continue
				}
				accepted += acceptedCandidates(c, tc.bytes, soft, 1, tc.minPosterior)
				frames++
			}
			rate := float64(accepted) / float64(max(frames, 1)) / 65536
			t.Logf("%s, Eb/N0 %g dB: %d candidates accepted in %d frames: %.3f expected wrong corrections per million", tc.name, ebn0, accepted, frames, rate*1e6)
			if tc.bound > 0 && rate > tc.bound {
				t.Errorf("%s, Eb/N0 %g dB: %.2g expected wrong corrections per frame, want ≤ %g", tc.name, ebn0, rate, tc.bound)
			}
		}
	}
}
