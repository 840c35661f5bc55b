//go:build !purego

package demod

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsMixFirstMatchGo: the channelizer with mixHalfband7AVX512
// gives the Go loops' bits (mixOscGo/mixOscDCGo, then halfbandGo), for
// input pieces of every length (odd ones move the windows' parity), DC
// offsets 0, -0 and others, one stage and three.
func TestKernelsMixFirstMatchGo(t *testing.T) {
	if !hasAVX512 || !hasAVX2 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	negZero := float32(math.Copysign(0, -1))
	for _, decim := range []int{2, 8} {
		design := newChannelizerDesign(2.4e6, decim, 60e3)
		if len(design[0].pairs) != 2 {
			t.Fatalf("decim %d: first stage %d taps, want 7", decim, design[0].n)
		}
		for trial := range 40 {
			freq := rng.Float64() - 0.5
			var dc complex64
			switch trial % 4 {
			case 1:
				dc = complex(negZero, negZero)
			case 2, 3:
				dc = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
			}
			var pieces [][]complex64
			for range 1 + rng.IntN(6) {
				n := rng.IntN(70)
				if rng.IntN(3) == 0 {
					n = rng.IntN(2*mixBlock + 40)
				}
				pieces = append(pieces, randomComplex(rng, n))
			}
			run := func() []complex64 {
				c := &channelizer{}
				c.clone(design)
				c.reset(freq)
				var out []complex64
				for _, p := range pieces {
					out = c.processDC(p, dc, out)
				}
				return out
			}
			got := run()
			useAVX2, useAVX512 = false, false
			want := run()
			useAVX2, useAVX512 = hasAVX2, hasAVX512
			if !sameBits(got, want) {
				t.Fatalf("decim %d, trial %d (dc %v, pieces %d): kernel and Go differ", decim, trial, dc, len(pieces))
			}
		}
	}
}

// TestKernelsMixFirstRuns: mixFirst takes the 16-sample rounds for both
// window parities (so the test above compares the kernel, not Go with Go).
func TestKernelsMixFirstRuns(t *testing.T) {
	if !hasAVX512 || !hasAVX2 {
		t.Skip("no AVX-512 on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	h := newChannelizerDesign(2.4e6, 2, 60e3)[0]
	h.buf = make([]complex64, h.n-1, h.n-1+mixBlock)
	for _, s := range []int{0, 1} {
		h.reset()
		h.next = h.n - 1 + s
		x, osc := randomComplex(rng, 37), randomComplex(rng, 37)
		h.in(len(x))
		dst := make([]complex64, h.outputs())
		if done := mixFirst(h, dst, x, osc, 0); done != 16 {
			t.Fatalf("parity %d: mixFirst did %d outputs, want 16", s, done)
		}
	}
}
