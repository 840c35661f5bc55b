package gridstream

import (
	"math/rand/v2"
	"testing"
)

// chaseBenchFrame returns a long 0xD5 frame (length 0xFD) of network init
// and soft symbols for it: noisy magnitudes, with bit at (a frame symbol
// index, or -1) received wrong and doubtful.
func chaseBenchFrame(init uint16, at int) ([]byte, []float32) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := []byte{0x2A, TypeDirected, 0x00, 0xFD, 0x21}
	for len(f) < 4+0xFD-2 {
		f = append(f, byte(rng.Uint32()))
	}
	c := CRC16(init, f[4:])
	f = append(f, byte(c>>8), byte(c))
	soft := make([]float32, 0, uartBits*len(f))
	for _, b := range f {
		ch := uint16(b)<<1 | 1<<9
		for i := range uartBits {
			v := float32(0.6 + 0.8*rng.Float64())
			if ch>>i&1 == 0 {
				v = -v
			}
			soft = append(soft, v)
		}
	}
	if at >= 0 {
		soft[at] = -soft[at] * 0.002
		f[at/uartBits] ^= 1 << (at%uartBits - 1)
	}
	return f, soft
}

// BenchmarkChaseNoMatch is the usual case: a long frame whose CRC fails,
// searched without a match (the least reliable bits, 696 candidates).
func BenchmarkChaseNoMatch(b *testing.B) {
	f, soft := chaseBenchFrame(0x1234, -1)
	t := (&targetSet{}).with(0x5FD6, true)
	solved := SolveInit(f[4:len(f)-2], uint16(f[len(f)-2])<<8|uint16(f[len(f)-1]))
	var c corrector
	b.ReportAllocs()
	for range b.N {
		if _, ok := c.correct(f, headerWithRsvd, soft, solved, t, chaseMinPosterior); ok {
			b.Fatal("corrected")
		}
	}
}

// BenchmarkChaseCorrect is the dearest case: a long frame with one wrong
// doubtful bit, found and weighed (spread, posterior test) and corrected.
func BenchmarkChaseCorrect(b *testing.B) {
	f, soft := chaseBenchFrame(0x5FD6, uartBits*100+4)
	t := (&targetSet{}).with(0x5FD6, true)
	solved := SolveInit(f[4:len(f)-2], uint16(f[len(f)-2])<<8|uint16(f[len(f)-1]))
	var c corrector
	b.ReportAllocs()
	for range b.N {
		if fix, ok := c.correct(f, headerWithRsvd, soft, solved, t, chaseMinPosterior); !ok || fix.flips != 1 {
			b.Fatal("not corrected")
		}
	}
}

// BenchmarkAmbiguityCheck is what every CRC-good long frame with soft
// symbols costs (rival): a frame of a heard network among the 16
// utilities, with one doubtful bit that leads nowhere, and of a network not
// heard (its clean probability summed too).
func BenchmarkAmbiguityCheck(b *testing.B) {
	f, soft := chaseBenchFrame(0x5FD6, -1)
	soft[uartBits*100+4] *= 0.002
	known := &targetSet{}
	for _, u := range Utilities {
		known = known.with(u.Init, true)
	}
	for _, heard := range []struct {
		name string
		set  *targetSet
	}{{"heard", (&targetSet{}).with(0x5FD6, true)}, {"unheard", (&targetSet{}).with(0xE623, true)}} {
		b.Run(heard.name, func(b *testing.B) {
			var c corrector
			b.ReportAllocs()
			for range b.N {
				if c.rival(f, headerWithRsvd, soft, 0x5FD6, known, heard.set) {
					b.Fatal("ambiguous")
				}
			}
		})
	}
}
