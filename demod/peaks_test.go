package demod

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// pickPeaksSorted is pickPeaks as it was first written (every hot bin
// sorted by its ratio to the floor, then claimed greedily): the reference
// for the scan.
func pickPeaksSorted(d *detector) []peak {
	d.order = d.order[:0]
	for k := range d.n {
		if d.hot[k] {
			d.order = append(d.order, int32(k))
		}
	}
	d.peaks = d.peaks[:0]
	if len(d.order) == 0 {
		return d.peaks
	}
	slices.SortFunc(d.order, func(a, b int32) int {
		ra, rb := d.s[a]/max(d.floor[a], d.least), d.s[b]/max(d.floor[b], d.least)
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	span := int(60e3 / (d.fs / float64(d.n)))
	for _, k := range d.order {
		if d.claim[k] || len(d.peaks) == 32 {
			continue
		}
		d.peaks = append(d.peaks, d.claimPeak(int(k), span))
	}
	return d.peaks
}

// TestPickPeaksExact holds pickPeaks to the sorted reference: the same
// peaks and claims, on random frames whose powers tie often (a few
// levels), and on the frames of a hopping recording.
func TestPickPeaksExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	check := func(d *detector, what string) {
		t.Helper()
		hot := slices.Clone(d.hot)
		want := slices.Clone(pickPeaksSorted(d))
		wantClaim := slices.Clone(d.claim)
		clear(d.claim)
		copy(d.hot, hot)
		got := d.pickPeaks()
		if !slices.Equal(got, want) || !slices.Equal(d.claim, wantClaim) {
			t.Fatalf("%s: pickPeaks %v, the sorted reference %v", what, got, want)
		}
		clear(d.claim)
	}
	for _, n := range []int{16, 64, 512, 4096} {
		d := newDetector(250e3*float64(n)/64, n, 10)
		for trial := range 300 {
			levels := 1 + rng.IntN(6)
			for k := range n {
				d.s[k] = float32(1 + rng.IntN(levels))
				d.floor[k] = float32(1+rng.IntN(2)) / 4
				d.p[k] = d.s[k] / 5
				d.hot[k] = rng.IntN(4) != 0
			}
			d.least = 0
			if trial%3 == 0 {
				d.least = 1
			}
			check(d, "random frame")
		}
	}
	rec := row2M4Recording()
	x := make([]complex64, len(rec)/2)
	for i := range x {
		x[i] = complex(cu8Table[rec[2*i]], cu8Table[rec[2*i+1]])
	}
	d := newDetector(2.4e6, 512, 10)
	for i := 0; i+512 <= len(x); i += 2560 {
		if !d.spectrum(x[i : i+512]) {
			continue
		}
		d.smooth()
		d.frames++
		if d.frames <= 4 {
			d.startFloor()
			continue
		}
		d.findHot()
		check(d, "recording frame")
	}
}
