package bitio

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The platform's packWords and normalizeBlocks (SSE2 on amd64) agree with
// the plain Go ones.
func TestPackKernelsMatchGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 200 {
		n := rng.IntN(70)
		src := make([]byte, 64*n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		got, want := make([]uint64, n), make([]uint64, n)
		packWords(got, src)
		packWordsGeneric(want, src)
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("word %d: %064b, want %064b", k, got[k], want[k])
			}
		}
		for _, inv := range []uint64{0, lowBits} {
			a, b := bytes.Clone(src), bytes.Clone(src)
			normalizeBlocks(a, inv)
			normalizeGeneric(b, inv)
			if !bytes.Equal(a, b) {
				t.Fatalf("normalizeBlocks differs (inv %x)", inv)
			}
		}
	}
}
