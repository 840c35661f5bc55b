package protocol

import (
	mathbits "math/bits"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// Modulation is how a protocol's bits ride on the carrier.
type Modulation int

// The modulations gridstream receives.
const (
	// FSK is two-tone frequency-shift keying: the receiver turns it into
	// (soft) bits at one of the protocol's symbol rates.
	FSK Modulation = iota + 1
	// OOK is on-off keying: the receiver turns it into a level stream that
	// the protocol's line coding (Radio.OOK) slices into bits.
	OOK
)

// String returns "FSK" or "OOK".
func (m Modulation) String() string {
	switch m {
	case FSK:
		return "FSK"
	case OOK:
		return "OOK"
	}
	return "unknown"
}

// Radio is a protocol's physical layer, as data.
type Radio struct {
	Modulation Modulation
	// BandLow and BandHigh bound the frequencies the protocol transmits on,
	// in Hz; they are equal for a single carrier.
	BandLow, BandHigh float64
	// Rates are the FSK symbol rates, each with its nominal deviation.
	Rates []Rate
	// MaxSymbols is the longest transmission in symbols (FSK: preamble and
	// sync included) or bit cells (OOK).
	MaxSymbols int
	// Air says how long a frame of a given size lasts (FSK).
	Air Airtime
	// OOK is an OOK protocol's line coding (nil for FSK).
	OOK *pulse.Timing
	// Silence is how long, in seconds, energy may be absent inside one
	// transmission (OOK is off for up to a cell at a time, and packets are
	// repeated closely); 0 for a constant envelope.
	Silence float64
	// Sync are the bit patterns that start a transmission, which a
	// demodulator may look for to choose a rate and polarity.
	Sync []Sync
	// ChannelGrid is the spacing in Hz of the channels the protocol
	// transmits on, all multiples of it (0: no known grid). A receiver can
	// tell its own frequency error from how far the frames it hears are
	// off the grid.
	ChannelGrid float64
}

// Airtime says how long an FSK frame lasts on the air: LeadSymbols (a
// typical preamble and the sync word), then SymbolsPerByte for every byte of
// the frame (its Message.Raw) and for TrailerBytes more.
type Airtime struct {
	LeadSymbols, SymbolsPerByte, TrailerBytes int
}

// Symbols returns how many symbols a frame of n bytes lasts.
func (a Airtime) Symbols(n int) int { return a.LeadSymbols + a.SymbolsPerByte*(n+a.TrailerBytes) }

// Rate is one FSK symbol rate.
type Rate struct {
	Baud int
	// Deviation is the nominal peak deviation in Hz (not published for
	// every protocol: then as measured).
	Deviation float64
}

// Deviation returns the nominal deviation at baud: that of the slowest
// listed rate at or above it, else of the fastest (0 without rates).
func (r Radio) Deviation(baud float64) float64 {
	dev := 0.0
	for i := len(r.Rates) - 1; i >= 0; i-- {
		if float64(r.Rates[i].Baud) >= baud || dev == 0 {
			dev = r.Rates[i].Deviation
		}
	}
	return dev
}

// Bauds returns the symbol rates.
func (r Radio) Bauds() []int {
	out := make([]int, len(r.Rates))
	for i, x := range r.Rates {
		out[i] = x.Baud
	}
	return out
}

// Overlaps reports whether any of the protocol's band lies within lo..hi
// (Hz).
func (r Radio) Overlaps(lo, hi float64) bool { return r.BandHigh >= lo && r.BandLow <= hi }

// Longest returns how long the longest transmission lasts, in seconds: at
// baud for FSK (the slowest rate a receiver tries), by the line coding for
// OOK.
func (r Radio) Longest(baud float64) float64 {
	if r.OOK != nil {
		return r.OOK.Seconds(r.MaxSymbols)
	}
	return float64(r.MaxSymbols) / baud
}

// Sync is a sync pattern: Bits bits, first sent in the most significant,
// whose last Exact bits must all match; errors are tolerated only in the
// ones before (a preamble).
type Sync struct {
	Pattern uint64
	Bits    int
	Exact   int
}

// Errors compares the pattern with the last Bits bits received (window,
// newest bit in bit 0) and returns how many of the tolerant bits differ,
// or -1 when an exact bit differs.
func (s Sync) Errors(window uint64) int {
	diff := (window ^ s.Pattern) & (1<<uint(s.Bits) - 1)
	if diff&(1<<uint(s.Exact)-1) != 0 {
		return -1
	}
	return mathbits.OnesCount64(diff)
}
