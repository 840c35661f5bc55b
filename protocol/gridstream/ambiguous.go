package gridstream

import "math"

// Ambiguous frames. A frame is CRC-good when the init its body solves to
// (SolveInit) is one of the known networks', so a damaged frame passes under
// some known network with probability about (known inits)/65536, and on a
// long body a particular bit error does worse: flipping codeword bit k moves
// the solved init by x^(15-k) (flipShift), so for a pair of networks A and B
// of a 2.6 kbit body, one position of every ~25 pairs turns every frame of A
// with that bit wrong into a CRC-good frame of B.
//
// A receiver that has soft symbols can see this happen: the bit that made
// the frame a B frame is one of its least reliable. A CRC-good frame with
// soft symbols is therefore ambiguous — counted failed (Stats.Ambiguous),
// emitted only with EmitFailed, marked — when
//   - flipping at most chaseFlips of its least reliable bits, whose
//     log-likelihood ratios (the Gaussian model of corrector.budget) sum to
//     at most the bound of the two networks' rival constants below, makes
//     it valid under another known network: that reading is about as
//     likely, by the frame's own symbols;
//   - its network was not heard in this run and its symbols say it more
//     likely has a wrong bit than not (ambiguityUnheardDamaged): a damaged
//     frame, whatever its errors, lands on some known network with
//     probability (known inits)/65536, a network not on the air has no
//     frames to send whole;
//   - its source meter was heard CRC-good on another network in this run
//     and never on this one: meters do not change utility.
//
// Strong frames never trigger the first two. A frame without soft symbols
// (hard bits replayed) is not judged.

// Rival readings: a rival network's reading that is at least exp(-LLR) as
// likely as the received one, by the frame's soft symbols, makes the frame
// ambiguous, for LLR by what this run has heard (the prior: a network on
// the air is far likelier to send than one never heard).
const (
	// ambiguityLLR: both networks heard in this run, or neither (a rival
	// about 1/3000 as likely or more).
	ambiguityLLR = 8
	// ambiguityHeardLLR: the rival network was heard and the received one
	// was not.
	ambiguityHeardLLR = 12
	// ambiguityUnheardLLR: the received network was heard and the rival
	// was not.
	ambiguityUnheardLLR = 2
	// ambiguityHeardDamaged, ambiguityUnheardDamaged and ambiguityColdDamaged
	// bound -ln P(no bit wrong), by the soft symbols, of a frame of a
	// network heard in this run, of one not heard while others were, and
	// of any frame while none was. A damaged frame, whatever its errors,
	// passes a given init's CRC with probability 1/65536: a frame whose
	// symbols say it is whole with probability p is about p·65536/k times
	// as likely genuine as a damaged one landing on one of k inits (at the
	// bounds: 1/150 for a heard network, 10 for the 16 utilities when none
	// was heard). A network not heard while another is has little prior
	// (the receiver is among the meters of the one heard): its frame must
	// be more likely whole than not (a damaged long Oncor frame at 2 dB
	// whose symbols said whole with p = 0.21 passed PPL's CRC). The Gaussian model is pessimistic for frames the receiver got
	// right (at 1 dB per-sample SNR, long frames decoded right have
	// -ln P of 3–5), so the bounds stay loose where they cost frames.
	ambiguityHeardDamaged   = 16
	ambiguityUnheardDamaged = math.Ln2
	ambiguityColdDamaged    = 6
)

// rival reports whether a frame (from the 0x2A byte through the CRC, its
// CI byte at frame index 1+ci) whose body solves to solved, a known init,
// is ambiguous by its soft symbols: its network is not in heard and it is
// likely damaged, or it becomes valid under another init of known by
// flipping at most chaseFlips of its least reliable codeword bits whose
// LLRs sum to at most ambiguityLLR, or ambiguityHeardLLR or
// ambiguityUnheardLLR by which of the two networks are in heard. It
// allocates nothing.
func (c *corrector) rival(frame []byte, ci int, soft []float32, solved uint16, known, heard *targetSet) bool {
	cw := 1 + ci
	nbits := 8 * (len(frame) - cw)
	if nbits <= 16 || len(soft) < uartBits*len(frame) {
		return false
	}
	mu, sigma := c.spread(soft[:uartBits*len(frame)])
	if !(mu > 0) {
		return false
	}
	sigma = max(sigma, mu/chaseMaxSNR)
	lambda := 2 * mu / (sigma * sigma)
	if c.pow == nil {
		c.pow = powX()
	}
	solvedHeard := heard.has(solved)
	bound := float64(ambiguityHeardDamaged)
	switch {
	case heard.n == 0:
		bound = ambiguityColdDamaged
	case !solvedHeard:
		bound = ambiguityUnheardDamaged
	}
	dmg, least := damaged(soft, cw, nbits, lambda)
	if dmg > bound {
		return true
	}
	limit := float64(ambiguityHeardLLR) // the most any rival may need
	if solvedHeard {
		limit = ambiguityLLR
	}
	if lambda*float64(least) > limit {
		// Not even the least reliable bit (leastReliable's first) is
		// doubtful enough for a rival: a strong frame, searched no
		// further.
		return false
	}
	c.leastReliable(soft, cw, nbits)
	// llr[i] for the searched bits, least reliable first: a set whose sum
	// passes limit cannot be saved by a later (larger) bit.
	var llr [chaseBits]float64
	n := 0
	for n < c.n {
		llr[n] = lambda * float64(c.rel[n])
		if llr[n] > limit {
			break
		}
		n++
	}
	isRival := func(v uint16, sum float64) bool {
		if !known.has(v) || v == solved {
			return false
		}
		switch rivalHeard := heard.has(v); {
		case rivalHeard && !solvedHeard:
			return sum <= ambiguityHeardLLR
		case solvedHeard && !rivalHeard:
			return sum <= ambiguityUnheardLLR
		}
		return sum <= ambiguityLLR
	}
	for i := range n {
		si, li := c.shift[i], llr[i]
		if isRival(solved^si, li) {
			return true
		}
		for j := i + 1; j < n && li+llr[j] <= limit; j++ {
			sj, lj := si^c.shift[j], li+llr[j]
			if isRival(solved^sj, lj) {
				return true
			}
			for k := j + 1; k < n && lj+llr[k] <= limit; k++ {
				if isRival(solved^sj^c.shift[k], lj+llr[k]) {
					return true
				}
			}
		}
	}
	return false
}

// damaged returns -ln P(no codeword bit wrong) for a frame whose codeword
// starts at frame byte cw, by the Gaussian model (LLR lambda·|soft|), and
// the smallest codeword bit's magnitude. Bits whose LLR is over 12 (error
// probability below 6e-6) are left out of the sum: all of a long frame's
// together add less than 0.013.
func damaged(soft []float32, cw, nbits int, lambda float64) (sum float64, least float32) {
	weak := float32(12 / lambda)
	leastBits := uint32(math.MaxUint32)
	for k := range nbits {
		b := magBits(soft[symbolOf(cw, k)])
		leastBits = min(leastBits, b) // magnitudes order as their bits
		if r := math.Float32frombits(b); r <= weak {
			sum += math.Log1p(math.Exp(-lambda * float64(r)))
		}
	}
	return sum, math.Float32frombits(leastBits)
}

// movedMeter reports, under the lock, whether a frame solving to init
// names a source meter heard CRC-good on another network in this run and
// never on init's.
func (d *Decoder) movedMeter(typed []byte, init uint16) bool {
	src, ok := sourceOf(typed)
	if !ok || d.meters.has(init, src) {
		return false
	}
	for other, n := range d.nets {
		if n.seen && other != init && d.meters.has(other, src) {
			return true
		}
	}
	return false
}
