package demod

import (
	"slices"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Burst is a transmission the receiver found and demodulated, as
// Config.OnBurst reports it.
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

// failedSoFar is the decoders' count of frames whose CRC or check failed.
func (r *Receiver) failedSoFar() int64 {
	var n int64
	for _, d := range r.cfg.Decoders {
		n += d.Stats().Failed
	}
	return n
}

// reportBurst calls Config.OnBurst with what demodulating the burst's
// active span (input samples start to end) gave; failed is failedSoFar
// before it was demodulated.
func (r *Receiver) reportBurst(b *burst, start, end int64, info burstInfo, failed int64) {
	lo, hi := b.lo, b.hi
	if hi < lo {
		lo, hi = hi, lo
	}
	if r.job != nil {
		// A worker's: counted in its turn, reported by the receiver
		// after the burst's messages.
		r.enterTurn()
		failed = r.turnFailed
	}
	rep := Burst{
		Start: start, End: end,
		FreqLo: lo + r.cfg.CenterFreq, FreqHi: hi + r.cfg.CenterFreq,
		RSSIdB: round1(info.rssi), SNRdB: round1(info.snr),
		Messages:  r.burstMsgs,
		CRCFailed: r.failedSoFar() > failed,
	}
	if r.job != nil {
		rep.Messages = slices.Clone(rep.Messages)
		r.job.report = &rep
	} else {
		r.cfg.OnBurst(rep)
	}
	clear(r.burstMsgs)
	r.burstMsgs = r.burstMsgs[:0]
}
