// Package pulse slices OOK level streams into rows of bits by a line coding
// that a protocol declares as data (its Timing), as rtl_433's pulse slicers
// do, and encodes bits back into level streams. It knows no protocol: what a
// row means, and whether it is a packet, is the protocol's business.
package pulse

// Coding is how bits ride on an OOK level stream.
type Coding int

// The line codings the slicer knows.
const (
	// DifferentialManchester starts every bit cell with a level change; a
	// 0 changes again in the middle of the cell, a 1 does not (rtl_433's
	// OOK_PULSE_DMC).
	DifferentialManchester Coding = iota + 1
)

// Timing is a protocol's OOK line coding, as data.
type Timing struct {
	Coding Coding
	// HalfCell is half a bit cell, in seconds.
	HalfCell float64
	// Gap is the silence, in seconds, that ends a packet.
	Gap float64
	// MaxBits is the longest row kept; a longer one is dropped.
	MaxBits int
}

// MinRate is the lowest sample rate of a level stream the slicer can read
// at this timing: four samples per half cell, so that half cells are told
// from whole ones.
func (t Timing) MinRate() float64 { return 4 / t.HalfCell }

// Seconds is how long n bits last on the air.
func (t Timing) Seconds(n int) float64 { return float64(n) * 2 * t.HalfCell }

// Row is one packet's worth of bits cut from a level stream, in
// transmission order.
type Row struct {
	// Bits are the row's bits (one 0/1 per byte); valid during the callback.
	Bits []byte
	// Start is the sample position of the row's first edge.
	Start int64
	// OpenEnd reports that the last cell had no middle edge: a final 1 bit
	// whose level runs into the silence after the packet cannot be told
	// from the end of the packet, so one more 1 may have been sent.
	OpenEnd bool
}

// Slicer cuts an OOK level stream (one 0/1 sample per byte at a known
// sample rate) into rows: runs of about half a cell and a whole cell between
// level changes become bits, a gap ends a row. Anything that does not follow
// the coding drops the row. State carries across calls; a Slicer is not safe
// for concurrent use.
type Slicer struct {
	half  float64 // samples per half cell
	gap   int     // samples of silence that end a row
	onRow func(Row)

	level    byte
	run      int   // samples since the last level change
	pos      int64 // sample position of the next sample
	start    int64 // sample position of the row's first edge
	inPacket bool
	mid      bool // a half-cell run was seen: the cell's middle edge
	n        int
	bits     []byte
}

// NewSlicer returns a slicer of level samples at sampleRate that calls
// onRow for every row. Only DifferentialManchester is known; t.Coding is
// not consulted otherwise.
func NewSlicer(t Timing, sampleRate float64, onRow func(Row)) *Slicer {
	return &Slicer{
		half:  sampleRate * t.HalfCell,
		gap:   int(sampleRate*t.Gap + 0.5),
		onRow: onRow,
		run:   1 << 30,
		bits:  make([]byte, max(t.MaxBits, 1)),
	}
}

// Levels consumes level samples (only the low bit counts).
func (s *Slicer) Levels(p []byte) {
	for _, v := range p {
		v &= 1
		if v == s.level {
			s.run++
			if s.inPacket && s.run == s.gap {
				s.end()
			}
			s.pos++
			continue
		}
		s.edge()
		s.level = v
		s.run = 1
		s.pos++
	}
}

// Flush ends the stream as if a gap followed.
func (s *Slicer) Flush() {
	if s.inPacket {
		s.end()
	}
}

// edge handles a level change after a run of s.run samples.
func (s *Slicer) edge() {
	if !s.inPacket {
		if s.run >= s.gap {
			s.inPacket, s.mid, s.n, s.start = true, false, 0, s.pos
		}
		return
	}
	r := float64(s.run)
	switch {
	case r >= 0.5*s.half && r < 1.5*s.half: // half a cell
		if s.mid {
			s.add(0)
		}
		s.mid = !s.mid
	case r >= 1.5*s.half && r < 2.5*s.half && !s.mid: // a whole cell
		s.add(1)
	default: // not differential Manchester: drop the row
		s.inPacket = false
	}
}

func (s *Slicer) add(b byte) {
	if s.n == len(s.bits) {
		s.inPacket = false
		return
	}
	s.bits[s.n] = b
	s.n++
}

// end closes a row at a gap. A cell whose middle edge was seen is a 0.
func (s *Slicer) end() {
	s.inPacket = false
	if s.mid {
		s.add(0)
	}
	s.onRow(Row{Bits: s.bits[:s.n], Start: s.start, OpenEnd: !s.mid && s.n < len(s.bits)})
}

// AppendLevels appends the OOK level samples (one 0/1 per byte) that send
// bits in the timing's coding at sampleRate. level is the level before the
// packet (the idle level); the returned level is the one the packet ends
// on. The caller adds the idle gap.
func AppendLevels(dst []byte, bits []byte, t Timing, sampleRate float64, level byte) ([]byte, byte) {
	half := sampleRate * t.HalfCell
	pos := 0.0
	emit := func(l byte) {
		end := pos + half
		for n := int(end+0.5) - int(pos+0.5); n > 0; n-- {
			dst = append(dst, l)
		}
		pos = end
	}
	for _, b := range bits {
		level ^= 1
		emit(level)
		if b&1 == 0 {
			level ^= 1
		}
		emit(level)
	}
	return dst, level
}
