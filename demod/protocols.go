package demod

import (
	"math/bits"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// protocolRadio is what the receiver knows about the signals of the
// protocols of one modulation it searches (FSK: demodulated at symbol
// rates; OOK: sliced from the power envelope). Every protocol fact the
// stages use is read from here, and comes from the protocols' own radio
// facts (protocol.Radio): the receiver declares none.
type protocolRadio struct {
	// decoders are the protocols' (their facts: Protocol().Radio()).
	decoders []protocol.Decoder
	// bauds are the FSK symbol rates, of every protocol.
	bauds []int
	// sync are the FSK sync words, of every protocol; syncMasks their
	// bits' and exact bits' masks (syncIn's).
	sync      []protocol.Sync
	syncMasks [][2]uint64
	// longestSymbols is the longest FSK transmission in symbols (at its
	// rate); longestSeconds the longest OOK transmission.
	longestSymbols int
	longestSeconds float64
	// packetGap is the silence that ends an OOK packet: inside one, the
	// carrier is never off that long; silence is how long energy may be
	// absent inside one transmission.
	packetGap, silence float64
}

// syncErrors is how many of a sync word's tolerant (preamble) bits may be
// wrong in a burst's head for it to count as found.
const syncErrors = 3

// newProtocolRadio gathers the radio facts of decoders.
func newProtocolRadio(decoders []protocol.Decoder) protocolRadio {
	p := protocolRadio{decoders: decoders}
	rates := 0
	for _, d := range decoders {
		rates += len(d.Protocol().Radio().Rates)
	}
	if rates > 0 {
		p.bauds = make([]int, 0, rates)
	}
	for _, d := range decoders {
		r := d.Protocol().Radio()
		for _, rate := range r.Rates {
			if !contains(p.bauds, rate.Baud) {
				p.bauds = append(p.bauds, rate.Baud)
			}
		}
		p.sync = append(p.sync, r.Sync...)
		if r.Modulation == protocol.FSK {
			p.longestSymbols = max(p.longestSymbols, r.MaxSymbols)
		}
		if r.OOK != nil {
			p.longestSeconds = max(p.longestSeconds, r.Longest(0))
			p.packetGap = max(p.packetGap, r.OOK.Gap)
		}
		p.silence = max(p.silence, r.Silence)
	}
	for _, s := range p.sync {
		all := uint64(1)<<uint(s.Bits) - 1
		p.syncMasks = append(p.syncMasks, [2]uint64{all, all & (uint64(1)<<uint(s.Exact) - 1)})
	}
	return p
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// heardIn reports whether any protocol's band overlaps lo..hi Hz.
func (p *protocolRadio) heardIn(lo, hi float64) bool {
	for _, d := range p.decoders {
		if d.Protocol().Radio().Overlaps(lo, hi) {
			return true
		}
	}
	return false
}

// deviation returns the FSK peak deviation at a symbol rate: the widest any
// protocol declares there.
func (p *protocolRadio) deviation(baud float64) float64 {
	var hz float64
	for _, d := range p.decoders {
		hz = max(hz, d.Protocol().Radio().Deviation(baud))
	}
	return hz
}

// airSymbols is how many symbols a frame of n bytes lasts on the air: the
// longest any protocol declares.
func (p *protocolRadio) airSymbols(n int) int {
	s := 0
	for _, d := range p.decoders {
		s = max(s, d.Protocol().Radio().Air.Symbols(n))
	}
	return s
}

// syncIn reports whether hard decisions of soft symbols hold a sync word,
// in either polarity: whether, after some symbol, the last symbols' bits
// (or their inverse) match one with their exact bits equal and at most
// syncErrors of the others wrong (protocol.Sync.Errors).
func (p *protocolRadio) syncIn(soft []float32) bool {
	sync := p.sync
	masks := p.syncMasks[:len(sync)]
	var sr uint64
	for _, v := range soft {
		var bit uint64
		if v > 0 {
			bit = 1
		}
		sr = sr<<1 | bit
		for i := range sync {
			d := (sr ^ sync[i].Pattern) & masks[i][0] // the inverse's differences: d ^ all
			// Rarely both exact parts differ in places (their bits neither
			// all equal nor all inverted): syncAt only then.
			if x := d & masks[i][1]; (x == 0 || x == masks[i][1]) && syncAt(d, masks[i]) {
				return true
			}
		}
	}
	return false
}

// syncAt reports whether d, a sync word's differences from the last bits
// under its masks (all, exact), is a match in either polarity.
//
//go:noinline
func syncAt(d uint64, masks [2]uint64) bool {
	all, exact := masks[0], masks[1]
	x := d & exact
	return x == 0 && bits.OnesCount64(d) <= syncErrors || x == exact && bits.OnesCount64(d^all) <= syncErrors
}
