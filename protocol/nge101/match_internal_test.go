package nge101

import (
	"math/rand/v2"
	"testing"
)

// The platform's matchWords (assembly on amd64) notes the same candidates
// and carries the same state as matchGeneric, on noise and on words full
// of heads.
func TestMatchKernelMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	var got, want [blockWords]candidates
	for i := range 2000 {
		words := make([]uint64, rng.IntN(blockWords+1))
		for k := range words {
			words[k] = rng.Uint64()
			if i%2 == 1 {
				// Heads (0b11111010 first bit first, so 0b01011111 LSB
				// first) at a random offset, kind bits at random.
				words[k] = 0x5F5F5F5F5F5F5F5F<<(k%8) ^ rng.Uint64()&rng.Uint64()&rng.Uint64()
			}
		}
		start := matchState{rng.Uint64(), rng.Uint64(), rng.Uint64()}
		m1, m2 := start, start
		n1, n2 := matchWords(&got, words, &m1), matchGeneric(&want, words, &m2)
		if n1 != n2 || m1 != m2 {
			t.Fatalf("case %d: %d candidates, state %+v; want %d, %+v", i, n1, m1, n2, m2)
		}
		for j := range n1 {
			if got[j] != want[j] {
				t.Fatalf("case %d, candidate %d: %+v, want %+v", i, j, got[j], want[j])
			}
		}
	}
}
