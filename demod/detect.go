package demod

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// detector finds bursts in the band: a Hann-windowed FFT of one frame of
// samples, bin powers smoothed across neighbouring bins, compared with a
// per-bin noise floor that follows the quiet bins.
type detector struct {
	fs      float64
	n       int
	f       *fft
	win     []float32
	winPow  float64 // Σ win²
	buf     []complex64
	p       []float32 // bin power, DC in the middle (fftshifted)
	s       []float32 // smoothed over 2w+1 bins
	floor   []float32
	w       int
	thr     float32
	frames  int
	hot     []bool
	claim   []bool
	peaks   []peak
	order   []int32
	ratio   []float32 // a hot bin's smoothed power over its floor (pickPeaks)
	live    []int32   // pickByScan's unclaimed hot bins
	tmp     []float32
	noise   float64 // noisePower's value at frame noiseAt
	noiseAt int
	least   float32 // the weakest smoothed power that can be a burst this frame
	// dc is the input's mean (a receiver's DC offset), followed from the
	// windowed frames' DC bins; winDC holds the window's transform at the
	// bins a constant leaks into (0, ±1, ±2), to take it out of the
	// spectrum.
	dc    complex128
	winDC [5]complex128
	// dcBins are the bins of winDC (0, ±1, ±2 in transform order);
	// dcRatio and dcDenom are Smith's complex division by winDC[2] (a
	// real number, the window's sum) as the runtime's complex128div
	// takes it when |real| ≥ |imag|: the same quotient, without the call.
	dcBins           [5]int
	dcRatio, dcDenom float64
	dcSmith          bool
	// invN is 1/n when n is a power of two (then x/n is x·invN exactly),
	// else 0; peakSpan is pickPeaks' claim span (bins within 60 kHz).
	invN     float64
	peakSpan int
	dcPow    float32 // the DC offset's power in the bins it was taken out of
	// span is the binades between the frame's largest and smallest bin
	// powers (smooth sums exactly when it is small); blkHi and blkLo are the
	// largest and smallest power's bits in each run of 8 bins (it also
	// sums exactly when every two neighbouring runs span few binades).
	span         int
	blkHi, blkLo []uint32
	// holdDC keeps the DC estimate as it is this frame: a burst covers
	// 0 Hz, and its own mean is no DC offset of the receiver's. A frame's
	// mean waits in dcWait for dcDelay frames before it counts, and is
	// dropped when a burst shows up meanwhile: the frames before a burst is
	// detected hold its start.
	holdDC  bool
	dcWait  [dcDelay]complex128
	dcN     int // frames waiting
	dcCount int // frames counted
}

// dcFollow is how fast the DC estimate follows the frames' means: about
// 30 frames (40 ms), so a burst's own mean over a frame averages out.
const dcFollow = 1.0 / 32

// dcDelay is how many frames a frame's mean waits before it counts
// towards the DC estimate: longer than a burst takes to be detected.
const dcDelay = 4

// dynamicRange is the weakest burst, relative to the strongest in the same
// frame, the detector reports: -60 dB.
const dynamicRange = 1e-6

// peak is one burst candidate in a frame.
type peak struct {
	freq  float64 // Hz offset from the centre
	ratio float32 // smoothed power over the floor at the peak
	lo    float64 // occupied band edges (Hz)
	hi    float64
}

func newDetector(fs float64, n int, thrDB float64) *detector {
	d := &detector{fs: fs, n: n, f: newFFT(n), win: make([]float32, n), buf: make([]complex64, n),
		p: make([]float32, n), s: make([]float32, n), floor: make([]float32, n),
		blkHi: make([]uint32, n/8), blkLo: make([]uint32, n/8),
		hot: make([]bool, n), claim: make([]bool, n), order: make([]int32, 0, n)}
	for i := range d.win {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(n))
		d.win[i] = float32(w)
		d.winPow += w * w
		for j := range d.winDC {
			k := j - 2
			s, c := math.Sincos(-2 * math.Pi * float64(k*i) / float64(n))
			d.winDC[j] += complex(w*c, w*s)
		}
	}
	for j := range d.dcBins {
		d.dcBins[j] = (j - 2 + n) % n
	}
	if w := d.winDC[2]; math.Abs(real(w)) >= math.Abs(imag(w)) {
		d.dcRatio = imag(w) / real(w)
		d.dcDenom = real(w) + d.dcRatio*imag(w)
		d.dcSmith = true
	}
	if n&(n-1) == 0 {
		d.invN = 1 / float64(n)
	}
	d.peakSpan = int(60e3 / (fs / float64(n)))
	// Smooth over about 20 kHz: narrower than any GridStream burst.
	d.w = max(1, int(10e3/(fs/float64(n))))
	d.thr = float32(math.Pow(10, thrDB/10))
	return d
}

func (d *detector) binFreq(k float64) float64 {
	if d.invN != 0 {
		return (k - float64(d.n/2)) * d.fs * d.invN
	}
	return (k - float64(d.n/2)) * d.fs / float64(d.n)
}

// noisePower returns the estimated complex noise power per sample over the
// whole band (the median bin's floor, recomputed at most once a frame).
func (d *detector) noisePower() float64 {
	if d.frames == 0 {
		return 0
	}
	if d.noiseAt == d.frames {
		return d.noise
	}
	lo, hi := d.n/16, d.n-d.n/16 // skip the band edges
	d.tmp = append(d.tmp[:0], d.floor[lo:hi]...)
	selectNth(d.tmp, len(d.tmp)/2)
	med := float64(d.tmp[len(d.tmp)/2]) / float64(2*d.w+1)
	d.noise, d.noiseAt = med/d.winPow, d.frames
	return d.noise
}

// analyze runs one frame (len(x) == n) and returns the peaks.
func (d *detector) analyze(x []complex64) []peak {
	if !d.spectrum(x) {
		// Garbage input (NaN or infinite samples): skip the frame rather
		// than poison the noise floor.
		return d.peaks[:0]
	}
	d.smooth()
	return d.afterSmooth()
}

// afterSmooth finishes analyze once the frame's powers are smoothed: the
// noise floor and the peaks.
func (d *detector) afterSmooth() []peak {
	d.frames++
	if d.frames <= 4 {
		d.startFloor()
		return d.peaks[:0]
	}
	d.findHot()
	return d.pickPeaks()
}

// spectrum writes the bin powers of the windowed frame x to d.p (DC in the
// middle); it reports false when they are not finite.
func (d *detector) spectrum(x []complex64) bool {
	n := d.n
	if &x[0] == &d.buf[0] {
		for i, v := range x[:n] {
			w := d.win[i]
			d.buf[i] = complex(real(v)*w, imag(v)*w)
		}
		d.f.transform(d.buf)
	} else {
		d.f.windowTransform(d.buf, x, d.win)
	}
	d.removeDC()
	h := n / 2
	// The bit patterns of the largest and smallest powers (non-negative
	// floats order as their bits; a NaN, either sign, is over +Inf):
	// smooth's exponent span, and whether the frame is finite.
	// (n is a multiple of 8, and so is h: a run of 8 bins stays one.)
	powerBlocks(d.p[h:n], d.buf[:h], d.blkHi[h>>3:], d.blkLo[h>>3:])
	powerBlocks(d.p[:h], d.buf[h:n], d.blkHi[:h>>3], d.blkLo[:h>>3])
	hiBits, loBits := uint32(0), uint32(math.MaxUint32)
	for j, bh := range d.blkHi {
		hiBits, loBits = max(hiBits, bh), min(loBits, d.blkLo[j])
	}
	d.span = int(hiBits>>23) - max(int(loBits>>23), 1)
	if int(hiBits>>23)+bits.Len(uint(n)) < 254 {
		// Every power is finite and their sum is under 2¹²⁷: finite.
		return true
	}
	// Near the float32 range, the frame counts when the sum of its
	// powers (in transform order) does.
	var total float32
	for k := range n {
		total += d.p[(k+h)&(n-1)]
	}
	return !math.IsNaN(float64(total)) && !math.IsInf(float64(total), 0)
}

// removeDC follows the input's mean from the transformed frame's DC bin
// and takes it out of the bins it leaks into: a receiver's DC offset is no
// burst (and would hide bursts on the centre channel).
func (d *detector) removeDC() {
	m := d.dcQuotient(d.buf[0])
	switch {
	case d.holdDC || !finite(real(m)) || !finite(imag(m)): // cmplx.IsNaN(m) || cmplx.IsInf(m)
		d.dcN = 0
	case d.dcN < dcDelay:
		d.dcWait[d.dcN] = m
		d.dcN++
	default:
		// The mean of the frames so far, then an exponential average.
		d.dcCount++
		a := dcFollow // = max(dcFollow, 1/dcCount) from 1/dcFollow frames on
		if float64(d.dcCount) < 1/dcFollow {
			a = max(dcFollow, 1/float64(d.dcCount))
		}
		d.dc += complex(a, 0) * (d.dcWait[0] - d.dc)
		copy(d.dcWait[:], d.dcWait[1:])
		d.dcWait[dcDelay-1] = m
	}
	var p float64
	for j, w := range d.winDC {
		k := d.dcBins[j]
		v := d.dc * w
		d.buf[k] -= complex64(v)
		p += real(v)*real(v) + imag(v)*imag(v)
	}
	d.dcPow = float32(p)
}

// dcQuotient returns v / winDC[2], the frame's mean from its DC bin: the
// runtime's complex128div's first branch, without the call. Its NaN
// fix-up only rewrites quotients that are not finite either way (removeDC
// takes none of those).
func (d *detector) dcQuotient(v complex64) complex128 {
	m := complex128(v)
	if !d.dcSmith {
		return m / d.winDC[2]
	}
	a, b := real(m), imag(m)
	return complex((a+b*d.dcRatio)/d.dcDenom, (b-a*d.dcRatio)/d.dcDenom)
}

// finite reports whether x is neither infinite nor NaN, by its exponent.
func finite(x float64) bool { return math.Float64bits(x)&(0x7FF<<52) != 0x7FF<<52 }

// smooth writes the sliding sum of d.p over 2w+1 bins (clamped at the
// edges) to d.s, in float64 and never below zero: in float32 the rounding
// error of a strong bin (a full-scale DC carrier) carried into the weak
// bins after it, even below zero, and a negative floor is hot for ever.
// When the window is 5 bins (every rate up to 20 MS/s but 800 kS/s) and the
// frame's powers span few enough binades that no sum rounds, each window is
// summed on its own: the same values, without the running sum's chain.
func (d *detector) smooth() {
	if d.w == 2 && (d.span <= exactSpan(2) || runsExact(d.blkHi, d.blkLo, -1, -1)) {
		smooth5(d.s[:d.n], d.p[:d.n])
		return
	}
	smoothRunning(d.s[:d.n], d.p[:d.n], d.w)
}

// smoothRunning is smooth's running sum.
func smoothRunning(s, p []float32, w int) {
	n := len(p)
	var acc float64
	for k := 0; k <= w && k < n; k++ {
		acc += float64(p[k])
	}
	for k := range n {
		s[k] = float32(max(acc, 0))
		if k+w+1 < n {
			acc += float64(p[k+w+1])
		}
		if k-w >= 0 {
			acc -= float64(p[k-w])
		}
	}
}

// runsExact reports whether every two neighbouring runs of 8 bins (their
// largest and smallest powers' bits hi and lo), but the pairs holding run
// skipA or skipB, span at most exactSpan(2) binades. Then smooth's running
// sum over 5 bins rounds nowhere either: each of its partial sums is a sum
// of at most 6 neighbouring bins, which lie in two neighbouring runs, and
// exactSpan's bound holds for them (a strong burst far from the weakest
// bin does not make the sums round).
func runsExact(hi, lo []uint32, skipA, skipB int) bool {
	lim := exactSpan(2)
	for j := 0; j+1 < len(hi); j++ {
		if j == skipA || j+1 == skipA || j == skipB || j+1 == skipB {
			continue
		}
		if int(max(hi[j], hi[j+1])>>23)-max(int(min(lo[j], lo[j+1])>>23), 1) > lim {
			return false
		}
	}
	return true
}

// exactSpan is the largest exponent span (binades between the largest
// and the smallest bin power) for which smooth's float64 running sum
// rounds nowhere. Every float32 power is a multiple of the smallest one's
// unit in the last place u (2⁻²³ of its binade; 2⁻¹⁴⁹ for subnormals),
// and every partial sum of the running sum is a sum of at most 2w+2 bins,
// under (2w+2)·2^(span+1) times the smallest binade: a multiple of u below
// 2⁵³·u, held exactly in float64, while span+1+⌈log₂(2w+2)⌉ ≤ 30.
func exactSpan(w int) int {
	return 29 - bits.Len(uint(2*w+1))
}

// smooth5 writes the sum of p over 5 bins (clamped at the edges) to s,
// each window summed on its own: when no sum rounds (exactSpan), it is the
// running sum's value, without its chain of dependent additions.
func smooth5(s, p []float32) {
	n := len(p)
	if n < 5 || len(s) != n {
		smoothRunning(s, p, 2)
		return
	}
	a, b, c, d := float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3])
	s[0], s[1] = float32(a+b+c), float32(a+b+c+d)
	k := 2 + smooth5Mid(s[2:n-2], p)
	a, b, c, d = float64(p[k-2]), float64(p[k-1]), float64(p[k]), float64(p[k+1])
	for ; k < n-2; k++ {
		e := float64(p[k+2])
		s[k] = float32(a + b + c + d + e)
		a, b, c, d = b, c, d, e
	}
	s[n-2], s[n-1] = float32(a+b+c+d), float32(b+c+d)
}

// startFloor makes the noise floor the running mean of the first four
// frames; after the fourth, a burst during them must not become the floor:
// every bin is clamped to twice the median bin.
func (d *detector) startFloor() {
	a := 1 / float32(d.frames)
	for k := range d.n {
		d.floor[k] += a * (d.s[k] - d.floor[k])
	}
	if d.frames == 4 {
		d.tmp = append(d.tmp[:0], d.floor...)
		slices.Sort(d.tmp)
		lim := 2 * d.tmp[len(d.tmp)/2]
		for k := range d.floor {
			d.floor[k] = min(d.floor[k], lim)
		}
	}
}

// findHot marks the bins over the threshold (d.hot) and moves the noise
// floor: a slow follower of the quiet bins, and a slower one of hot bins,
// so a stuck carrier fades.
func (d *detector) findHot() {
	thr := d.thr
	// The receiver's dynamic range: the channel filters stop neighbours
	// by about 60 dB, so a bin that far below the strongest is its
	// leakage, not a burst of its own (this only matters when the input
	// has almost no noise).
	strongest := maxOf(d.dcPow, d.s) // what was taken out counts: its rounding is left
	d.least = strongest * dynamicRange
	floorStep(d.s[:d.n], d.floor, d.hot, d.claim, thr, d.least)
}

// pickPeaks picks peaks greedily: the strongest unclaimed hot bin claims
// its contiguous hot neighbours within ±60 kHz, at most 32 peaks.
func (d *detector) pickPeaks() []peak {
	// The hot bins, eight at a time (a bool is a byte, 0 or 1; n is a
	// multiple of 8): most bins are cold. In a word with hot bins, every
	// bin's index is written and the count moves past the hot ones: no
	// branch on each bin.
	hot := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(d.hot))), d.n)
	order := d.order[:d.n] // its capacity: every bin
	m := 0
	for w := 0; w+8 <= len(hot); w += 8 {
		v := binary.LittleEndian.Uint64(hot[w:])
		if v == 0 {
			continue
		}
		for b := range 8 {
			order[m] = int32(w + b)
			m += int(v >> (8 * b) & 1)
		}
	}
	order = order[:m]
	d.order = order
	d.peaks = d.peaks[:0]
	if m == 0 {
		return d.peaks
	}
	// Each hot bin's ratio once (not in every comparison): the same
	// comparisons, so the same order.
	d.ratio = grow(d.ratio, d.n)
	s, floor, ratio, least := d.s[:d.n], d.floor[:d.n], d.ratio[:d.n], d.least
	nan := false
	for _, k := range order {
		r := s[k] / max(floor[k], least)
		ratio[k] = r
		nan = nan || r != r
	}
	span := d.peakSpan
	if !nan && d.pickByScan(span) {
		return d.peaks
	}
	// Two unclaimed bins with the same ratio (or a NaN): their order is
	// the sort's.
	clear(d.claim)
	d.peaks = d.peaks[:0]
	slices.SortFunc(d.order, func(a, b int32) int {
		ra, rb := d.ratio[a], d.ratio[b]
		switch {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	for _, k := range d.order {
		if d.claim[k] || len(d.peaks) == 32 {
			continue
		}
		d.peaks = append(d.peaks, d.claimPeak(int(k), span))
	}
	return d.peaks
}

// pickByScan is pickPeaks' greedy loop without the sort: the strongest
// unclaimed hot bin, found by a scan, claims its peak, until none is left
// or 32 are. A few peaks in a frame cost a few scans of the hot bins
// instead of sorting them. The peaks are the sorted loop's as long as each
// strongest bin is the only one of its ratio; it reports false when two
// tie (the sort then decides their order).
func (d *detector) pickByScan(span int) bool {
	live := append(d.live[:0], d.order...)
	d.live = live[:0] // its storage, kept
	for len(live) > 0 && len(d.peaks) < 32 {
		best, tie := 0, false
		br := d.ratio[live[0]]
		for i, k := range live[1:] {
			switch r := d.ratio[k]; {
			case r > br:
				best, br, tie = i+1, r, false
			case r == br:
				tie = true
			}
		}
		if tie {
			return false
		}
		d.peaks = append(d.peaks, d.claimPeak(int(live[best]), span))
		n := 0
		for _, k := range live {
			if !d.claim[k] {
				live[n] = k
				n++
			}
		}
		live = live[:n]
	}
	return true
}

// claimPeak claims the hot bins around bin k (gaps of one bin bridged, at
// most span bins away) and returns the peak they make, centred on their
// excess power over the floor.
func (d *detector) claimPeak(k, span int) peak {
	n := d.n
	s, hot, claim := d.s[:n], d.hot[:n], d.claim[:n]
	lo, hi := k, k
	// A valley 10 dB under the peak, then a rise of 6 dB, is between two
	// bursts (or two lobes of one): each is a peak of its own.
	tenth := s[k] / 10
	a, e := max(0, k-span), min(n-1, k+span) // the reach
	low := s[k]
	for lo > a && (hot[lo-1] || (lo-2 >= 0 && hot[lo-2])) && !claim[lo-1] && !(low < tenth && s[lo-1] > 4*low) {
		lo--
		low = min(low, s[lo])
	}
	low = s[k]
	for hi < e && (hot[hi+1] || (hi+2 < n && hot[hi+2])) && !claim[hi+1] && !(low < tenth && s[hi+1] > 4*low) {
		hi++
		low = min(low, s[hi])
	}
	var sw, swk float64
	nf := float64(d.floor[k]) / float64(2*d.w+1)
	for j, pj := range d.p[lo : hi+1] {
		claim[lo+j] = true
		if e := float64(pj) - nf; e > 0 {
			sw += e
			swk += e * float64(lo+j)
		}
	}
	c := float64(k)
	if sw > 0 {
		c = swk / sw
	}
	return peak{
		freq:  d.binFreq(c),
		ratio: d.ratio[k], // pickPeaks' s[k] / max(floor[k], least)
		lo:    d.binFreq(float64(lo)),
		hi:    d.binFreq(float64(hi)),
	}
}

// absorb raises the noise floor of the bins from lo to hi Hz (and their
// smoothing neighbours) to the last frame's power: a signal that stays there
// is no longer a burst.
func (d *detector) absorb(lo, hi float64) {
	bin := d.fs / float64(d.n)
	a := max(0, int(math.Floor(lo/bin))+d.n/2-d.w)
	e := min(d.n-1, int(math.Ceil(hi/bin))+d.n/2+d.w)
	for k := a; k <= e; k++ {
		d.floor[k] = max(d.floor[k], d.s[k])
	}
}

// floorReach is how far from its first peak a burst's band may reach: the
// peaks it follows are within 35 kHz, each claiming up to 60 kHz around it.
const floorReach = 100e3

// saveFloor copies the noise floor within floorReach (and the smoothing
// width) of freq Hz into dst's storage and returns the first bin copied
// and the copy.
func (d *detector) saveFloor(freq float64, dst []float32) (int, []float32) {
	bin := d.fs / float64(d.n)
	c := int(math.Round(freq/bin)) + d.n/2
	reach := int(math.Ceil(floorReach/bin)) + d.w
	a, e := max(0, c-reach), min(d.n, c+reach+1)
	if a >= e {
		return 0, dst[:0]
	}
	return a, append(dst[:0], d.floor[a:e]...)
}

// restoreFloor lowers the noise floor of the bins from lo to hi Hz (and
// their smoothing neighbours) back to saved (copied from bin first on) where
// it rose: the hot bins' floor creeps up under a burst, and a transmission
// that ended is no part of the noise (a weak one right after a strong one
// on its channel must still stand out).
func (d *detector) restoreFloor(lo, hi float64, first int, saved []float32) {
	bin := d.fs / float64(d.n)
	a := max(first, int(math.Floor(lo/bin))+d.n/2-d.w)
	e := min(first+len(saved)-1, int(math.Ceil(hi/bin))+d.n/2+d.w)
	for k := a; k <= e; k++ {
		d.floor[k] = min(d.floor[k], saved[k-first])
	}
}
