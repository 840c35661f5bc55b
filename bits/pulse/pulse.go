// Package pulse slices OOK level streams into rows of bits by a line coding
// that a protocol declares as data (its Timing), as rtl_433's pulse slicers
// do, and encodes bits back into level streams. It knows no protocol: what a
// row means, and whether it is a packet, is the protocol's business.
package pulse

import "math"

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
	// Gap is the silence, in seconds, that ends a packet (the slicer ends a
	// row sooner when the coding allows no run that long inside one).
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
// transmission order. How a row ends is not always certain from the levels
// alone: OpenEnd and Closing say which other readings of its end the
// levels allow, for the protocol (which knows its packet lengths) to pick.
type Row struct {
	// Bits are the row's bits (one 0/1 per byte); valid during the callback.
	Bits []byte
	// Start is the sample position of the row's first edge.
	Start int64
	// OpenEnd reports that the row ended with the carrier going off at a
	// cell boundary: a cell that is off all through (a 1 whose level runs
	// into the silence after the packet) cannot be told from the end of
	// the packet, so one more 1 may have been sent.
	OpenEnd bool
	// Closing reports that the row's last bit was read from a lone pulse of
	// about half a cell that began at a cell boundary and ran into the
	// silence: the first half of a 0 whose second half is off, or the short
	// closing pulse some transmitters send after a packet whose last cell
	// ends off. The row may be one bit shorter.
	Closing bool
}

// Slicer cuts an OOK level stream (one 0/1 sample per byte at a known
// sample rate; 1 is carrier on, the silence between packets is 0) into
// rows: runs of about half a cell and a whole cell between level changes
// become bits, and silence longer than the coding allows inside a row ends
// it. A row starts at the first rising edge after such a silence. A final
// pulse that began at a cell boundary, too short or too long for a cell
// and followed by silence, is a closing pulse: the row ends before it.
// Level changes that last less than 0.3 of a half cell are glitches and
// ignored. Anything else that does not follow the coding drops the row.
// State carries across calls; a Slicer is not safe for concurrent use.
type Slicer struct {
	half   float64 // samples per half cell
	quiet  int     // samples of silence that end a row
	glitch int     // samples a new level must last to be an edge
	onRow  func(Row)

	level byte  // the level since the last edge
	run   int   // samples of it
	cand  int   // samples of the other level since it appeared (a change not yet confirmed)
	pos   int64 // sample position of the next sample
	start int64 // sample position of the row's first edge
	inRow bool
	mid   bool // a half-cell run was seen: the cell's middle edge
	tail  bool // a closing pulse may have ended the row: only silence may follow
	n     int
	bits  []byte
}

// NewSlicer returns a slicer of level samples at sampleRate that calls
// onRow for every row. Only DifferentialManchester is known; t.Coding is
// not consulted otherwise.
func NewSlicer(t Timing, sampleRate float64, onRow func(Row)) *Slicer {
	half := sampleRate * t.HalfCell
	// Inside a row no level lasts longer than a whole cell (2.5 half
	// cells with every tolerance): longer silence ends it, even before
	// the protocol's gap.
	quiet := min(int(sampleRate*t.Gap+0.5), int(math.Ceil(2.5*half)))
	return &Slicer{
		half:   half,
		quiet:  max(quiet, 1),
		glitch: max(1, int(math.Ceil(0.3*half))),
		onRow:  onRow,
		run:    1 << 30,
		bits:   make([]byte, max(t.MaxBits, 1)),
	}
}

// Levels consumes level samples (only the low bit counts).
func (s *Slicer) Levels(p []byte) {
	for _, v := range p {
		s.pos++
		if v&1 == s.level {
			if s.cand > 0 {
				// The other level did not last: a glitch, part of this run.
				s.run += s.cand
				s.cand = 0
			}
			s.run++
			if s.inRow && s.level == 0 && s.run >= s.quiet {
				s.end()
			}
			continue
		}
		s.cand++
		if s.cand < s.glitch {
			continue
		}
		s.edge()
		s.level ^= 1
		s.run, s.cand = s.cand, 0
	}
}

// Flush ends the stream as if silence followed.
func (s *Slicer) Flush() {
	if s.inRow {
		s.end()
	}
}

// edge handles a level change cand samples ago, after a run of s.run
// samples at s.level.
func (s *Slicer) edge() {
	if !s.inRow {
		if s.level == 0 && s.run >= s.quiet {
			s.inRow, s.mid, s.tail, s.n, s.start = true, false, false, 0, s.pos-int64(s.cand)
		}
		return
	}
	if s.tail {
		// The pulse after the row was not followed by silence.
		s.inRow = false
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
	case s.level == 1 && !s.mid && s.n > 0:
		// A pulse at a cell boundary, too short or too long for a cell:
		// a closing pulse if silence follows.
		s.tail = true
	default: // not differential Manchester: drop the row
		s.inRow = false
	}
}

func (s *Slicer) add(b byte) {
	if s.n == len(s.bits) {
		s.inRow = false
		return
	}
	s.bits[s.n] = b
	s.n++
}

// end closes a row at silence. A cell whose middle edge was seen is a 0:
// the first half of one, or a closing pulse.
func (s *Slicer) end() {
	s.inRow = false
	row := Row{Start: s.start}
	switch {
	case s.tail:
	case s.mid:
		if s.n == len(s.bits) {
			return // too long: dropped
		}
		s.bits[s.n] = 0
		s.n++
		row.Closing = true
	default:
		row.OpenEnd = s.n < len(s.bits)
	}
	row.Bits = s.bits[:s.n]
	s.onRow(row)
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
