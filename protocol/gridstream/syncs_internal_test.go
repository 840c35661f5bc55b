package gridstream

import (
	"math/rand/v2"
	"testing"
)

// The platform's firstSyncs (assembly on amd64) finds the same word and
// positions as firstSyncsGeneric, on noise and on words with long runs of
// 1 bits (where sync words may end).
func TestFirstSyncsMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 15))
	for i := range 5000 {
		words := make([]uint64, rng.IntN(20))
		for k := range words {
			words[k] = rng.Uint64() | rng.Uint64() | rng.Uint64()
			if i%3 == 0 {
				words[k] |= rng.Uint64() | rng.Uint64()
			}
		}
		b := rng.Uint64() | rng.Uint64()
		k1, s1 := firstSyncs(words, b)
		k2, s2 := firstSyncsGeneric(words, b)
		if k1 != k2 || s1 != s2 {
			t.Fatalf("case %d: word %d, syncs %064b; want word %d, %064b", i, k1, s1, k2, s2)
		}
	}
}
