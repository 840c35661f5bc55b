package demod

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// dedup is the frames delivered lately (shared by a receiver's shards),
// and the messages delivered but not emitted yet.
type dedup struct {
	recent []recentMsg
	// held is the messages delivered and not emitted yet, in delivery
	// order: an NGE101 packet waits until every burst that may hold it too
	// was demodulated, and every message delivered after it waits behind
	// it.
	held []*heldMsg
}

// recentMsg is a delivered frame, remembered to drop duplicates: its bytes
// (hex) and where it started, in input samples.
type recentMsg struct {
	raw  string
	pos  int64
	good bool     // emitted CRC-good
	h    *heldMsg // while it waits to be emitted (NGE101)
}

// heldMsg is a delivered message waiting to be emitted at input sample
// pos. packet tells an NGE101 packet, which other bursts may deliver again:
// m is its earliest transmission delivered, radio the copy measured
// strongest so far (at, its first edge; freq its carrier, Hz from the
// centre).
type heldMsg struct {
	m      *frames.Message
	pos    int64
	packet bool
	out    bool // emitted
	radio  *frames.Radio
	at     int64
	freq   float64
}

// deliver emits a message unless the same frame was already emitted: a
// transmission the detector saw twice, or demodulated again in the overlap
// of a burst cut for length. A GridStream frame is the same when its bytes
// agree and it starts (by its own BitOffset) within dupSlack of the other;
// an NGE101 packet, which the transmitter repeats, when its bytes agree
// and it starts (pos, its first edge) within ngeRepeats of the other. A
// frame emitted as failed does not hide the same frame CRC-good: with
// --all, a frame of a network not learned yet is shown failed, then again
// when a later frame teaches its network.
//
// An NGE101 packet is also seen by bursts tuned beside its carrier (a
// neighbour's, or the search's on a strong device's keying clicks):
// through their channel filter's skirt, at a few dB, measured off its
// carrier; and such a burst may end, and deliver it, first. So a packet
// waits until every burst that may deliver it again was demodulated
// (release), and goes out placed at its earliest transmission, with the
// radio fields of its copy measured strongest (keep).
func (r *Receiver) deliver(m *frames.Message, pos int64) {
	r.enterTurn()
	tol := int64(ngeRepeats * r.fs)
	packet := true
	if m.Radio != nil && m.Baud > 0 {
		pos = int64(math.Round(float64(m.BitOffset) * r.fs / float64(m.Baud)))
		tol = int64(dupSlack * r.fs)
		packet = false
	}
	// Bursts hold at most MaxBurst of samples: a frame that started before
	// the horizon cannot be demodulated again. A frame released later
	// (it waited for its network to be learned, maybe held twice: both
	// detectors read its burst) is compared with those around its own
	// start.
	horizon := min(r.pos-r.recentSpan, pos-tol)
	recent := r.dd.recent
	keep := recent[:0]
	dup := false
	for _, e := range recent {
		if e.pos < horizon {
			continue
		}
		if !dup && e.raw == m.Raw && e.pos-pos <= tol && pos-e.pos <= tol && (e.good || !m.CRCOK) {
			dup = true
			if h := e.h; h != nil && !h.out && e.good == m.CRCOK {
				r.keep(h, m, pos)
				e.pos = h.pos
			}
		}
		keep = append(keep, e)
	}
	clear(recent[len(keep):])
	r.dd.recent = keep
	if r.cfg.OnBurst != nil {
		r.burstMsgs = append(r.burstMsgs, m)
	}
	if dup {
		r.stats.Duplicate++
		r.release(false)
		return
	}
	r.stats.Messages++
	e := recentMsg{raw: m.Raw, pos: pos, good: m.CRCOK}
	if !packet && len(r.dd.held) == 0 {
		r.dd.recent = append(r.dd.recent, e)
		r.emitAt(m, pos)
		return
	}
	h := &heldMsg{m: m, pos: pos, packet: packet, radio: m.Radio, at: pos, freq: r.offsetFreq(m)}
	if packet {
		e.h = h
	}
	r.dd.recent = append(r.dd.recent, e)
	r.dd.held = append(r.dd.held, h)
	r.release(false)
}

// keep merges copy m of held NGE101 packet h, its first edge at input
// sample pos, into h: its earliest transmission (the transmitter repeats
// a packet) places it, as measured on its strongest copy; m's radio
// fields replace h's when m was measured stronger on the same
// transmission (its first edge within sameTx), or clearly stronger
// (repeatLevel) on another. Only a copy from a burst that h waited for
// counts (near its carrier), so what is emitted does not depend on when
// the bursts were demodulated.
func (r *Receiver) keep(h *heldMsg, m *frames.Message, pos int64) {
	f := r.offsetFreq(m)
	if !r.near(f, h.freq, r.ook.reach()) {
		return
	}
	same := int64(sameTx * r.fs)
	lm := level(m.Radio)
	if pos < h.pos-same || pos <= h.pos+same && lm > level(h.m.Radio) {
		h.m, h.pos = m, pos
	}
	if lh := level(h.radio); lm > lh && (pos >= h.at-same && pos <= h.at+same || lm > lh+repeatLevel) {
		h.radio, h.at, h.freq = m.Radio, pos, f
	}
}

// emitAt emits message m, which starts at input sample pos.
func (r *Receiver) emitAt(m *frames.Message, pos int64) {
	m.SetOffset(math.Round(float64(pos)/r.fs*1e6)/1e6, r.cfg.Start)
	r.output(m, pos)
}

// level is the level (dB) of radio fields measured on a transmission.
func level(radio *frames.Radio) float64 {
	if radio == nil || radio.RSSIdB == nil {
		return math.Inf(-1)
	}
	return *radio.RSSIdB
}

// offsetFreq is the carrier frequency of message m (Hz from the centre).
func (r *Receiver) offsetFreq(m *frames.Message) float64 {
	if m.Radio == nil || m.FreqHz == nil {
		return math.NaN()
	}
	return *m.FreqHz - math.Round(r.cfg.CenterFreq)
}

// near tells whether frequencies a and b (Hz from the centre) are closer
// than half the first stage's rate plus d, the input's rate folded: a
// carrier at a is in the samples of a burst tuned to b, maybe on its
// filter's skirt. A frequency not known (NaN) is near every other.
func (r *Receiver) near(a, b, d float64) bool {
	return !(math.Abs(math.Remainder(a-b, r.fs)) >= r.fs1/2+d)
}

// ngeRepeats is how far apart (s) two transmissions of one NGE101 packet
// may start (the transmitter repeats it at once); sameTx how far apart two
// bursts place the first edge of one transmission (a tenth of its 0.97 ms
// bit cell is usual); repeatLevel how much stronger (dB) a repeat must be
// measured than another to be the one whose radio fields are reported:
// repeats are sent alike, and a copy seen through a channel filter's skirt
// is 15 dB or more down.
const (
	ngeRepeats  = 0.2
	sameTx      = 0.001
	repeatLevel = 3.0
)

// release emits the held messages in order up to the first NGE101 packet
// of which a burst not demodulated yet may still hold a transmission (all
// of them when all is set: the input ended).
func (r *Receiver) release(all bool) {
	n := 0
	for _, h := range r.dd.held {
		if h.packet && !all && h.pos+int64((ngeRepeats+sameTx)*r.fs) >= r.laterStart(h.freq) {
			break
		}
		h.out = true
		m := h.m
		if h.packet && m.Radio != h.radio {
			c := *m
			c.Radio = h.radio
			m = &c
		}
		r.emitAt(m, h.pos)
		n++
	}
	if n > 0 {
		clear(r.dd.held[:n])
		r.dd.held = append(r.dd.held[:0], r.dd.held[n:]...)
	}
}

// laterStart is the earliest input sample where a burst demodulated after
// the one being demodulated, and able to deliver an NGE101 packet whose
// copy measured its carrier at freq (Hz from the centre), may start: a
// burst still collected, or one the search starts later. A copy is
// measured within reach of its burst's tuning, the carrier it saw is in
// that burst's samples, and a burst tuned to that carrier may deliver it
// better.
func (r *Receiver) laterStart(freq float64) int64 {
	var from int64
	var later []laterBurst
	if r.job != nil {
		from, later = r.job.from, r.job.later
	} else {
		from, later = r.laterBursts()
	}
	for _, b := range later {
		if r.near(freq, b.tuned, 2*r.ook.reach()) {
			from = min(from, b.start)
		}
	}
	return max(0, from)
}

// laterBurst is a burst that may be demodulated later: where its samples
// start and the frequency its channel is tuned to (Hz from the centre).
type laterBurst struct {
	start int64
	tuned float64
}

// laterBursts returns where a burst the search starts from now on may
// start (its lookback before the position; the whole ring right after the
// noise floor's start-up), and the bursts still collected (none when no
// OOK protocol is searched: nothing waits for them).
func (r *Receiver) laterBursts() (from int64, later []laterBurst) {
	from = r.pos - int64(r.look)
	if r.det != nil && r.det.frames <= 6 {
		from = r.pos - (r.rmask + 1) + 1
	}
	if !r.searchOOK {
		return from, nil
	}
	for _, b := range r.active {
		later = append(later, laterBurst{b.start, b.tuned})
	}
	return from, later
}

// dupSlack is how far apart (in seconds) two decodes of one GridStream
// frame may place its start. Two transmissions of the same bytes are
// further apart: the shortest frame lasts over 5 ms.
const dupSlack = 0.003

// newChannel returns a decode pipeline channel whose messages go to
// collect: of the FSK protocols for symbols (levelRate 0), else of the OOK
// protocols for level samples at levelRate.
func (r *Receiver) newChannel(levelRate float64, collect func(*frames.Message)) *pipeline.Channel {
	decs := r.fskDecs
	if levelRate > 0 {
		decs = r.ookDecs
	}
	return pipeline.New(pipeline.Config{Decoders: decs, LevelRate: levelRate, Input: r.cfg.Input, CalibratedSoft: true}, collect)
}

// radio returns the Radio fields of a message from a burst measured as
// info, at freq Hz from the centre.
func (r *Receiver) radio(freq float64, baud int, info burstInfo) *frames.Radio {
	fq := math.Round(freq + r.cfg.CenterFreq)
	rssi, snr := round1(info.rssi), round1(info.snr)
	return &frames.Radio{FreqHz: &fq, Baud: baud, RSSIdB: &rssi, SNRdB: &snr}
}
