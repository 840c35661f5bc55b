package nge101_test

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/nge101"
)

// FuzzNGE101Streams runs the bit-stream finder and the level slicer over
// arbitrary input.
func FuzzNGE101Streams(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1, 1, 0, 1, 0, 0, 0}, uint16(48000))
	f.Fuzz(func(t *testing.T, in []byte, rate uint16) {
		nge101.NewFinder(func(p nge101.Packet) {
			if c, s := nge101.Check(p.Bits); c != s {
				t.Fatal("finder delivered a packet whose check fails")
			}
		}).Bits(in)
		rows := nge101.NewRows(func(p nge101.Packet) {
			if len(p.Bits) != nge101.ShortBits && len(p.Bits) != nge101.LongBits {
				t.Fatalf("slicer delivered %d bits", len(p.Bits))
			}
		})
		s := pulse.NewSlicer(nge101.Timing, float64(rate), rows.Row)
		s.Levels(in)
		s.Flush()
	})
}

// FuzzNGE101 feeds arbitrary bit strings to the NGE101 decoder.
func FuzzNGE101(f *testing.F) {
	f.Add([]byte("1111101000001100100100100111111100000000111000010110010"))
	f.Add([]byte("11111010"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for i := range b {
			b[i] &= 1
		}
		dec, _ := nge101.NewDecoder(nge101.Config{EmitFailed: true})
		dec.Packet(nge101.Packet{Bits: b}, protocol.Output{Emit: func(*frames.Message) {}})
	})
}
