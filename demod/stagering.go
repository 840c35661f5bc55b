package demod

import "github.com/gridstream-sdr/gridstream/iq"

// stageRing is the ring the channel stage reads behind the search (with a
// channel stage). A byte format's samples (cu8, cs8, cs16) are kept as
// they came, two or four bytes each, and converted by the goroutine that
// reads them, into a chunk that stays in its cache: the search converts
// only its frames' samples (a fifth or a sixth of them), the channel stage
// only the samples a burst's channel takes. Handing a core converted
// samples (eight bytes each, written on the other core) cost more than
// converting them twice. Complex input (Process, cf32) is kept converted.
type stageRing struct {
	raw  []byte      // the samples' bytes (size > 0)
	c64  []complex64 // the samples (size 0)
	f    iq.Format   // raw's format
	size int         // bytes per sample in raw; 0: the ring holds complex64
	n    int64       // samples the ring holds (a power of two)
	mask int64
	set  bool // the first input chose the ring's form
	// scratch holds a frame converted for the search when searchAhead
	// did not transform it.
	scratch []complex64
}

// stageRingBytes is how long the ring is, at least, in bytes: the stage
// may lag the search by most of it, so a stage kept waiting for a core (a
// worker's burst, the scheduler's 10 ms slices, a vCPU waking) does not
// hold up the search. 4 MiB are 2^21 samples of cu8, 0.1 s at 20 MS/s
// (some 5 ms of the receiver's time there), 2^20 of cs16, 2^19 complex.
const stageRingBytes = 4 << 20

// stageChunk is the most samples converted at once for the channel stage:
// every burst's channel reads them while they are in the first-level
// cache.
const stageChunk = 4096

// newStageRing returns a ring of at least n samples (a power of two), as
// long as stageRingBytes allow once the input's form is known.
func newStageRing(n int) *stageRing {
	return &stageRing{n: int64(n), mask: int64(n - 1)}
}

// setLength sets the ring's length for samples of elem bytes.
func (sr *stageRing) setLength(elem int) {
	for sr.n*int64(elem) < stageRingBytes {
		sr.n <<= 1
	}
	sr.mask = sr.n - 1
}

// prepare readies the ring for input in: on the first input it takes the
// form and length the input's format suits; when a later input has another
// format (rare: Process and ProcessRaw mixed), the raw samples are
// converted and the ring holds complex64 from then on (as long in
// samples). When needsConvert(in), nothing may be reading the ring: the
// channel stage is drained first.
func (sr *stageRing) prepare(in *inputSpan) {
	if in.len() == 0 {
		return // an empty input tells nothing of the stream's format
	}
	if !sr.set {
		sr.set = true
		if in.size > 0 && in.size < 8 {
			sr.f, sr.size = in.f, in.size
			sr.setLength(sr.size)
			sr.raw = make([]byte, sr.n*int64(sr.size))
		} else {
			sr.setLength(8)
			sr.c64 = make([]complex64, sr.n)
		}
		return
	}
	if sr.needsConvert(in) {
		c := make([]complex64, sr.n)
		iq.Decode(sr.f, c, sr.raw)
		sr.c64, sr.raw, sr.size = c, nil, 0
	}
}

// needsConvert reports whether prepare(in) converts the ring to complex64.
func (sr *stageRing) needsConvert(in *inputSpan) bool {
	return sr.set && sr.size > 0 && in.len() > 0 && (in.size != sr.size || in.f != sr.f)
}

// put writes samples i…i+k of in at input index at.
func (sr *stageRing) put(in *inputSpan, at int64, i, k int) {
	if sr.size == 0 {
		in.toRing(sr.c64, at, i, k)
		return
	}
	p := (at & sr.mask) * int64(sr.size)
	c := copy(sr.raw[p:], in.raw[i*sr.size:(i+k)*sr.size])
	copy(sr.raw, in.raw[i*sr.size+c:(i+k)*sr.size])
}

// read returns the samples from input index from on, up to to and at most
// len(scratch) of them (but at least one), converted into scratch from a
// byte format; they do not cross the ring's end.
func (sr *stageRing) read(from, to int64, scratch []complex64) []complex64 {
	p := from & sr.mask
	k := min(to-from, sr.n-p)
	if sr.size == 0 {
		return sr.c64[p : p+k]
	}
	k = min(k, int64(len(scratch)))
	x := scratch[:k]
	iq.Decode(sr.f, x, sr.raw[p*int64(sr.size):(p+k)*int64(sr.size)])
	return x
}

// frame returns the n samples from input index from on, converted into
// scratch from a byte format, or gathered there when they cross the ring's
// end (a search frame does not: the ring is a multiple of n long and
// frames end at multiples of the hop, itself a multiple of n).
func (sr *stageRing) frame(from int64, n int, scratch []complex64) []complex64 {
	x := sr.read(from, from+int64(n), scratch[:n])
	if len(x) == n {
		return x
	}
	// Across the ring's end: gathered into scratch (where a byte format's
	// samples already are).
	k := copy(scratch, x)
	for k < n {
		k += copy(scratch[k:], sr.read(from+int64(k), from+int64(n), scratch[k:n]))
	}
	return scratch[:n]
}
