package demod

import (
	mathbits "math/bits"

	"github.com/gridstream-sdr/gridstream/bits"
)

// protocolRadio is what the receiver knows about one protocol's signal.
// Every protocol fact the stages use is read from here; newProtocolRadios
// is the one place they are declared.
type protocolRadio struct {
	// band is where the transmitters are, in Hz (a single carrier: both
	// ends equal).
	band [2]float64
	// bauds are the FSK symbol rates (none for OOK).
	bauds []int
	// deviations are the FSK peak deviations by symbol rate, slowest first.
	deviations []rateDeviation
	// sync is the FSK sync word.
	sync syncWord
	// A frame of n bytes lasts leadSymbols + charSymbols·(n+trailerChars)
	// symbols on the air.
	leadSymbols, charSymbols, trailerChars int
	// longestSymbols is the longest FSK transmission in symbols (at its
	// rate); longestSeconds the longest OOK transmission.
	longestSymbols int
	longestSeconds float64
	// packetGap is the silence that ends an OOK packet: inside one, the
	// carrier is never off that long.
	packetGap float64
}

// rateDeviation is the FSK peak deviation (Hz) at symbol rates above
// aboveBaud.
type rateDeviation struct {
	aboveBaud, hz float64
}

// syncWord is a preamble of alternating bits followed by framing bits.
type syncWord struct {
	preamble     uint64 // its last preambleBits bits, as sent
	preambleBits int
	maxErrors    int // wrong preamble bits tolerated
	framings     []framing
}

// framing is one version of the framing bits after the preamble.
type framing struct {
	word uint64
	bits int
}

// gridStreamRadio and nge101Radio are built once, so that a Receiver shares
// them instead of allocating its own.
var gridStreamRadio, nge101Radio = newProtocolRadios()

// newProtocolRadios declares the radio facts of GridStream and NGE101.
func newProtocolRadios() (gridStream, nge101 protocolRadio) {
	const nge101Carrier = 433.92e6
	gridStream = protocolRadio{
		band:  [2]float64{902e6, 928e6},
		bauds: []int{9600, 19200, 38400},
		// About ±12 kHz at 9600 baud, ±16 kHz at 19200; at 38400 the
		// measured 82 kHz burst bandwidth leaves ±22 kHz.
		deviations: []rateDeviation{{0, 12e3}, {10e3, 16e3}, {20e3, 22e3}},
		sync: syncWord{preamble: 0xAAAA, preambleBits: 16, maxErrors: 3, framings: []framing{
			{0b0000000001_0111111111, 20},  // version 4
			{0b0000000001_11111111111, 21}, // version 5
		}},
		// A typical preamble (36 bits) and the version 4 framing bits, then
		// 10-bit UART characters: the bytes and a trailer.
		leadSymbols: 36 + 20, charSymbols: 10, trailerChars: 1,
		longestSymbols: bits.MaxTransmissionBits,
	}
	nge101 = protocolRadio{
		band:           [2]float64{nge101Carrier, nge101Carrier},
		longestSeconds: bits.NGEPacketSeconds,
		packetGap:      bits.NGEGap,
	}
	return gridStream, nge101
}

// heardIn reports whether the protocol's band overlaps lo..hi Hz.
func (p *protocolRadio) heardIn(lo, hi float64) bool {
	return p.band[1] >= lo && p.band[0] <= hi
}

// deviation returns the FSK peak deviation at a symbol rate.
func (p *protocolRadio) deviation(baud float64) float64 {
	var hz float64
	for _, d := range p.deviations {
		if baud > d.aboveBaud {
			hz = d.hz
		}
	}
	return hz
}

// airSymbols is how many symbols a frame of n bytes lasts on the air.
func (p *protocolRadio) airSymbols(n int) int {
	return p.leadSymbols + p.charSymbols*(n+p.trailerChars)
}

// foundIn reports whether hard decisions of soft symbols hold the sync word,
// in either polarity.
func (s *syncWord) foundIn(soft []float32) bool {
	mask := uint64(1)<<s.preambleBits - 1
	var sr uint64
	for _, v := range soft {
		sr <<= 1
		if v > 0 {
			sr |= 1
		}
		for _, inv := range [2]uint64{0, ^uint64(0)} {
			w := sr ^ inv
			for _, f := range s.framings {
				if w&(1<<f.bits-1) == f.word && mathbits.OnesCount64((w>>f.bits^s.preamble)&mask) <= s.maxErrors {
					return true
				}
			}
		}
	}
	return false
}
