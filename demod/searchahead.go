package demod

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
)

// The search, parallel over frames (with a channel stage). What one
// search frame computes from its own samples alone — the window, the FFT,
// the bin powers, their smoothing — does not depend on the frames before;
// only the DC offset taken out of the bins around 0 Hz, the noise floor
// and the bursts do. So a block of input is written to the ring first, the
// frames in it are transformed at once (the goroutine calling Process and
// helpers take frames from a shared counter), and the frames are then
// finished in order: the DC offset out of the five bins it leaks into,
// their powers, the smoothing of the few bins whose window holds them (or,
// when the powers span too many binades for exact sums, the running sum
// from the first of them on, continued from where the frame's transform
// left it), the noise floor, the peaks and the bursts. The values are those
// detector.analyze computes, bit for bit.

// specFrame is one frame's transform, as far as it goes without the
// detector's state.
type specFrame struct {
	buf  []complex64 // scratch: the windowed transform
	x    []complex64 // scratch: the frame's samples converted
	p, s []float32   // bin powers (DC in the middle) and their smoothing
	dc   [5]complex64
	// hiBits and loBits are the largest and smallest power's bits over
	// the bins the DC offset does not touch, blkHi and blkLo in each run of
	// 8 bins (detector.blkHi).
	hiBits, loBits uint32
	blkHi, blkLo   []uint32
	// exact: s holds smooth5 (valid away from the DC bins); else s holds
	// the running sum before bin k0, acc its state there.
	exact bool
	k0    int
	acc   float64
}

// searchAhead writes a block to the ring and transforms its frames in
// parallel. A work item writes (converts, for raw input) a piece of the
// block, cut after a frame's end, and transforms the frames that end in
// it: each frame's samples are in its own piece or in the blocks before,
// so the goroutine that converts samples is the one that transforms them,
// while they are in its cache.
type searchAhead struct {
	d      *detector
	frames []specFrame
	ends   []int64 // input index after each frame's last sample
	// Work item i writes the block's samples cuts[i]…cuts[i+1] (offsets
	// in it) and transforms frames firsts[i]…firsts[i+1].
	cuts, firsts []int
	group        int // frames per work item
	ring         *stageRing
	in           *inputSpan // the block being written and transformed: in's samples off…
	off          int
	from         int64 // the block's input index
	next         atomic.Int64
	helped       sync.WaitGroup
	kick         chan struct{}
	help         int // helpers
	first        int // the frame analyzeFrame takes next
}

// pieceSamples is about how many samples one work item writes (at least
// a hop).
const pieceSamples = 1 << 12

func newSearchAhead(r *Receiver, helpers, frames int) *searchAhead {
	sa := &searchAhead{d: r.det, ring: r.stageRing, help: helpers, group: max(1, pieceSamples/r.hop)}
	n := r.det.n
	sa.frames = make([]specFrame, frames)
	for i := range sa.frames {
		sa.frames[i] = specFrame{buf: make([]complex64, n), x: make([]complex64, n), p: make([]float32, n), s: make([]float32, n),
			blkHi: make([]uint32, n/8), blkLo: make([]uint32, n/8)}
	}
	sa.ends = make([]int64, 0, frames)
	sa.cuts = make([]int, 0, frames+2)
	sa.firsts = make([]int, 0, frames+2)
	return sa
}

// start starts the helpers.
func (sa *searchAhead) start() {
	kick := make(chan struct{}, sa.help)
	sa.kick = kick
	for range sa.help {
		go func() {
			labelStage("transform")
			for range kick {
				sa.work()
				sa.helped.Done()
			}
		}()
	}
}

// stop ends the helpers.
func (sa *searchAhead) stop() {
	if sa.kick != nil {
		close(sa.kick)
		sa.kick = nil
	}
}

// run writes the block of in's samples off…off+n (input index from on) to
// the ring and transforms the frames that end in it (multiples of hop, at
// least a frame in); the work items are shared out between the goroutine
// calling it and the helpers.
func (sa *searchAhead) run(in *inputSpan, off, n int, from int64, hop int) {
	sa.in, sa.off, sa.from, sa.first = in, off, from, 0
	sa.ends, sa.cuts, sa.firsts = sa.ends[:0], append(sa.cuts[:0], 0), append(sa.firsts[:0], 0)
	to := from + int64(n)
	hops := 0
	for e := (from/int64(hop) + 1) * int64(hop); e <= to; e += int64(hop) {
		if e >= int64(sa.d.n) {
			sa.ends = append(sa.ends, e)
		}
		if hops++; hops == sa.group {
			sa.cuts, sa.firsts = append(sa.cuts, int(e-from)), append(sa.firsts, len(sa.ends))
			hops = 0
		}
	}
	if sa.cuts[len(sa.cuts)-1] < n {
		sa.cuts, sa.firsts = append(sa.cuts, n), append(sa.firsts, len(sa.ends))
	}
	items := len(sa.cuts) - 1
	sa.next.Store(0)
	h := min(cap(sa.kick), items-1)
	sa.helped.Add(h)
	for range h {
		sa.kick <- struct{}{}
	}
	sa.work()
	sa.helped.Wait()
	sa.in = nil
}

// work does work items until none is left.
func (sa *searchAhead) work() {
	n := int64(sa.d.n)
	items := len(sa.cuts) - 1
	for {
		i := int(sa.next.Add(1) - 1)
		if i >= items {
			return
		}
		a, b := sa.cuts[i], sa.cuts[i+1]
		sa.ring.put(sa.in, sa.from+int64(a), sa.off+a, b-a)
		for j := sa.firsts[i]; j < sa.firsts[i+1]; j++ {
			// The frame is in this piece or the blocks before, in one
			// piece of the ring (a multiple of n long).
			f := &sa.frames[j]
			sa.d.transformFrame(sa.ring.frame(sa.ends[j]-n, int(n), f.x), f)
		}
	}
}

// take returns the transform of the frame ending at end, or nil.
func (sa *searchAhead) take(end int64) *specFrame {
	if sa.first < len(sa.ends) && sa.ends[sa.first] == end {
		sa.first++
		return &sa.frames[sa.first-1]
	}
	return nil
}

// transformFrame computes what spectrum and smooth compute of frame x
// that does not depend on the detector's state.
func (d *detector) transformFrame(x []complex64, f *specFrame) {
	n := d.n
	h := n / 2
	d.f.windowTransform(f.buf, x, d.win)
	f.dc = [5]complex64{f.buf[n-2], f.buf[n-1], f.buf[0], f.buf[1], f.buf[2]}
	powerBlocks(f.p[h:n], f.buf[:h], f.blkHi[h>>3:], f.blkLo[h>>3:])
	powerBlocks(f.p[:h], f.buf[h:n], f.blkHi[:h>>3], f.blkLo[:h>>3])
	// The runs holding the DC bins (0, 1, 2 and n-2, n-1, before the DC
	// offset is taken out of them) count only their other bins.
	f.blkHi[h>>3], f.blkLo[h>>3] = bitsRange(f.p[h+3 : h+8])
	f.blkHi[h>>3-1], f.blkLo[h>>3-1] = bitsRange(f.p[h-8 : h-2])
	hiBits, loBits := uint32(0), uint32(math.MaxUint32)
	for j, bh := range f.blkHi {
		hiBits, loBits = max(hiBits, bh), min(loBits, f.blkLo[j])
	}
	f.hiBits, f.loBits = hiBits, loBits
	// The spans can only grow with the DC bins: their runs' pairs are
	// checked when they are known.
	f.exact = d.w == 2 && (int(hiBits>>23)-max(int(loBits>>23), 1) <= exactSpan(2) ||
		runsExact(f.blkHi, f.blkLo, h>>3, h>>3-1))
	if f.exact {
		smooth5(f.s, f.p)
		return
	}
	f.k0, f.acc = smoothPrefix(f.s, f.p, d.w, h-2)
}

// bitsRange returns the largest and smallest of the bit patterns of p.
func bitsRange(p []float32) (hi, lo uint32) {
	hi, lo = 0, math.MaxUint32
	for _, v := range p {
		b := math.Float32bits(v)
		hi, lo = max(hi, b), min(lo, b)
	}
	return hi, lo
}

// smoothPrefix runs smoothRunning over s and p until its sums would reach
// bin dirty; it returns the bin it stopped at and its running sum there.
func smoothPrefix(s, p []float32, w, dirty int) (int, float64) {
	n := len(p)
	if w >= dirty {
		return 0, math.NaN() // the first sum holds the bin
	}
	var acc float64
	for k := 0; k <= w && k < n; k++ {
		acc += float64(p[k])
	}
	k := 0
	for ; k+w+1 < dirty; k++ {
		s[k] = float32(max(acc, 0))
		acc += float64(p[k+w+1])
		if k-w >= 0 {
			acc -= float64(p[k-w])
		}
	}
	return k, acc
}

// smoothFrom finishes smoothRunning from bin k0 with running sum acc (k0
// 0 and acc NaN: from the start).
func smoothFrom(s, p []float32, w, k0 int, acc float64) {
	if math.IsNaN(acc) {
		smoothRunning(s, p, w)
		return
	}
	n := len(p)
	for k := k0; k < n; k++ {
		s[k] = float32(max(acc, 0))
		if k+w+1 < n {
			acc += float64(p[k+w+1])
		}
		if k-w >= 0 {
			acc -= float64(p[k-w])
		}
	}
}

// analyzeTransformed is analyze for a frame transformFrame computed.
func (d *detector) analyzeTransformed(f *specFrame) []peak {
	n := d.n
	h := n / 2
	// As spectrum: the DC offset out of its bins, then their powers.
	d.buf[n-2], d.buf[n-1], d.buf[0], d.buf[1], d.buf[2] = f.dc[0], f.dc[1], f.dc[2], f.dc[3], f.dc[4]
	d.removeDC()
	d.p, f.p = f.p, d.p
	hiBits, loBits := f.hiBits, f.loBits
	for _, k := range [5]int{n - 2, n - 1, 0, 1, 2} {
		v := d.buf[k]
		pw := real(v)*real(v) + imag(v)*imag(v)
		d.p[(k+h)&(n-1)] = pw
		b := math.Float32bits(pw)
		hiBits, loBits = max(hiBits, b), min(loBits, b)
		j := ((k + h) & (n - 1)) >> 3
		f.blkHi[j], f.blkLo[j] = max(f.blkHi[j], b), min(f.blkLo[j], b)
	}
	d.span = int(hiBits>>23) - max(int(loBits>>23), 1)
	if int(hiBits>>23)+bits.Len(uint(n)) >= 254 {
		var total float32
		for k := range n {
			total += d.p[(k+h)&(n-1)]
		}
		if math.IsNaN(float64(total)) || math.IsInf(float64(total), 0) {
			return d.peaks[:0]
		}
	}
	// As smooth (a frame that is not finite leaves the last one's).
	d.s, f.s = f.s, d.s
	// (f.exact: w is 2, and the span or the runs away from the DC bins
	// allowed exact sums; the span only grew.)
	exact := f.exact && (d.span <= exactSpan(2) || runsExact(f.blkHi, f.blkLo, -1, -1))
	switch {
	case exact:
		for k := h - 4; k <= h+4; k++ {
			d.s[k] = float32(float64(d.p[k-2]) + float64(d.p[k-1]) + float64(d.p[k]) + float64(d.p[k+1]) + float64(d.p[k+2]))
		}
	case f.exact:
		smoothRunning(d.s[:n], d.p[:n], d.w)
	default:
		smoothFrom(d.s[:n], d.p[:n], d.w, f.k0, f.acc)
	}
	return d.afterSmooth()
}
