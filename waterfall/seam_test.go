package waterfall

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// On noise alone every row has the same noise floor, before and after the
// rows first run out and merge: a row holds the peak of as many spectra as
// any other, so no seam shows where the merging started.
func TestNoSeamAtMerge(t *testing.T) {
	const bins, maxRows = 256, 200
	for _, frames := range []int{maxRows * 18 / 10, maxRows * 35 / 10, maxRows * 7} {
		s, err := New(Options{SampleRate: 1e6, Bins: bins, MaxRows: maxRows})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, uint64(frames)))
		x := make([]complex64, bins/2)
		for range frames + 1 {
			for i := range x {
				x[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
			}
			s.Feed(x)
		}
		seam := maxRows / s.perRow // the rows that cover the first maxRows frames
		before := medianRowPower(s, 0, seam)
		after := medianRowPower(s, seam, s.nrows)
		t.Logf("%d frames, %d rows of %d frames: median row power %.2f dB before row %d, %.2f dB after",
			frames, s.nrows, s.perRow, before, seam, after)
		if math.Abs(before-after) > 0.5 {
			t.Errorf("%d frames: noise floor %.2f dB above the first merge, %.2f dB below (a seam at row %d)",
				frames, before, after, seam)
		}
	}
}

// medianRowPower returns the median over rows [from, to) of each row's
// median bin power, in dB.
func medianRowPower(s *Spectrogram, from, to int) float64 {
	n := s.opt.Bins
	meds := make([]float64, 0, to-from)
	row := make([]float64, n)
	for r := from; r < to; r++ {
		for i, p := range s.rows[r*n : (r+1)*n] {
			row[i] = float64(p)
		}
		slices.Sort(row)
		meds = append(meds, row[n/2])
	}
	slices.Sort(meds)
	return 10 * math.Log10(meds[len(meds)/2])
}
