package gnuradio

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// An NGE101 packet in a bit stream whose device is not heard yet is held
// until the device's next packet, here the next transmission 43 s
// (44 239 bits) later: its message still carries the tags in force at its
// own start and its own GNU Radio offset, though the input's tag window
// (tagHorizon items) no longer holds them when it is let go.
func TestInputNGEHeldPacketTags(t *testing.T) {
	const base, gap = 9000, 44239
	first := nge101.NewPacket(7, 2, false, 4547, false)
	second := nge101.NewPacket(7, 2, false, 4100, false)
	b := make([]byte, 0, 200+2*len(first)+gap)
	b = append(b, make([]byte, 100)...)
	b = append(b, first...)
	b = append(b, make([]byte, gap)...)
	starts := []int64{100, int64(len(b))}
	b = append(b, second...)
	b = append(b, make([]byte, 100)...)
	tags := []tagged{
		{base + 90, "rx_freq", 433.92e6},
		{base + uint64(starts[1]) - 500, "rx_freq", 433.95e6},
		{base + uint64(starts[1]) - 200, "rx_freq", 433.95e6}, // the window lets the first go
	}
	sp := spec(Bits, false)
	in, msgs := collect(t, sp, false)
	feed(t, in, b, 1, 8192, base, tags)
	in.Flush()
	if len(*msgs) != 2 {
		t.Fatalf("%d messages, want the packet and the one confirming it", len(*msgs))
	}
	for i, freq := range []float64{433.92e6, 433.95e6} {
		m := (*msgs)[i]
		if !m.CRCOK || m.BitOffset != starts[i] || m.Meta["gr_offset"] != base+starts[i] ||
			m.Radio == nil || m.FreqHz == nil || *m.FreqHz != freq {
			t.Errorf("message %d: bit_offset %d, meta %v, radio %+v; want gr_offset %d, freq %g",
				i, m.BitOffset, m.Meta, m.Radio, base+starts[i], freq)
		}
	}
}
