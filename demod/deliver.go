package demod

import (
	"math"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// dedup is the frames delivered lately (shared by a receiver's shards).
type dedup struct {
	recent []recentMsg
}

// recentMsg is a delivered frame, remembered to drop duplicates: its bytes
// (hex) and where it started, in input samples.
type recentMsg struct {
	raw  string
	pos  int64
	good bool // emitted CRC-good
}

// deliver emits a message unless the same frame was already emitted: a
// transmission the detector saw twice, or demodulated again in the overlap
// of a burst cut for length. A GridStream frame is the same when its bytes
// agree and it starts (by its own BitOffset) within dupSlack of the other;
// an NGE101 packet, which the transmitter repeats, when its bytes agree
// within 0.2 s of burst starts (pos). A frame emitted as failed does not
// hide the same frame CRC-good: with --all, a frame of a network not learned
// yet is shown failed, then again when a later frame teaches its network.
func (r *Receiver) deliver(m *frames.Message, pos int64) {
	r.enterTurn()
	tol := int64(0.2 * r.fs)
	if m.Radio != nil && m.Baud > 0 {
		pos = int64(math.Round(float64(m.BitOffset) * r.fs / float64(m.Baud)))
		tol = int64(dupSlack * r.fs)
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
		keep = append(keep, e)
		if e.raw == m.Raw && e.pos-pos <= tol && pos-e.pos <= tol && (e.good || !m.CRCOK) {
			dup = true
		}
	}
	clear(recent[len(keep):])
	r.dd.recent = keep
	if r.cfg.OnBurst != nil {
		r.burstMsgs = append(r.burstMsgs, m)
	}
	if dup {
		r.stats.Duplicate++
		return
	}
	r.dd.recent = append(r.dd.recent, recentMsg{raw: m.Raw, pos: pos, good: m.CRCOK})
	r.stats.Messages++
	m.SetOffset(math.Round(float64(pos)/r.fs*1e6)/1e6, r.cfg.Start)
	r.output(m, pos)
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
	return pipeline.New(pipeline.Config{Decoders: decs, LevelRate: levelRate, Input: r.cfg.Input}, collect)
}

// radio returns the Radio fields of a message from a burst measured as
// info, at freq Hz from the centre.
func (r *Receiver) radio(freq float64, baud int, info burstInfo) *frames.Radio {
	fq := math.Round(freq + r.cfg.CenterFreq)
	rssi, snr := round1(info.rssi), round1(info.snr)
	return &frames.Radio{FreqHz: &fq, Baud: baud, RSSIdB: &rssi, SNRdB: &snr}
}
