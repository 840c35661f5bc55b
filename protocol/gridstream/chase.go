package gridstream

import (
	"math"
	"sync"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Soft-decision correction: a frame of a plain header whose CRC fails
// under every network heard is searched for the one way of flipping at most
// chaseFlips of its chaseBits least reliable CRC-covered bits (by their
// soft symbols) that makes the CRC valid under one of those networks — a
// Chase search. The CRC is affine in its input: flipping codeword bit k
// (counted MSB first from the CI byte through the CRC) moves the init the
// frame solves to by x^(15-k) mod the polynomial, whatever the frame's
// length, so every candidate costs one XOR and one lookup.
//
// The CRC has 16 bits and the search spends some of them: any frame that
// reaches it, a damaged frame of a heard network or not, finds a match
// among N candidates (696 here) and K target networks with probability
// about N·K/65536. A match is therefore emitted only when
//   - it is the only one among all the candidates and targets;
//   - the frame's soft symbols make it far more likely than every other
//     explanation together (likely): an error the search cannot see that
//     the flips match by chance, or a frame that is no damaged frame of a
//     heard meter at all;
//   - the corrected header still follows its type's rule (a CI byte the
//     type carries), and its source meter was heard CRC-good on that
//     network in this run, a corrected broadcast with the source WAN
//     address that meter's broadcasts carried (48 bits no foreign content
//     matches by chance), so that noise, collisions, crafted frames and
//     frames of meters not heard are not turned into messages (the decoder
//     checks these, Decoder.accepts).
//
// Corrected frames never teach a network or keep one from expiring.

// Correction limits.
const (
	// chaseBits is L, the least reliable CRC-covered bits searched.
	chaseBits = 16
	// chaseFlips is the most of them flipped at once.
	chaseFlips = 3
	// chaseDoubt is the most the explanations other than the correction
	// may weigh against it (likely): about the chance, by the frame's own
	// soft symbols, that an accepted correction is wrong.
	chaseDoubt = 1e-4
	// chaseForeign is the prior odds that a CRC-failed frame naming a heard
	// meter is not a damaged frame of it (a collision, a crafted frame).
	chaseForeign = 0.1
	// chaseMinPosterior is, for a frame whose content beyond its source id
	// nothing else checks against the heard meter (0xD5; a broadcast must
	// also carry its meter's source WAN address), the least probability by
	// its soft symbols that the flipped bits, and only they, were received
	// wrong. A frame that is not a damaged frame of a heard meter (random
	// content, a collision) passes the CRC at each accepted candidate with
	// probability 1/65536 per network its meter was heard on, so it is
	// wrongly corrected with probability (accepted candidates)/65536, and
	// that is at least the share of damaged frames the correction rescues
	// at the same SNR, /65536: below 1e-7 for any SNR leaves long frames
	// little gain (TestChaseAcceptanceRegion measures the rate).
	chaseMinPosterior = 0.4
	// chaseMaxLLR is the largest log-likelihood ratio of a flipped bit:
	// a bit whose error probability is below about 6e-6 is never flipped.
	chaseMaxLLR = 12
	// chaseMaxSNR caps the frame's soft-symbol amplitude over spread, so
	// that soft symbols quantized to a few values (a spread near zero) do
	// not look infinitely reliable.
	chaseMaxSNR = 8
)

// crcOrder is the multiplicative order of x modulo the CRC polynomial:
// powers of x repeat after it.
const crcOrder = 32767

// powX holds x^e mod the CRC polynomial for e in [0, crcOrder).
var powX = sync.OnceValue(func() *[crcOrder]uint16 {
	var t [crcOrder]uint16
	s := uint16(1)
	for e := range t {
		t[e] = s
		if s&0x8000 != 0 {
			s = s<<1 ^ crcPoly
		} else {
			s <<= 1
		}
	}
	return &t
})

// flipShift returns how flipping codeword bit k moves the init a frame
// solves to: x^(15-k), counting bits MSB first from the CI byte through
// the CRC.
func flipShift(pow *[crcOrder]uint16, k int) uint16 {
	e := (15 - k) % crcOrder
	if e < 0 {
		e += crcOrder
	}
	return pow[e]
}

// targetSet is a set of CRC inits corrections may lead to. A decoder
// replaces its set rather than changing it, so streams read it without the
// decoder's lock.
type targetSet struct {
	bits [1 << 16 / 64]uint64
	n    int
}

func (t *targetSet) has(init uint16) bool { return t.bits[init>>6]>>(init&63)&1 != 0 }

// with returns a copy of t with init added (or removed).
func (t *targetSet) with(init uint16, in bool) *targetSet {
	c := *t
	if c.has(init) != in {
		c.bits[init>>6] ^= 1 << (init & 63)
		if in {
			c.n++
		} else {
			c.n--
		}
	}
	return &c
}

// correction is what a successful search found.
type correction struct {
	frame []byte // the corrected frame from the 0x2A byte, valid until the next search
	init  uint16 // the network it is valid under
	flips int
}

// corrector is one stream's search state; it allocates nothing per frame
// once its scratch has grown.
type corrector struct {
	pow     *[crcOrder]uint16
	n       int                  // bits in least
	least   [chaseBits]int       // codeword bits, least reliable first
	rel     [chaseBits]float32   // their |soft|
	shift   [chaseBits]uint16    // their flipShift
	matches int                  // matches found by search
	found   [chaseFlips]int      // the first match's bits (indices into least)
	foundW  int                  // ...how many
	init    uint16               // ...its init
	pick    [chaseFlips]int      // search's current choice
	hist    [2][spreadBins]int32 // spread's histogram, even and odd symbols apart
	fixed   [maxFrameBytes]byte  // the corrected frame
	targets *targetSet
}

// symbolOf returns the index in a frame's soft symbols (10 per UART
// character from the 0x2A byte's start bit) of codeword bit k of a frame
// whose CI byte is at frame index cw.
func symbolOf(cw, k int) int { return uartBits*(cw+k>>3) + 1 + 7 - k&7 }

// mag is a soft symbol's reliability: its magnitude, 0 for a NaN.
func mag(v float32) float32 { return math.Float32frombits(magBits(v)) }

// magBits is mag's bits, computed without a float compare: magnitudes
// order as their bits do.
func magBits(v float32) uint32 {
	b := math.Float32bits(v) &^ (1 << 31)
	if b > 0x7F800000 { // NaN
		b = 0
	}
	return b
}

// correct searches frame (from the 0x2A byte through the CRC, its CI byte
// at frame index 1+ci, its body solving to init solved) with its soft
// symbols (10 per byte from the 0x2A byte's start bit) for the correction
// described above, under the inits of t, accepting a correction whose
// flips have at least probability minPosterior by the soft symbols.
func (c *corrector) correct(frame []byte, ci int, soft []float32, solved uint16, t *targetSet, minPosterior float64) (correction, bool) {
	cw := 1 + ci
	nbits := 8 * (len(frame) - cw)
	if t == nil || t.n == 0 || nbits <= 16 || len(soft) < uartBits*len(frame) {
		return correction{}, false
	}
	if c.pow == nil {
		c.pow = powX()
	}
	c.leastReliable(soft, cw, nbits)
	c.targets, c.matches = t, 0
	c.search(0, 0, solved)
	if c.matches != 1 {
		return correction{}, false
	}
	if !c.likely(frame, soft, cw, nbits, t.n, minPosterior) {
		return correction{}, false
	}
	f := c.fixed[:len(frame)]
	copy(f, frame)
	for _, i := range c.found[:c.foundW] {
		k := c.least[i]
		f[cw+k>>3] ^= 0x80 >> (k & 7)
	}
	return correction{frame: f, init: c.init, flips: c.foundW}, true
}

// leastReliable finds the chaseBits codeword bits of smallest |soft|
// (the earlier of two equal ones first).
func (c *corrector) leastReliable(soft []float32, cw, nbits int) {
	// By the magnitudes' bits, which order as the magnitudes do; once
	// chaseBits are held, a bit enters only under the largest held.
	var rel [chaseBits]uint32
	least := &c.least
	n := min(nbits, chaseBits)
	for k := range n {
		r := magBits(soft[symbolOf(cw, k)])
		i := k
		for i > 0 && rel[i-1] > r {
			rel[i], least[i] = rel[i-1], least[i-1]
			i--
		}
		rel[i], least[i] = r, k
	}
	for k := n; k < nbits; k++ {
		r := magBits(soft[symbolOf(cw, k)])
		if r >= rel[chaseBits-1] {
			continue
		}
		i := chaseBits - 1
		for i > 0 && rel[i-1] > r {
			rel[i], least[i] = rel[i-1], least[i-1]
			i--
		}
		rel[i], least[i] = r, k
	}
	c.n = n
	for i := range n {
		c.rel[i] = math.Float32frombits(rel[i])
		c.shift[i] = flipShift(c.pow, c.least[i])
	}
}

// search tries every set of at most chaseFlips of the least reliable bits
// whose first is at least from (depth already chosen, moving the init to
// s), counting matches; it stops at the second.
func (c *corrector) search(from, depth int, s uint16) {
	for i := from; i < c.n && c.matches < 2; i++ {
		c.pick[depth] = i
		v := s ^ c.shift[i]
		if c.targets.has(v) {
			c.matches++
			if c.matches == 1 {
				c.foundW = copy(c.found[:], c.pick[:depth+1])
				c.init = v
			}
		}
		if depth+1 < chaseFlips {
			c.search(i+1, depth+1, v)
		}
	}
}

// likely is the posterior test. Three explanations of the frame compete:
//   - the correction: the found bits, and only they, were received wrong
//     (its odds against no error at all: Π p/(1-p) over the flipped bits);
//   - an error the search does not see (one or more outside the searched
//     bits — the rest of the codeword, and the type, reserved and length
//     bytes, which decide where the CRC is — or more than chaseFlips
//     inside) that happens to be matched by the found flips: its odds,
//     times k/65536 for k target networks;
//   - a frame that is no damaged frame of a heard meter (a collision, a
//     neighbour's frame, a crafted one), a priori chaseForeign times as
//     likely as a damaged one: it looks like this frame whatever its bits,
//     where a damaged frame needs no error beyond the flips, so its odds
//     are chaseForeign/P(no error), times k/65536.
//
// The correction is accepted when the other two together are at most
// chaseDoubt times as likely, and the correction's probability among the
// damaged frames the symbols allow is at least minPosterior. Bit error probabilities come from a Gaussian
// model of the soft symbols: amplitude mu (their median magnitude) and
// spread sigma (1.4826 times their median absolute deviation), so a bit of
// magnitude r has log-likelihood ratio 2·mu·r/sigma². Measured on the
// pure-Go receiver's symbols this is about right to pessimistic (its
// errors have heavier tails than additive noise alone gives); for ideal
// noncoherent FSK it overstates the error probability of all but the
// weakest bits, so it overstates what the search does not see.
func (c *corrector) likely(frame []byte, soft []float32, cw, nbits, k int, minPosterior float64) bool {
	lambda, budget, lnClean, ok := c.budget(frame, soft, cw, nbits, k)
	if !ok {
		return false
	}
	sum := 0.0 // the flipped bits' LLRs: minus ln of the correction's odds
	for _, i := range c.found[:c.foundW] {
		llr := lambda * float64(c.rel[i])
		if llr > chaseMaxLLR {
			return false
		}
		sum += llr
	}
	return acceptable(sum, budget, lnClean, minPosterior)
}

// acceptable is likely's verdict on flips whose LLRs sum to sum, for a
// frame with budget and lnClean from budget.
func acceptable(sum, budget, lnClean, minPosterior float64) bool {
	return sum <= budget && lnClean-sum >= math.Log(minPosterior)
}

// budget returns the soft symbols' scale lambda (a symbol of magnitude r
// has LLR lambda·r), the largest sum of the flipped bits' LLRs that the
// posterior test accepts for this frame (searched bits in c), and ln of
// the probability that no bit was received wrong; ok is false when the
// symbols say nothing.
func (c *corrector) budget(frame []byte, soft []float32, cw, nbits, k int) (lambda, budget, lnClean float64, ok bool) {
	syms := soft[:uartBits*len(frame)]
	mu, sigma := c.spread(syms)
	if !(mu > 0) {
		return 0, 0, 0, false
	}
	sigma = max(sigma, mu/chaseMaxSNR)
	lambda = 2 * mu / (sigma * sigma)
	outside := 0.0 // Σ ln(1 + odds) over the bits outside the search
	add := func(r float32) {
		switch x := lambda * float64(r); {
		case x > 36: // adds less than 1e-15
		case x > 12:
			outside += math.Exp(-x) // ln(1+o) = o to 1e-5 of it
		default:
			outside += math.Log1p(math.Exp(-x))
		}
	}
	for b := range nbits {
		add(mag(syms[symbolOf(cw, b)]))
	}
	for i := uartBits; i < uartBits*cw; i++ { // type, reserved, length: data bits only
		if j := i % uartBits; j != 0 && j != uartBits-1 {
			add(mag(syms[i]))
		}
	}
	var e [chaseBits + 1]float64 // elementary symmetric sums of the searched bits' odds
	e[0] = 1
	inside := 1.0 // Π (1 + odds) over the searched bits
	for i := range c.n {
		x := lambda * float64(c.rel[i])
		o := math.Exp(-x)
		if x < 40 {
			outside -= math.Log1p(o)
		}
		inside *= 1 + o
		for w := i + 1; w >= 1; w-- {
			e[w] += e[w-1] * o
		}
	}
	outside = max(outside, 0)
	unseen := math.Expm1(outside) * inside
	for w := chaseFlips + 1; w <= c.n; w++ {
		unseen += e[w]
	}
	foreign := chaseForeign * math.Exp(outside) * inside // chaseForeign / P(no error)
	return lambda, math.Log(chaseDoubt) - math.Log(float64(k)*(unseen+foreign)/65536), -outside - math.Log(inside), true
}

// softView is what a frame's soft symbols say about its bits, for
// learning: each codeword bit's log-likelihood ratio by the same model as
// likely, and the smallest over the codeword and the type, reserved and
// length bytes.
type softView struct {
	soft   []float32
	cw     int
	lambda float64
	minLLR float64
}

// llr returns codeword bit k's log-likelihood ratio.
func (v *softView) llr(k int) float64 { return v.lambda * float64(mag(v.soft[symbolOf(v.cw, k)])) }

// view weighs a frame's soft symbols (see softView); ok is false when they
// say nothing (no spread to measure).
func (c *corrector) view(frame []byte, ci int, soft []float32) (v softView, ok bool) {
	if len(soft) < uartBits*len(frame) {
		return v, false
	}
	syms := soft[:uartBits*len(frame)]
	mu, sigma := c.spread(syms)
	if !(mu > 0) {
		return v, false
	}
	sigma = max(sigma, mu/chaseMaxSNR)
	v = softView{soft: syms, cw: 1 + ci, lambda: 2 * mu / (sigma * sigma)}
	least := float32(math.Inf(1))
	for i := uartBits; i < len(syms); i++ { // data bits from the type byte on
		if j := i % uartBits; j != 0 && j != uartBits-1 {
			least = min(least, mag(syms[i]))
		}
	}
	v.minLLR = v.lambda * float64(least)
	return v, true
}

// spread returns the median magnitude of syms and 1.4826 times the median
// absolute deviation from it (the standard deviation of a Gaussian), both
// read from histograms to a 512th of the largest magnitude.
func (c *corrector) spread(syms []float32) (mu, sigma float64) {
	// The largest mag, by an integer max: cheaper than a float one.
	// Four maxima side by side: the same max without one long chain.
	var t0, t1, t2, t3 uint32
	i := 0
	for ; i+4 <= len(syms); i += 4 {
		s := syms[i : i+4 : i+4]
		t0, t1 = max(t0, magBits(s[0])), max(t1, magBits(s[1]))
		t2, t3 = max(t2, magBits(s[2])), max(t3, magBits(s[3]))
	}
	for _, v := range syms[i:] {
		t0 = max(t0, magBits(v))
	}
	topBits := max(t0, t1, t2, t3)
	top := math.Float32frombits(topBits)
	if !(top > 0) || math.IsInf(float64(top), 0) {
		return 0, 0
	}
	scale := float32(spreadBins) / top
	// Two histograms, of the even and the odd symbols, counted side by
	// side: strong frames' symbols crowd a few bins, and one histogram's
	// increments of the same bin wait on each other.
	h0, h1 := &c.hist[0], &c.hist[1]
	clear(c.hist[:])
	pairs := syms[:len(syms)&^1]
	for i := 0; i < len(pairs); i += 2 {
		p := pairs[i : i+2 : i+2]
		h0[min(int(mag(p[0])*scale), spreadBins-1)]++
		h1[min(int(mag(p[1])*scale), spreadBins-1)]++
	}
	for _, v := range syms[len(pairs):] {
		h0[min(int(mag(v)*scale), spreadBins-1)]++
	}
	med := (medianBins(h0, h1, len(syms)) + 0.5) / scale
	clear(c.hist[:])
	// |mag - med| by its sign bit: a compare would branch on random
	// signs (it is never -0 nor NaN, mag being finite).
	dev := func(v float32) int {
		d := math.Float32frombits(math.Float32bits(mag(v)-med) &^ (1 << 31))
		return min(int(d*scale), spreadBins-1)
	}
	for i := 0; i < len(pairs); i += 2 {
		p := pairs[i : i+2 : i+2]
		h0[dev(p[0])]++
		h1[dev(p[1])]++
	}
	for _, v := range syms[len(pairs):] {
		h0[dev(v)]++
	}
	d := (medianBins(h0, h1, len(syms)) + 0.5) / scale
	return float64(med), 1.4826 * float64(d)
}

// spreadBins is the resolution of spread's histograms.
const spreadBins = 512

// medianBins returns the bin that holds the middle of n counts of two
// histograms summed.
func medianBins(h0, h1 *[spreadBins]int32, n int) float32 {
	half, sum := int32(n/2), int32(0)
	for i := range h0 {
		sum += h0[i] + h1[i]
		if sum > half {
			return float32(i)
		}
	}
	return spreadBins - 1
}

// correct searches a frame whose body solves to init, an init of no heard
// network, for a correction (corrector.correct) of a plain header that
// still follows its type's rule and names its source; it returns it with
// the message it makes, the damaged frame's message m remade from the
// corrected bytes. The decoder accepts it (accepts) or not.
func (d *Decoder) correct(c *corrector, frame []byte, ci int, soft []float32, init uint16, rule *typeRule, m *frames.Message, version int) (correction, *frames.Message) {
	t := d.targets.Load()
	if t.has(init) {
		return correction{}, nil
	}
	if _, ok := sourceOf(frame[1:]); !ok {
		return correction{}, nil
	}
	minPosterior := chaseMinPosterior
	if _, ok := sourceWAN(frame[1:]); ok {
		minPosterior = 0 // the WAN address checks the content (accepts)
	}
	fix, ok := c.correct(frame, ci, soft, init, t, minPosterior)
	if !ok || !rule.allows(fix.frame[1:]) {
		return correction{}, nil
	}
	fm := clone(m)
	g := &Fields{Version: version}
	fm.Fields = g
	fm.Raw = hexUpper(fix.frame)
	typed := fix.frame[1:]
	parseHeader(g, typed, ci)
	parseFields(g, typed)
	g.CorrectedBits = fix.flips
	return fix, fm
}

// accepts reports, under the lock, whether a correction found for a frame
// whose body solved to init may be emitted: its network is still heard,
// its source meter was heard CRC-good on it (a corrected broadcast with
// the source WAN address heard in its broadcasts), and the frame's own init is
// not one waiting to be learned (a frame of a network being learned is
// not taken for a damaged frame of another).
func (d *Decoder) accepts(fix correction, init uint16) bool {
	n, ok := d.nets[fix.init]
	if !ok || !n.seen {
		return false
	}
	return d.meters.agrees(fix.init, fix.frame[1:]) && !d.pending(init)
}
