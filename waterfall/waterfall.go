// Package waterfall draws the spectrogram of an IQ recording as a picture:
// time down, frequency across, power in colour, axes in MHz and seconds,
// and boxes with labels on the bursts a receiver found.
//
// A Spectrogram takes samples as they stream (Feed) and keeps at most
// Options.MaxRows rows of Options.Bins power values: when the rows run out,
// neighbouring rows are merged (peak hold) and each later row covers twice
// as many FFT frames. Rows of one frame use every (half-overlapping) frame;
// once rows hold several, every other frame (not overlapping) is enough and
// only those are transformed, and the first merge keeps just their rows, so
// every row is the peak of as many spectra and the noise floor is the same
// all the way down. Memory is therefore MaxRows×Bins×4 bytes however long
// the recording (4.9 MB at the defaults), and a burst shorter than a row
// still shows. Only the standard library's image packages are used; text
// comes from a built-in 5×7 bitmap font.
//
// A File is a Spectrogram written as a PNG file when its input ends, with
// the bursts the receiver (package demod) reported boxed by BurstMark's
// rules.
package waterfall

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
)

// Defaults of Options.
const (
	DefaultBins    = 1024
	DefaultMaxRows = 1200
)

// Options configures a Spectrogram.
type Options struct {
	// SampleRate of the complex input, samples/s (required).
	SampleRate float64
	// CenterFreq is the recording's centre frequency in Hz; 0 means
	// unknown (the axis then shows offsets).
	CenterFreq float64
	// Bins is the FFT size, which is the picture's width in pixels: a
	// power of two from 64 to 4096 (0 means DefaultBins).
	Bins int
	// MaxRows bounds the rows kept, the picture's height (0 means
	// DefaultMaxRows; at least 16).
	MaxRows int
	// Title is written above the picture.
	Title string
}

// Spectrogram accumulates the power spectrum of a stream of samples.
type Spectrogram struct {
	opt  Options
	hop  int // samples between FFT frames (half a frame)
	fft  *fft
	win  []float32
	norm float64 // dB offset: full-scale tone in one bin is 0 dB

	frame []complex64 // the current frame's samples
	fill  int
	spec  []complex128

	rows   []float32 // MaxRows × Bins, linear power (dB when drawn)
	nrows  int
	cur    []float32 // the row being built (peak hold, linear power)
	curN   int       // frames in cur
	perRow int       // frames per row

	samples int64
	frames  int64
}

// New returns an empty spectrogram.
func New(opt Options) (*Spectrogram, error) {
	if !(opt.SampleRate > 0) || math.IsInf(opt.SampleRate, 0) {
		return nil, fmt.Errorf("waterfall: sample rate %v", opt.SampleRate)
	}
	if math.IsNaN(opt.CenterFreq) || math.IsInf(opt.CenterFreq, 0) {
		return nil, fmt.Errorf("waterfall: centre frequency %v", opt.CenterFreq)
	}
	if opt.Bins == 0 {
		opt.Bins = DefaultBins
	}
	if opt.Bins < 64 || opt.Bins > 4096 || opt.Bins&(opt.Bins-1) != 0 {
		return nil, fmt.Errorf("waterfall: %d bins: want a power of two from 64 to 4096", opt.Bins)
	}
	if opt.MaxRows == 0 {
		opt.MaxRows = DefaultMaxRows
	}
	if opt.MaxRows < 16 || opt.MaxRows > 100000 {
		return nil, errors.New("waterfall: MaxRows must be 16 to 100000")
	}
	opt.MaxRows &^= 1 // merging halves it
	n := opt.Bins
	s := &Spectrogram{opt: opt, hop: n / 2, fft: newFFT(n), win: make([]float32, n),
		frame: make([]complex64, n), spec: make([]complex128, n),
		rows: make([]float32, opt.MaxRows*n), cur: make([]float32, n), perRow: 1}
	var sum float64
	for i := range n {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		s.win[i] = float32(w)
		sum += w
	}
	s.norm = -20 * math.Log10(sum)
	return s, nil
}

// Feed adds samples. It never fails and allocates nothing.
func (s *Spectrogram) Feed(x []complex64) {
	s.samples += int64(len(x))
	for len(x) > 0 {
		k := copy(s.frame[s.fill:], x)
		s.fill += k
		x = x[k:]
		if s.fill == len(s.frame) {
			s.frames++
			if s.perRow > 1 && s.frames%2 == 0 {
				// Rows of several frames: every other frame (they do not
				// overlap) covers the whole signal at half the cost.
				s.skip()
			} else {
				s.transform()
			}
			copy(s.frame, s.frame[s.hop:])
			s.fill -= s.hop
		}
	}
}

// transform adds the current frame's spectrum to the row being built.
func (s *Spectrogram) transform() {
	n := len(s.frame)
	for i, v := range s.frame {
		s.spec[i] = complex(float64(real(v)*s.win[i]), float64(imag(v)*s.win[i]))
	}
	s.fft.transform(s.spec)
	// Negative frequencies on the left.
	h := n / 2
	for i, v := range s.spec {
		p := float32(real(v)*real(v) + imag(v)*imag(v))
		j := i + h
		if i >= h {
			j = i - h
		}
		s.cur[j] = max(s.cur[j], p)
	}
	s.curN++
	if s.curN == s.perRow {
		s.finishRow()
	}
}

// skip counts a frame without transforming it.
func (s *Spectrogram) skip() {
	s.curN++
	if s.curN == s.perRow {
		s.finishRow()
	}
}

// finishRow stores the row being built, merging rows when they run out.
func (s *Spectrogram) finishRow() {
	n := len(s.cur)
	if s.nrows == s.opt.MaxRows {
		for r := range s.nrows / 2 {
			a := s.rows[2*r*n : (2*r+1)*n]
			b := s.rows[(2*r+1)*n : (2*r+2)*n]
			dst := s.rows[r*n : (r+1)*n]
			if s.perRow == 1 {
				// From now on only every other frame is transformed
				// (Feed): keep the rows of those frames, so that every
				// row holds the peak of as many spectra and the noise
				// floor stays level across the merge.
				copy(dst, a)
				continue
			}
			for i := range dst {
				dst[i] = max(a[i], b[i])
			}
		}
		s.nrows /= 2
		s.perRow *= 2
		// The row being finished covered half of a new row's frames: keep
		// collecting into it.
		if s.curN < s.perRow {
			return
		}
	}
	row := s.rows[s.nrows*n : (s.nrows+1)*n]
	copy(row, s.cur)
	clear(s.cur)
	s.nrows++
	s.curN = 0
}

// Samples returns how many samples were written.
func (s *Spectrogram) Samples() int64 { return s.samples }

// Seconds returns the length of the signal written so far.
func (s *Spectrogram) Seconds() float64 { return float64(s.samples) / s.opt.SampleRate }

// RowSeconds returns the time one row of the picture covers.
func (s *Spectrogram) RowSeconds() float64 {
	return float64(s.perRow*s.hop) / s.opt.SampleRate
}

// Rows returns the number of complete rows (a partial last row is drawn
// too).
func (s *Spectrogram) Rows() int { return s.nrows }

// FreqRange returns the frequencies at the left and right edges.
func (s *Spectrogram) FreqRange() (lo, hi float64) {
	return s.opt.CenterFreq - s.opt.SampleRate/2, s.opt.CenterFreq + s.opt.SampleRate/2
}

// fft is an in-place radix-2 FFT of one size.
type fft struct {
	n   int
	tw  []complex128 // per stage of size 2^s, its size/2 twiddles, in order
	rev []int
}

func newFFT(n int) *fft {
	f := &fft{n: n, rev: make([]int, n)}
	for size := 2; size <= n; size <<= 1 {
		for k := range size / 2 {
			f.tw = append(f.tw, cmplx.Exp(complex(0, -2*math.Pi*float64(k)/float64(size))))
		}
	}
	bits := 0
	for 1<<bits < n {
		bits++
	}
	for i := range n {
		r := 0
		for b := range bits {
			if i&(1<<b) != 0 {
				r |= 1 << (bits - 1 - b)
			}
		}
		f.rev[i] = r
	}
	return f
}

func (f *fft) transform(x []complex128) {
	x = x[:f.n]
	for i, r := range f.rev {
		if i < r {
			x[i], x[r] = x[r], x[i]
		}
	}
	tw := f.tw
	for size := 2; size <= f.n; size <<= 1 {
		half := size / 2
		w := tw[:half]
		tw = tw[half:]
		for start := 0; start < f.n; start += size {
			a := x[start : start+half]
			b := x[start+half : start+size]
			for k, wk := range w {
				br, bi := real(b[k]), imag(b[k])
				wr, wi := real(wk), imag(wk)
				tr, ti := br*wr-bi*wi, br*wi+bi*wr
				ar, ai := real(a[k]), imag(a[k])
				a[k] = complex(ar+tr, ai+ti)
				b[k] = complex(ar-tr, ai-ti)
			}
		}
	}
}
