package demod

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAnalyzeTransformed: a frame transformed on its own (transformFrame)
// and finished in order (analyzeTransformed) gives the detector exactly
// what analyze gives it: the same bin powers, smoothing, noise floor, DC
// estimate and peaks, frame after frame, for frames whose DC offset widens
// the powers' span past exact smoothing or narrows it, strong tones,
// silence, and frames that are not finite or near the float32 range.
func TestAnalyzeTransformed(t *testing.T) {
	for _, fs := range []float64{100e3, 250e3, 800e3, 2.4e6, 20e6} {
		n := 16
		for float64(n) < fs/5000 {
			n <<= 1
		}
		a, b := newDetector(fs, n, 7), newDetector(fs, n, 7)
		rng := rand.New(rand.NewPCG(1, uint64(fs)))
		x := make([]complex64, n)
		f := specFrame{buf: make([]complex64, n), p: make([]float32, n), s: make([]float32, n), blkHi: make([]uint32, n/8), blkLo: make([]uint32, n/8)}
		for frame := range 400 {
			kind := frame % 10
			dc := complex(float32(rng.NormFloat64()*0.01), 0)
			if kind == 3 {
				dc = 1e3 // the DC bins far above the rest: exact sums no longer
			}
			for i := range x {
				x[i] = complex(float32(rng.NormFloat64()*0.01), float32(rng.NormFloat64()*0.01)) + dc
				switch kind {
				case 1: // a strong tone
					s, c := math.Sincos(2 * math.Pi * 0.1234 * float64(i))
					x[i] += complex(float32(10*c), float32(10*s))
				case 4: // silence but for the DC offset
					x[i] = dc
				case 5:
					x[i] *= 1e-20 // subnormal powers
				case 6:
					x[i] *= 1e17 // near the float32 range
				case 7:
					if i == n/3 {
						x[i] = complex(float32(math.NaN()), 0)
					}
				case 8:
					if i == n/5 {
						x[i] = complex(float32(math.Inf(1)), 0)
					}
				}
			}
			a.holdDC, b.holdDC = frame%7 == 2, frame%7 == 2
			want := slices.Clone(a.analyze(x))
			b.transformFrame(x, &f)
			got := b.analyzeTransformed(&f)
			if !slices.Equal(got, want) {
				t.Fatalf("%g S/s frame %d (kind %d): peaks %v, want %v", fs, frame, kind, got, want)
			}
			if !equalBits(a.p, b.p) || !equalBits(a.s, b.s) || !equalBits(a.floor, b.floor) || a.dc != b.dc || a.span != b.span {
				t.Fatalf("%g S/s frame %d (kind %d): detector state differs", fs, frame, kind)
			}
		}
	}
}

func equalBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}

// TestPickByScan: pickPeaks (the strongest unclaimed hot bin found by a
// scan, the sort only when two tie) gives the peaks, in their order, that
// the loop over the hot bins sorted by ratio gives, and claims the same
// bins: random frames with few and many bursts, ratios that tie (powers
// on a coarse grid), a NaN ratio, more than 32 peaks.
func TestPickByScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for frame := range 2000 {
		n := 64 << rng.IntN(4)
		d := newDetector(2.4e6*float64(n)/512, n, 7)
		d.least = 1e-9
		coarse := frame%3 == 0
		for k := range n {
			d.floor[k] = 1
			d.s[k] = float32(rng.ExpFloat64())
			if coarse {
				d.s[k] = float32(math.Round(float64(d.s[k])))
			}
		}
		for range rng.IntN(40) { // bursts
			c, w := rng.IntN(n), 1+rng.IntN(12)
			a := float32(5 + rng.ExpFloat64()*100)
			if coarse {
				a = float32(10 * math.Round(float64(a)/10))
			}
			for k := max(0, c-w); k < min(n, c+w); k++ {
				d.s[k] += a
			}
		}
		if frame%97 == 0 {
			d.floor[rng.IntN(n)], d.least = 0, 0 // 0/0 somewhere
		}
		for k := range n {
			d.hot[k] = d.s[k] > 7*max(d.floor[k], d.least) || (d.floor[k] == 0 && frame%97 == 0)
			d.p[k] = d.s[k] / 5
			d.claim[k] = false
		}
		got := slices.Clone(d.pickPeaks())
		gotClaim := slices.Clone(d.claim)
		clear(d.claim)
		want := pickPeaksSorted(d)
		if fmt.Sprint(got) != fmt.Sprint(want) || !slices.Equal(gotClaim, d.claim) { // (NaN ratios print alike)
			t.Fatalf("frame %d (%d bins): peaks %v, sorted loop's %v", frame, n, got, want)
		}
	}
}

// pickPeaksSorted is pickPeaks as it was: every hot bin sorted by ratio.
func pickPeaksSorted(d *detector) []peak {
	var order []int32
	for k := range d.n {
		if d.hot[k] {
			order = append(order, int32(k))
		}
	}
	slices.SortFunc(order, func(a, b int32) int {
		ra, rb := d.s[a]/max(d.floor[a], d.least), d.s[b]/max(d.floor[b], d.least)
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	var peaks []peak
	span := int(60e3 / (d.fs / float64(d.n)))
	for _, k := range order {
		if d.claim[k] || len(peaks) == 32 {
			continue
		}
		pk := d.claimPeak(int(k), span)
		pk.ratio = d.s[k] / max(d.floor[k], d.least) // claimPeak reads pickPeaks' own
		peaks = append(peaks, pk)
	}
	return peaks
}
