package demod

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// The receiver's working range.
const (
	// MinSampleRate and MaxSampleRate bound Config.SampleRate: below, a
	// 38400-baud burst (±40 kHz) does not fit; above, no SDR records (the
	// search's FFT and ring grow with the rate).
	MinSampleRate = 100e3
	MaxSampleRate = iq.MaxSampleRate
	// MinBaud and MaxBaud bound Config.Bauds. GridStream uses 9600, 19200
	// and 38400 baud; the ±50 kHz burst channel holds no 2-FSK faster than
	// about 50 kbaud, and below 1200 baud the longest frame lasts over 2 s.
	MinBaud = 1200
	MaxBaud = 50000
	// MaxActive is how many bursts are followed at once. Real traffic
	// overlaps a few at a time; more is wideband interference, and each
	// burst costs a channel filter over every input sample and up to a
	// MaxBurst buffer.
	MaxActive = 32
	// MaxWorkers bounds Config.Workers.
	MaxWorkers = 256
)

// Config configures a Receiver.
type Config struct {
	// SampleRate of the complex input (required), MinSampleRate to
	// MaxSampleRate.
	SampleRate float64
	// CenterFreq is the recording's centre frequency in Hz; 0 means unknown
	// (frequencies are then reported as offsets).
	CenterFreq float64
	// Bauds are the FSK symbol rates tried (nil means every FSK protocol's).
	Bauds []int
	// Decoders are the protocols searched, each with the decoder every
	// input shares: FSK ones are demodulated at Bauds, OOK ones sliced from
	// the burst's power envelope. With CenterFreq known, a protocol whose
	// band is outside the recording is not searched.
	Decoders []protocol.Decoder
	// ThresholdDB is the burst detection threshold over the noise floor
	// (0 means 7 dB).
	ThresholdDB float64
	// MaxBurst is the longest piece of a burst in seconds demodulated at
	// once (0 means 0.3 s); longer bursts are demodulated in overlapping
	// pieces. A burst that lasts longer than twice the longest transmission
	// at the slowest of Bauds is a carrier or interference: it is ended and
	// its band taken into the noise floor.
	MaxBurst float64
	// Input names the input in every message.
	Input string
	// Workers is how many goroutines demodulate bursts (0 or 1: the
	// goroutine calling Process); with more than one, the search's
	// transforms and the bursts' channels run beside them too. The
	// messages, their fields and their order are the same whatever the
	// number.
	Workers int
	// Start is when the input's first sample was taken, zero when unknown.
	// Every message gets OffsetS, its frame's start in seconds from the
	// first sample, and, when Start is known, Time = Start + OffsetS.
	Start time.Time
	// OnBurst, when set, is called after each burst is demodulated with
	// what was found in it (a band view, a waterfall picture). It runs on
	// the goroutine calling Process or Flush; Burst.Messages is only valid
	// during the call. When nil, the receiver does no work for it.
	OnBurst func(Burst)
}

// Stats counts what the receiver saw.
type Stats struct {
	Samples   int64 // input samples
	Bursts    int64 // bursts demodulated: what Config.OnBurst reports (see Candidates)
	Attempts  int64 // (burst, baud) demodulation attempts
	Decoded   int64 // bursts that gave a CRC-good message
	Messages  int64 // messages emitted
	Duplicate int64 // duplicate messages dropped
	// Cut counts bursts ended for lasting longer than any transmission
	// (steady carriers, interference); Ignored counts peaks not followed
	// because MaxActive bursts already were.
	Cut, Ignored int64
	// Channelized is the input samples run through a burst's channel
	// filter (Channelized/Samples is the mean number of bursts followed).
	Channelized int64
	// Candidates counts the peaks the search followed as possible bursts.
	// Bursts counts those that held a signal in their channel (a 0.25 ms
	// block clearly over the noise) and were demodulated, a burst longer
	// than MaxBurst once per piece; a candidate that is no burst was a
	// false alarm of the search or a faint neighbour.
	Candidates int64
}

// Receiver is the pure-Go receiver: it searches the whole band for bursts,
// demodulates each (as FSK and as OOK, for the protocols it is given) and
// feeds the decode pipeline. It is not safe for concurrent use; state
// carries across Process calls.
type Receiver struct {
	cfg  Config
	emit func(*frames.Message)

	fs    float64
	det   *detector
	hop   int // samples between detector frames
	phase int // samples since the last frame
	pos   int64
	ring  []complex64
	dcbuf []complex64 // input less its DC offset, for a burst near 0 Hz
	rmask int64       // the ring's length (or stageRing's) less one
	in    inputSpan   // the samples Process or ProcessRaw was given
	// stageRing replaces ring with a channel stage.
	stageRing *stageRing
	// lookRing is how far back (samples) the lookback ring reaches; the
	// ring itself is longer when the channel stage reads it behind the
	// search.
	lookRing int64
	look     int // lookback in samples when a burst starts
	miss     int // frames without energy that end a burst

	firstStage
	power powerChannel

	active   []*burst
	cands    []peak // unconfirmed new bursts from the last frame
	newCands []peak
	free     []*burst
	maxLen   int   // Fs1 samples
	maxSpan  int64 // input samples: the longest a burst may last

	fskRadio, ookRadio   protocolRadio // the radio facts of the protocols searched
	fskDecs, ookDecs     []protocol.Decoder
	searchFSK, searchOOK bool
	fsk                  *fskDemod
	ook                  *ookDemod

	dd         *dedup
	recentSpan int64 // input samples a frame stays in dd.recent
	stats      Stats
	freqErr    freqErrorEstimator

	burstMsgs []*frames.Message // messages of the burst being demodulated (OnBurst)

	pool       *pool        // the workers (nil: demodulated by Process's caller)
	ch         *chanStage   // the bursts' channels on a goroutine of their own (nil: on Process's)
	ahead      *searchAhead // with ch: the search's frames transformed a block at a time, in parallel
	segHelper  bool         // with workers and no ch: a helper channelizes each frame's samples while the search analyzes it
	block      int          // with ch: samples written to the ring at once
	turns      *turns       // a shard's: the pipelines' order
	job        *demodJob    // a shard's: the job being demodulated
	inTurn     bool         // a shard's: job holds the pipelines
	turnFailed int64        // a shard's: failedSoFar when its turn came (OnBurst)
}

// New returns a Receiver that decodes through cfg.Decoders and calls emit
// for every message.
func New(cfg Config, emit func(*frames.Message)) (*Receiver, error) {
	if !(cfg.SampleRate >= MinSampleRate && cfg.SampleRate <= MaxSampleRate) {
		return nil, fmt.Errorf("demod: sample rate %g S/s: must be %g to %g", cfg.SampleRate, MinSampleRate, MaxSampleRate)
	}
	if len(cfg.Decoders) == 0 {
		return nil, errors.New("demod: no protocol to decode")
	}
	fskDecs, ookDecs := protocol.Modulated(cfg.Decoders, protocol.FSK), protocol.Modulated(cfg.Decoders, protocol.OOK)
	fskRadio, ookRadio := newProtocolRadio(fskDecs), newProtocolRadio(ookDecs)
	cfg, err := cfg.withDefaults(fskRadio.bauds)
	if err != nil {
		return nil, err
	}
	fs := cfg.SampleRate
	r := &Receiver{cfg: cfg, emit: emit, fs: fs, fskRadio: fskRadio, ookRadio: ookRadio,
		fskDecs: fskDecs, ookDecs: ookDecs, searchFSK: len(fskDecs) > 0, searchOOK: len(ookDecs) > 0}
	if cfg.CenterFreq != 0 {
		lo, hi := cfg.CenterFreq-fs/2, cfg.CenterFreq+fs/2
		r.searchFSK = r.searchFSK && fskRadio.heardIn(lo, hi)
		r.searchOOK = r.searchOOK && ookRadio.heardIn(lo, hi)
	}
	r.designSearch()
	r.firstStage = newFirstStage(fs)
	r.power = newPowerChannel(r.fs1)
	r.designLimits()
	r.fsk = newFSKDemod(r)
	r.ook = newOOKDemod(r)
	grids := map[string]float64{}
	for _, d := range fskDecs {
		if g := d.Protocol().Radio().ChannelGrid; g > 0 {
			grids[d.Protocol().Name()] = g
		}
	}
	r.freqErr = newFreqErrorEstimator(cfg.CenterFreq, grids)
	r.dd = &dedup{}
	if cfg.Workers > 1 {
		r.pool = r.newPool(cfg.Workers)
		switch {
		case fs < stageMinRate:
			// The bursts' channels and the search stay on the goroutine
			// calling Process, as with one worker; only the bursts'
			// demodulation goes to the workers, one of which is that
			// goroutine.
			r.pool.helps = true
		case r.searchOOK:
			r.segHelper = true
		default:
			// The channel stage reads the ring behind the search. The
			// ring holds a block being written, the lookback before it,
			// and room for the stage to lag by two lookbacks, and is
			// longer when the input's form allows (stageRingBytes); a
			// block is at least minBlock samples (fewer hand-overs at low
			// rates).
			r.ch = newChanStage(r)
			r.block = max(int(r.lookRing), minBlock)
			rs := 1
			for rs < r.block+3*int(r.lookRing) {
				rs <<= 1
			}
			r.ring, r.stageRing = nil, newStageRing(rs)
			r.rmask = int64(rs - 1)
			r.ahead = newSearchAhead(r, max(1, cfg.Workers-1), r.block/r.hop+1)
		}
	}
	return r, nil
}

// withDefaults checks cfg's fields after SampleRate and fills in the
// defaults; bauds are the FSK protocols' symbol rates (none when no FSK
// protocol is searched: then Bauds may be empty).
func (cfg Config) withDefaults(bauds []int) (Config, error) {
	if cfg.Bauds == nil {
		cfg.Bauds = bauds
	}
	if len(cfg.Bauds) == 0 && len(bauds) > 0 {
		return cfg, errors.New("demod: no symbol rate")
	}
	for _, b := range cfg.Bauds {
		if b < MinBaud || b > MaxBaud {
			return cfg, fmt.Errorf("demod: symbol rate %d baud: must be %d to %d", b, MinBaud, MaxBaud)
		}
	}
	if math.IsNaN(cfg.CenterFreq) || math.IsInf(cfg.CenterFreq, 0) {
		return cfg, fmt.Errorf("demod: centre frequency %v", cfg.CenterFreq)
	}
	if !(cfg.ThresholdDB >= 0 && cfg.ThresholdDB <= 60) {
		return cfg, fmt.Errorf("demod: threshold %v dB: must be 0 (the default) to 60", cfg.ThresholdDB)
	}
	if cfg.ThresholdDB == 0 {
		cfg.ThresholdDB = 7
	}
	if cfg.Workers < 0 || cfg.Workers > MaxWorkers {
		return cfg, fmt.Errorf("demod: %d workers: must be 0 to %d", cfg.Workers, MaxWorkers)
	}
	if !(cfg.MaxBurst >= 0 && cfg.MaxBurst <= 10) {
		return cfg, fmt.Errorf("demod: MaxBurst %v s: must be 0 (the default) to 10", cfg.MaxBurst)
	}
	if cfg.MaxBurst == 0 {
		cfg.MaxBurst = 0.3
	}
	return cfg, nil
}

// designSearch sets up the burst search: the detector (bins of 2.5–5 kHz,
// a frame about every 1.2 ms), when a burst ends, and the lookback ring.
func (r *Receiver) designSearch() {
	fs := r.fs
	n := 16
	for float64(n) < fs/5000 {
		n <<= 1
	}
	r.det = newDetector(fs, n, r.cfg.ThresholdDB)
	r.hop = n * max(1, int(math.Round(fs*0.0012/float64(n))))
	// A burst ends after 2 ms without energy; when OOK protocols are
	// searched, after the longest silence they declare inside one
	// transmission (NGE101: 8 ms, its OOK is off up to a bit cell at a
	// time, and frames a little over a cell apart can land in several off
	// periods in a row).
	quiet := 0.002
	if r.searchOOK {
		quiet = max(quiet, r.ookRadio.silence)
	}
	r.miss = max(2, int(math.Ceil(quiet*fs/float64(r.hop))))
	// A burst is confirmed in its second frame, at most two hops and a
	// frame after it started.
	r.look = 2*r.hop + n + int(0.0005*fs)
	rs := 1
	for rs < r.look+r.hop+n {
		rs <<= 1
	}
	r.ring = make([]complex64, rs)
	r.rmask = int64(rs - 1)
	r.lookRing = int64(rs)
}

// stageMinRate is the lowest sample rate at which, with workers, the
// search's frames are transformed in parallel and the bursts' channels run
// on a stage of their own (or a helper). Below it the search and the
// channels are a small part of the work beside the bursts' demodulation
// (at 250 kS/s under a third), which the workers share; handing their
// samples to another core and the frames to helpers would cost more CPU
// than it saves wall time.
const stageMinRate = 1e6

// minBlock is the fewest samples processBlocks writes and transforms at
// once.
const minBlock = 1 << 14

// designLimits sets how long a burst is collected before it is demodulated
// in pieces, how long it may last at all, and how long a delivered frame is
// remembered.
func (r *Receiver) designLimits() {
	fs := r.fs
	r.maxLen = int(r.cfg.MaxBurst * r.fs1)
	r.recentSpan = int64((r.cfg.MaxBurst+0.25)*fs) + int64(r.look)
	// Twice the longest transmission at the slowest rate: two meters back
	// to back on one channel still fit.
	longest := 0.0
	if len(r.cfg.Bauds) > 0 {
		longest = float64(r.fskRadio.longestSymbols) / float64(slices.Min(r.cfg.Bauds))
	}
	if r.searchOOK {
		longest = max(longest, r.ookRadio.longestSeconds)
	}
	r.maxSpan = int64(2 * longest * fs)
}

// Stats returns the counters so far.
func (r *Receiver) Stats() Stats { return r.stats }

// Process consumes the next samples.
func (r *Receiver) Process(x []complex64) {
	r.in = inputSpan{x: x}
	r.process(&r.in)
	r.in = inputSpan{}
}

// ProcessRaw consumes the next samples as a reader holds them: the bytes of
// whole samples of format f (iq.Source.ReadRaw; a trailing partial sample
// is ignored). It is Process of what iq.Decode makes of them, converted
// straight into the receiver's lookback ring (no buffer between: with
// workers, by the goroutine that searches them).
func (r *Receiver) ProcessRaw(f iq.Format, raw []byte) {
	if f.Size() == 0 {
		return
	}
	r.in = inputSpan{raw: raw, f: f, size: f.Size()}
	r.process(&r.in)
	r.in = inputSpan{}
}

// inputSpan is a span of input: complex samples (Process) or the bytes of
// whole samples of a format (ProcessRaw), converted as they are written to
// the ring.
type inputSpan struct {
	x    []complex64
	raw  []byte
	f    iq.Format
	size int
}

func (s *inputSpan) len() int {
	if s.size > 0 {
		return len(s.raw) / s.size
	}
	return len(s.x)
}

// to writes samples i… to dst.
func (s *inputSpan) to(dst []complex64, i int) {
	if s.size > 0 {
		iq.Decode(s.f, dst, s.raw[i*s.size:])
		return
	}
	copy(dst, s.x[i:])
}

// toRing writes samples i…i+k to ring (its length a power of two) at input
// index at.
func (s *inputSpan) toRing(ring []complex64, at int64, i, k int) {
	p := int(at & int64(len(ring)-1))
	c := min(k, len(ring)-p)
	s.to(ring[p:p+c], i)
	s.to(ring[:k-c], i+c)
}

func (r *Receiver) process(in *inputSpan) {
	n := in.len()
	r.stats.Samples += int64(n)
	if r.ch != nil {
		r.processBlocks(in, n)
		return
	}
	for i := 0; i < n; {
		// The samples up to the next frame (or the ring's end) are written
		// to the ring, and the channels take them from there.
		p := int(r.pos & r.rmask)
		k := min(n-i, r.hop-r.phase, len(r.ring)-p)
		seg := r.ring[p : p+k]
		in.to(seg, i)
		i += k
		r.stats.Channelized += int64(k * len(r.active))
		if r.segHelper && r.phase+k == r.hop && len(r.active) > 0 && r.pos+int64(k) >= int64(r.det.n) {
			// With workers, the search's frame and the burst channels'
			// samples before it, which do not depend on each other, at
			// once.
			r.pool.extractAsync(r, seg)
			r.pos += int64(k)
			r.phase = 0
			peaks := r.analyzeFrame()
			r.pool.extractWait()
			r.afterFrame(peaks)
			continue
		}
		for _, b := range r.active {
			r.extract(b, seg)
		}
		r.pos += int64(k)
		r.phase += k
		if r.phase == r.hop {
			r.phase = 0
			r.frame()
		}
	}
	if r.pool != nil {
		r.emitJobs(0)
	}
	if r.pool == nil || len(r.pool.pending) == 0 {
		// No burst is being demodulated: what waited for the bursts
		// that ended since goes now.
		r.release(false)
	}
}

// processBlocks is process with a channel stage: a block of samples at a
// time is written to the ring and its search frames transformed, both in
// parallel; then the frames are finished in order and the channels sent
// their samples at each.
func (r *Receiver) processBlocks(in *inputSpan, n int) {
	if !r.pool.running {
		r.pool.start()
	}
	if r.stageRing.needsConvert(in) {
		r.ch.drain()
	}
	r.stageRing.prepare(in)
	r.rmask = r.stageRing.mask
	for i := 0; i < n; {
		bl := min(n-i, r.block)
		r.ch.room(bl)
		r.ahead.run(in, i, bl, r.pos, r.hop)
		for left := bl; left > 0; {
			k := min(left, r.hop-r.phase)
			r.stats.Channelized += int64(k * len(r.active))
			for _, b := range r.active {
				b.fed += int64(k)
			}
			r.pos += int64(k)
			r.phase += k
			left -= k
			if r.phase == r.hop {
				r.phase = 0
				r.ch.extract() // the samples before the frame, with the DC offset before it
				r.frame()
			}
		}
		i += bl
	}
	r.ch.extract()
	r.ch.flush()
	r.emitJobs(0)
}

// ringRead calls f with the ring's samples from input index from to r.pos.
func (r *Receiver) ringRead(from int64, f func([]complex64)) {
	from = max(from, r.pos-r.lookRing, 0)
	for from < r.pos {
		p := from & r.rmask
		end := min(int64(len(r.ring)), p+(r.pos-from))
		f(r.ring[p:end])
		from += end - p
	}
}

// Flush demodulates the bursts still being collected and flushes the
// decode pipelines.
func (r *Receiver) Flush() {
	for _, b := range r.active {
		r.finish(b)
	}
	clear(r.active)
	r.active = r.active[:0]
	if r.pool != nil {
		r.emitJobs(len(r.pool.pending))
		r.pool.stop()
	}
	r.ook.flush()
	r.release(true)
}
