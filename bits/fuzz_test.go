package bits_test

import (
	"bytes"
	"testing"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/bits/pulse"
)

// FuzzDeframer treats the input as a bit stream (each byte's low bit) fed in
// chunks of the first byte's size: no panic, every frame starts with 0x2A
// and fits the length rules, and chunking never changes what is found.
func FuzzDeframer(f *testing.F) {
	f.Add(bits.AppendGridStream(nil, frame0x55, 4, 16, 0x04))
	f.Add(bits.AppendGridStream(nil, []byte{0x2A, 0xD5, 0xFF, 0xFF}, 5, 20, 0))
	f.Add(bits.AppendGridStream(nil, []byte{0x2A, 0x13, 0x00, 0x05, 0x30, 1, 2, 3, 4}, 4, 16, 0))
	f.Fuzz(func(t *testing.T, stream []byte) {
		if len(stream) == 0 {
			return
		}
		chunk := int(stream[0])%17 + 1
		a := deframe(bits.DefaultDeframerOptions(), stream, whole)
		b := deframe(bits.DefaultDeframerOptions(), stream, func() int { return chunk })
		if len(a) != len(b) {
			t.Fatalf("chunking changed the result: %d vs %d frames", len(a), len(b))
		}
		for i := range a {
			if !bytes.Equal(a[i].bytes, b[i].bytes) || a[i].offset != b[i].offset {
				t.Fatalf("frame %d differs across chunkings", i)
			}
			if a[i].bytes[0] != 0x2A {
				t.Fatalf("frame without 0x2A: %X", a[i].bytes)
			}
			if n := bits.FrameLength(a[i].bytes); a[i].complete && n != len(a[i].bytes) {
				t.Fatalf("complete frame of %d bytes, length rule says %d", len(a[i].bytes), n)
			}
		}
	})
}

// FuzzNGE101Streams runs the bit-stream finder and the level slicer over
// arbitrary input.
func FuzzNGE101Streams(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1, 1, 0, 1, 0, 0, 0}, uint16(48000))
	f.Fuzz(func(t *testing.T, in []byte, rate uint16) {
		bits.NewNGEFinder(func(p bits.NGEPacket) {
			if c, s := bits.NGECheck(p.Bits); c != s {
				t.Fatal("finder delivered a packet whose check fails")
			}
		}).Write(in)
		s := pulse.NewSlicer(bits.NGETiming, float64(rate), bits.NGERows(func(p bits.NGEPacket) {
			if len(p.Bits) != bits.NGEShortBits && len(p.Bits) != bits.NGELongBits {
				t.Fatalf("slicer delivered %d bits", len(p.Bits))
			}
		}))
		s.Levels(in)
		s.Flush()
	})
}
