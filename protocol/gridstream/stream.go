package gridstream

import "github.com/gridstream-sdr/gridstream/protocol"

// stream is one input's deframer feeding the decoder. With soft symbols
// (SoftBits) it keeps them beside the bits, so that a frame whose CRC fails
// can be corrected from its bits' reliabilities: the deframer reports a
// frame by position (RawFrame.BitOffset) while it consumes the chunk the
// frame ends in, and the frame's symbols are gathered from that chunk and
// the tail of the chunks before it (softHistory).
type stream struct {
	*Deframer
	dec  *Decoder
	out  protocol.Output
	soft softHistory
	fix  corrector
}

// NewStream returns a finder of GridStream frames in one input's bits; it
// takes soft symbols too (protocol.SoftStream).
func (d *Decoder) NewStream(out protocol.Output) protocol.Stream {
	s := &stream{dec: d, out: out}
	s.Deframer = NewDeframer(d.deframer, s.frame)
	return s
}

var _ protocol.SoftStream = (*stream)(nil)

// Bits consumes bits without reliabilities.
func (s *stream) Bits(p []byte) {
	s.soft.hard(len(p))
	s.Deframer.Bits(p)
}

// SoftBits consumes bits with the soft symbols they were sliced from.
func (s *stream) SoftBits(hard []byte, soft []float32) {
	s.soft.begin(soft)
	s.Deframer.Bits(hard)
	s.soft.end()
}

// frame decodes one deframed frame with its symbols when they are known.
func (s *stream) frame(f RawFrame) {
	var soft []float32
	if f.Complete {
		soft = s.soft.gather(f.BitOffset, uartBits*len(f.Bytes))
	}
	s.dec.frame(f, soft, &s.fix, s.out)
}

// uartBits is a UART character's length: start bit, 8 data bits, stop bit.
const uartBits = 10

// softRing holds the soft symbols before the current chunk: a power of
// two at least as long as the longest transmission.
const softRing = 4096

var _ [softRing - MaxTransmissionBits]struct{} // softRing ≥ MaxTransmissionBits

// softHistory keeps the soft symbols of one input's stream positions: those
// of the chunk being consumed, and in a ring the last softRing before it.
// Positions count every bit the stream consumed, as the deframer's do.
type softHistory struct {
	ring     [softRing]float32 // ring[q%softRing] is position q's symbol, for q in [base-held, base)
	held     int64             // positions before base that have symbols in ring
	base     int64             // position of cur[0]
	cur      []float32         // the chunk being consumed (nil between calls)
	gathered []float32         // one frame's symbols (scratch)
}

// hard records n bits consumed without symbols: what came before them can
// no longer be joined to what comes after.
func (h *softHistory) hard(n int) {
	h.base += int64(n)
	h.held = 0
}

func (h *softHistory) begin(soft []float32) { h.cur = soft }

// end moves the chunk's symbols into the ring.
func (h *softHistory) end() {
	p := h.cur
	h.cur = nil
	q := h.base
	h.base += int64(len(p))
	h.held = min(h.held+int64(len(p)), softRing)
	if len(p) > softRing {
		q += int64(len(p) - softRing)
		p = p[len(p)-softRing:]
	}
	for len(p) > 0 {
		i := int(q % softRing)
		n := copy(h.ring[i:], p)
		p, q = p[n:], q+int64(n)
	}
}

// gather returns the symbols of n positions from start, nil when some of
// them are not held. The slice is valid until the next call.
func (h *softHistory) gather(start int64, n int) []float32 {
	if n <= 0 || start < h.base-h.held || start+int64(n) > h.base+int64(len(h.cur)) {
		return nil
	}
	if cap(h.gathered) < n {
		h.gathered = make([]float32, 0, max(n, MaxTransmissionBits))
	}
	g := h.gathered[:0]
	q := start
	for q < h.base && len(g) < n {
		i := int(q % softRing)
		take := min(n-len(g), softRing-i, int(h.base-q))
		g = append(g, h.ring[i:i+take]...)
		q += int64(take)
	}
	if len(g) < n {
		g = append(g, h.cur[q-h.base:q-h.base+int64(n-len(g))]...)
	}
	h.gathered = g
	return g
}
