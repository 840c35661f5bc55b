package gridstream

import (
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// solveInitBitwise is the bit-at-a-time SolveInit the byte-wise one
// replaced: the register run backwards over 8*len(data) zero bits.
func solveInitBitwise(data []byte, sent uint16) uint16 {
	c := sent ^ CRC16(0, data)
	for range 8 * len(data) {
		if c&1 != 0 {
			c = (c^crcPoly)>>1 | 0x8000
		} else {
			c >>= 1
		}
	}
	return c
}

func TestSolveInitMatchesBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	data := make([]byte, 300)
	for n := range len(data) + 1 {
		for range 20 {
			for i := range data[:n] {
				data[i] = byte(rng.Uint32())
			}
			sent := uint16(rng.Uint32())
			if got, want := SolveInit(data[:n], sent), solveInitBitwise(data[:n], sent); got != want {
				t.Fatalf("%d bytes % X, sent %04X: SolveInit = %04X, bit at a time %04X", n, data[:n], sent, got, want)
			}
		}
	}
}

func TestHexUpper(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, b := range [][]byte{nil, {0}, {0xAB, 0x0F}, all} {
		if got, want := hexUpper(b), strings.ToUpper(hex.EncodeToString(b)); got != want {
			t.Errorf("hexUpper(% X) = %q, want %q", b, got, want)
		}
	}
}
