package demod

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// DefaultBauds are the GridStream symbol rates tried when Config.Bauds is nil.
var DefaultBauds = []int{9600, 19200, 38400}

// NGE101Freq is the NGE101 carrier frequency.
const NGE101Freq = 433.92e6

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
)

// Config configures a Receiver.
type Config struct {
	// SampleRate of the complex input (required), 200 kS/s and up.
	SampleRate float64
	// CenterFreq is the recording's centre frequency in Hz; 0 means unknown
	// (frequencies are then reported as offsets).
	CenterFreq float64
	// Bauds are the GridStream symbol rates tried (nil means DefaultBauds).
	Bauds []int
	// NoGridStream and NoNGE101 turn a protocol off. With CenterFreq known,
	// a protocol whose band is outside the recording is off anyway.
	NoGridStream, NoNGE101 bool
	// ThresholdDB is the burst detection threshold over the noise floor
	// (0 means 7 dB).
	ThresholdDB float64
	// MaxBurst is the longest piece of a burst in seconds demodulated at
	// once (0 means 0.3 s); longer bursts are demodulated in overlapping
	// pieces. A burst that lasts longer than twice the longest transmission
	// at the slowest of Bauds is a carrier or interference: it is ended and
	// its band taken into the noise floor.
	MaxBurst float64
	// Deframer tunes the GridStream correlator (zero value means the
	// defaults).
	Deframer bits.DeframerOptions
	// Input names the input in every message.
	Input string
	// OnBurst, when set, is called after each burst is demodulated with
	// what was found in it (a band view, a waterfall picture). It runs on
	// the goroutine calling Process or Flush; Burst.Messages is only valid
	// during the call. When nil, the receiver does no work for it.
	OnBurst func(Burst)
}

// Burst is a transmission the receiver found and demodulated.
type Burst struct {
	// Start and End are input sample indices of its active span.
	Start, End int64
	// FreqLo and FreqHi bound the band it occupied (Hz): absolute when
	// Config.CenterFreq is known, else offsets from the centre.
	FreqLo, FreqHi float64
	// RSSIdB and SNRdB are its level over the active span.
	RSSIdB, SNRdB float64
	// Messages are those decoded from it: emitted, or dropped as duplicates
	// of one already emitted.
	Messages []*frames.Message
	// CRCFailed is set when frames were found in it whose CRC (or check)
	// failed.
	CRCFailed bool
}

// Decoded reports whether a message with a good CRC came from the burst.
func (b *Burst) Decoded() bool {
	for _, m := range b.Messages {
		if m.CRCOK {
			return true
		}
	}
	return false
}

// Stats counts what the receiver saw.
type Stats struct {
	Samples   int64 // input samples
	Bursts    int64 // bursts detected
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
}

// Receiver is the pure-Go GridStream/NGE101 receiver: it searches the whole
// band for bursts, demodulates each and feeds the decode pipeline. It is not
// safe for concurrent use; state carries across Process calls.
type Receiver struct {
	cfg  Config
	dec  *frames.Decoder
	emit func(*frames.Message)

	fs    float64
	det   *detector
	hop   int // samples between detector frames
	phase int // samples since the last frame
	pos   int64
	ring  []complex64
	rmask int64
	look  int // lookback in samples when a burst starts
	miss  int // frames without energy that end a burst

	d1     int     // first decimation (a power of two)
	fs1    float64 // rate after it
	design []*halfband
	fir1   []float32 // when d1 is 1: a plain channel filter
	gain1  float64   // noise gain of the first stage (Σh²)
	delay1 float64   // its group delay in input samples
	pwFilt *mixDecim // ±60 kHz, decimating by 2: the burst power measurement
	pwGain float64
	pwDec  int
	pwz    []complex64

	active   []*burst
	cands    []peak // unconfirmed new bursts from the last frame
	newCands []peak
	free     []*burst
	maxLen   int   // Fs1 samples
	maxSpan  int64 // input samples: the longest a burst may last

	gs, nge bool
	fsk     *fskDemod
	ook     *ookDemod

	recent     []recentMsg
	recentSpan int64 // input samples a frame stays in recent
	stats      Stats

	burstMsgs []*frames.Message // messages of the burst being demodulated (OnBurst)
}

type recentMsg struct {
	raw string
	pos int64
}

// burst is one transmission being collected.
type burst struct {
	freq      float64 // the detector's offset when the burst started (Hz)
	tuned     float64 // the channel's centre (Hz)
	fsum, wsz float64 // running mean of peak frequencies
	lo, hi    float64 // widest occupied band seen
	ex        *channelizer
	fir       *mixDecim // the plain filter when there is no decimation
	tmp       []complex64
	y         []complex64
	start     int64 // input index of y[0]
	began     int64 // input index where it was detected
	misses    int
	frames    int
	maxRatio  float32
}

// New returns a Receiver that decodes through dec and calls emit for every
// message.
func New(cfg Config, dec *frames.Decoder, emit func(*frames.Message)) (*Receiver, error) {
	if !(cfg.SampleRate >= MinSampleRate && cfg.SampleRate <= MaxSampleRate) {
		return nil, fmt.Errorf("demod: sample rate %g S/s: must be %g to %g", cfg.SampleRate, MinSampleRate, MaxSampleRate)
	}
	if dec == nil {
		return nil, errors.New("demod: nil decoder")
	}
	if cfg.Bauds == nil {
		cfg.Bauds = DefaultBauds
	}
	if len(cfg.Bauds) == 0 {
		return nil, errors.New("demod: no symbol rate")
	}
	for _, b := range cfg.Bauds {
		if b < MinBaud || b > MaxBaud {
			return nil, fmt.Errorf("demod: symbol rate %d baud: must be %d to %d", b, MinBaud, MaxBaud)
		}
	}
	if math.IsNaN(cfg.CenterFreq) || math.IsInf(cfg.CenterFreq, 0) {
		return nil, fmt.Errorf("demod: centre frequency %v", cfg.CenterFreq)
	}
	if !(cfg.ThresholdDB >= 0 && cfg.ThresholdDB <= 60) {
		return nil, fmt.Errorf("demod: threshold %v dB: must be 0 (the default) to 60", cfg.ThresholdDB)
	}
	if cfg.ThresholdDB == 0 {
		cfg.ThresholdDB = 7
	}
	if !(cfg.MaxBurst >= 0 && cfg.MaxBurst <= 10) {
		return nil, fmt.Errorf("demod: MaxBurst %v s: must be 0 (the default) to 10", cfg.MaxBurst)
	}
	if cfg.MaxBurst == 0 {
		cfg.MaxBurst = 0.3
	}
	if cfg.Deframer == (bits.DeframerOptions{}) {
		cfg.Deframer = bits.DefaultDeframerOptions()
	}
	fs := cfg.SampleRate
	r := &Receiver{cfg: cfg, dec: dec, emit: emit, fs: fs, gs: !cfg.NoGridStream, nge: !cfg.NoNGE101}
	if cfg.CenterFreq != 0 {
		lo, hi := cfg.CenterFreq-fs/2, cfg.CenterFreq+fs/2
		if hi < 902e6 || lo > 928e6 {
			r.gs = false
		}
		if NGE101Freq < lo || NGE101Freq > hi {
			r.nge = false
		}
	}
	// Detector: ~4 kHz bins, a frame about every 0.8 ms.
	n := 16
	binHz := 5000.0
	if fs > 1.2e6 {
		binHz = 5000
	}
	for float64(n) < fs/binHz {
		n <<= 1
	}
	r.det = newDetector(fs, n, cfg.ThresholdDB)
	r.hop = n * max(1, int(math.Round(fs*0.0012/float64(n))))
	// A burst ends after 2 ms without energy; when NGE101 is searched,
	// after 8 ms: its OOK is off up to a bit cell at a time, and frames a
	// little over a cell apart can land in several off periods in a row.
	quiet := 0.002
	if r.nge {
		quiet = 0.008
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
	// First stage: half-band decimators down to 240–480 kS/s, keeping
	// ±60 kHz; at lower input rates a plain ±55 kHz filter instead.
	r.d1 = 1
	for fs/float64(2*r.d1) >= 240e3 {
		r.d1 *= 2
	}
	r.fs1 = fs / float64(r.d1)
	if r.d1 > 1 {
		r.design = newChannelizerDesign(fs, r.d1, 60e3)
		r.gain1 = noiseGain(r.design)
		r.delay1 = groupDelay(r.design)
	} else {
		// No decimation: the burst is only mixed to 0 Hz here; the burst
		// power and every demodulator filter it themselves.
		r.gain1 = 1
	}
	r.pwDec = 2
	if r.fs1 < 200e3 {
		r.pwDec = 1
	}
	// Pass ±50 kHz (a 38400-baud burst is ±40 kHz wide); stop from 90 kHz
	// so that at half the rate nothing folds into the slower rates' band.
	pt := kaiserLowpass(r.fs1, 50e3, min(r.fs1/2, 90e3), 45)
	if r.fs1/2-50e3 >= 90e3 {
		// Fast enough for a half-band filter (stopband from fs1/2 - 50 kHz):
		// half the taps are zero.
		pt = halfbandTaps(r.fs1, 50e3, 45).taps()
	}
	r.pwFilt = newMixDecim(pt, r.pwDec)
	for _, t := range pt {
		r.pwGain += float64(t) * float64(t)
	}
	r.maxLen = int(cfg.MaxBurst * r.fs1)
	r.recentSpan = int64((cfg.MaxBurst+0.25)*fs) + int64(r.look)
	// Twice the longest transmission at the slowest rate: two meters back
	// to back on one channel still fit.
	longest := float64(bits.MaxTransmissionBits) / float64(slices.Min(cfg.Bauds))
	if r.nge {
		longest = max(longest, bits.NGEPacketSeconds)
	}
	r.maxSpan = int64(2 * longest * fs)
	r.fsk = newFSKDemod(r)
	r.ook = newOOKDemod(r)
	return r, nil
}

// Stats returns the counters so far.
func (r *Receiver) Stats() Stats { return r.stats }

// Process consumes the next samples.
func (r *Receiver) Process(x []complex64) {
	r.stats.Samples += int64(len(x))
	for len(x) > 0 {
		k := min(len(x), r.hop-r.phase)
		seg := x[:k]
		// Ring buffer.
		p := r.pos & r.rmask
		c := copy(r.ring[p:], seg)
		copy(r.ring, seg[c:])
		for _, b := range r.active {
			r.extract(b, seg)
		}
		r.stats.Channelized += int64(k * len(r.active))
		r.pos += int64(k)
		r.phase += k
		x = x[k:]
		if r.phase == r.hop {
			r.phase = 0
			r.frame()
		}
	}
}

// ringRead calls f with the ring's samples from input index from to r.pos.
func (r *Receiver) ringRead(from int64, f func([]complex64)) {
	from = max(from, r.pos-int64(len(r.ring)), 0)
	for from < r.pos {
		p := from & r.rmask
		end := min(int64(len(r.ring)), p+(r.pos-from))
		f(r.ring[p:end])
		from += end - p
	}
}

// frame runs the detector on the newest samples and tracks bursts.
func (r *Receiver) frame() {
	n := r.det.n
	if r.pos < int64(n) {
		return
	}
	var x []complex64
	p := (r.pos - int64(n)) & r.rmask
	if p+int64(n) <= int64(len(r.ring)) {
		x = r.ring[p : p+int64(n)]
	} else {
		x = r.det.buf // the detector copies its input before transforming
		c := copy(x, r.ring[p:])
		copy(x[c:], r.ring)
	}
	peaks := r.det.analyze(x)
	for _, b := range r.active {
		b.misses++
	}
	for _, pk := range peaks {
		var best *burst
		bd := math.Inf(1)
		for _, b := range r.active {
			if d := math.Abs(pk.freq - b.freq); d < bd {
				best, bd = b, d
			}
		}
		switch {
		case best != nil && bd < 35e3 && bd > 10e3 && pk.ratio > 8*best.maxRatio:
			// A much stronger burst next to a weak one (a false alarm or
			// a faint neighbour): follow the strong one from here.
			r.finish(best)
			r.active = slices.DeleteFunc(r.active, func(b *burst) bool { return b == best })
			r.startBurst(pk)
		case best != nil && bd < 35e3:
			best.maxRatio = max(best.maxRatio, pk.ratio)
			best.misses = 0
			best.frames++
			w := float64(pk.ratio)
			best.fsum += w * pk.freq
			best.wsz += w
			best.lo = min(best.lo, pk.lo)
			best.hi = max(best.hi, pk.hi)
		case best != nil && bd < 70e3:
			// A skirt of a burst already followed.
		default:
			// A new burst must show in two frames in a row (or be strong).
			confirmed := pk.ratio > 4*r.det.thr
			for _, c := range r.cands {
				confirmed = confirmed || math.Abs(c.freq-pk.freq) < 20e3
			}
			switch {
			case confirmed && len(r.active) >= MaxActive:
				r.stats.Ignored++
			case confirmed:
				r.startBurst(pk)
			default:
				r.newCands = append(r.newCands, pk)
			}
		}
	}
	r.cands, r.newCands = r.newCands, r.cands[:0]
	live := r.active[:0]
	for _, b := range r.active {
		if b.misses >= r.miss {
			r.finish(b)
			continue
		}
		if r.pos-b.began >= r.maxSpan {
			// Longer than any transmission: a carrier or interference.
			// What was collected is still demodulated; then the band joins
			// the noise floor, so the same signal does not start over.
			if debugHook != nil {
				debugHook(fmt.Sprintf("cut at %d freq %.0f after %d samples", r.pos, b.fsum/b.wsz, r.pos-b.began))
			}
			r.stats.Cut++
			r.det.absorb(b.lo, b.hi)
			r.finish(b)
			continue
		}
		if len(b.y) >= r.maxLen {
			// Too long: demodulate what there is and go on with an
			// overlap as long as the longest frame.
			r.demodBurst(b)
			ov := min(len(b.y), int(0.16*r.fs1))
			cut := len(b.y) - ov
			copy(b.y, b.y[cut:])
			b.y = b.y[:ov]
			b.start += int64(cut * r.d1)
		}
		live = append(live, b)
	}
	clear(r.active[len(live):])
	r.active = live
}

// debugHook, when set (by tests), receives a trace line for every burst
// event and demodulation step.
var debugHook func(string)

func (r *Receiver) startBurst(pk peak) {
	if debugHook != nil {
		debugHook(fmt.Sprintf("start at %d freq %.0f ratio %.1f [%.0f %.0f]", r.pos, pk.freq, pk.ratio, pk.lo, pk.hi))
	}
	var b *burst
	if k := len(r.free); k > 0 {
		b = r.free[k-1]
		r.free = r.free[:k-1]
	} else {
		b = &burst{ex: &channelizer{}}
		b.ex.clone(r.design)
		if r.fir1 != nil {
			b.fir = newMixDecim(r.fir1, 1)
		}
	}
	r.stats.Bursts++
	w := float64(pk.ratio)
	b.freq, b.fsum, b.wsz, b.lo, b.hi = pk.freq, w*pk.freq, w, pk.lo, pk.hi
	b.misses, b.frames, b.maxRatio = 0, 1, pk.ratio
	b.tuned = b.ex.reset(pk.freq/r.fs) * r.fs
	if b.fir != nil {
		b.fir.reset(0)
	}
	b.y = b.y[:0]
	b.began = r.pos
	b.start = max(0, r.pos-int64(r.look))
	if r.det.frames <= 6 {
		// Right after the noise floor's start-up a burst may have begun
		// before the first frame that could see it: take the whole ring.
		b.start = max(0, r.pos-int64(len(r.ring))+1)
	}
	// Align the start to the decimation phase.
	b.start -= b.start % int64(r.d1)
	r.ringRead(b.start, func(s []complex64) { r.extract(b, s) })
	r.active = append(r.active, b)
}

// extract runs input samples through a burst's first stage.
func (r *Receiver) extract(b *burst, x []complex64) {
	if b.fir == nil {
		b.y = b.ex.process(x, b.y)
		return
	}
	b.tmp = b.ex.process(x, b.tmp[:0])
	b.y = b.fir.process(b.tmp, b.y)
}

// finish demodulates a burst that has ended.
func (r *Receiver) finish(b *burst) {
	if debugHook != nil {
		debugHook(fmt.Sprintf("finish at %d start %d freq %.0f frames %d len %d", r.pos, b.start, b.fsum/b.wsz, b.frames, len(b.y)))
	}
	if len(b.y) > 0 {
		r.demodBurst(b)
	}
	if cap(b.y) > 4*r.maxLen {
		b.y = nil
	}
	r.free = append(r.free, b)
}

// Flush demodulates the bursts still being collected and flushes the
// decode pipelines.
func (r *Receiver) Flush() {
	for _, b := range r.active {
		r.finish(b)
	}
	clear(r.active)
	r.active = r.active[:0]
	r.ook.flush()
}

// deliver emits a message unless the same frame was already emitted: a
// transmission the detector saw twice, or demodulated again in the overlap
// of a burst cut for length. A GridStream frame is the same when its bytes
// agree and it starts (by its own BitOffset) within dupSlack of the other;
// an NGE101 packet, which the transmitter repeats, when its bytes agree
// within 0.2 s of burst starts (pos).
func (r *Receiver) deliver(m *frames.Message, pos int64) {
	tol := int64(0.2 * r.fs)
	if m.Radio != nil && m.Baud > 0 {
		pos = int64(math.Round(float64(m.BitOffset) * r.fs / float64(m.Baud)))
		tol = int64(dupSlack * r.fs)
	}
	// Bursts hold at most MaxBurst of samples: a frame that started before
	// the horizon cannot be demodulated again.
	horizon := r.pos - r.recentSpan
	keep := r.recent[:0]
	dup := false
	for _, e := range r.recent {
		if e.pos < horizon {
			continue
		}
		keep = append(keep, e)
		if e.raw == m.Raw && e.pos-pos <= tol && pos-e.pos <= tol {
			dup = true
		}
	}
	clear(r.recent[len(keep):])
	r.recent = keep
	if r.cfg.OnBurst != nil {
		r.burstMsgs = append(r.burstMsgs, m)
	}
	if dup {
		r.stats.Duplicate++
		return
	}
	r.recent = append(r.recent, recentMsg{raw: m.Raw, pos: pos})
	r.stats.Messages++
	r.emit(m)
}

// dupSlack is how far apart (in seconds) two decodes of one GridStream
// frame may place its start. Two transmissions of the same bytes are
// further apart: the shortest frame lasts over 5 ms.
const dupSlack = 0.003

// newChannel returns a decode pipeline channel whose messages go to collect.
func (r *Receiver) newChannel(levelRate float64, collect func(*frames.Message)) *pipeline.Channel {
	return pipeline.New(pipeline.Config{
		Decoder:    r.dec,
		GridStream: levelRate == 0,
		Deframer:   r.cfg.Deframer,
		LevelRate:  levelRate,
		Input:      r.cfg.Input,
	}, collect)
}
