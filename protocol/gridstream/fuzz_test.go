package gridstream_test

import (
	"bytes"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// FuzzGridStream feeds arbitrary frame bytes to the decoder, complete or not,
// with learning on: nothing may panic, and good frames must say which init.
func FuzzGridStream(f *testing.F) {
	f.Add([]byte{0x2A, 0x55, 0x00, 0x23, 0x30}, true)
	f.Add([]byte{0x2A, 0xD2, 0x04, 0x53, 0xBE, 0x06, 0xFC}, true)
	f.Add([]byte{0x2A, 0x77, 0x00, 0x05, 0x30, 0x01, 0x02, 0xAB, 0xCD}, false)
	f.Add([]byte{0x2A, 0xD5, 0xFF, 0xFF}, false)
	f.Add([]byte{0x2A}, true)
	f.Add([]byte{0x2A, 0x5D, 0x00, 0x05, 0x30, 0x01, 0x02, 0xAB, 0xCD}, false)
	dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		dec.Frame(gridstream.RawFrame{Bytes: b, Version: 4, Complete: complete}, protocol.Output{Emit: func(m *frames.Message) {
			if m.CRCOK && gs(m).CRCInit == nil {
				t.Fatalf("CRC-good frame without an init: %+v", m)
			}
			// The header is outside the CRC: a good frame's type and length
			// follow the type's rule, and an unknown type has no fields.
			switch {
			case !m.CRCOK:
			case gs(m).Type == "55" && (gs(m).CI != "30" || (gs(m).Length != 0x23 && gs(m).Length != 0x28)),
				gs(m).Type == "A5" && (gs(m).CI != "3C" || gs(m).Length != 0x12),
				gs(m).Type == "D5" && (gs(m).Length < 11 || gs(m).CI == "30" || gs(m).CI == "3C"),
				gs(m).Type != "55" && gs(m).Type != "D5" && (gs(m).Src != "" || gs(m).SrcWAN != "" || gs(m).Counter != nil):
				t.Fatalf("CRC-good frame with an implausible header: %+v", m.Fields)
			}
		}})
	})
}

// FuzzDeframer treats the input as a bit stream (each byte's low bit) fed in
// chunks of the first byte's size: no panic, every frame starts with 0x2A
// and fits the length rules, and chunking never changes what is found.
func FuzzDeframer(f *testing.F) {
	f.Add(gridstream.AppendTransmission(nil, frame0x55, 4, 16, 0x04))
	f.Add(gridstream.AppendTransmission(nil, []byte{0x2A, 0xD5, 0xFF, 0xFF}, 5, 20, 0))
	f.Add(gridstream.AppendTransmission(nil, []byte{0x2A, 0x13, 0x00, 0x05, 0x30, 1, 2, 3, 4}, 4, 16, 0))
	f.Fuzz(func(t *testing.T, stream []byte) {
		if len(stream) == 0 {
			return
		}
		chunk := int(stream[0])%17 + 1
		a := deframe(gridstream.DefaultDeframerOptions(), stream, whole)
		b := deframe(gridstream.DefaultDeframerOptions(), stream, func() int { return chunk })
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
			if n := gridstream.FrameLength(a[i].bytes); a[i].complete && n != len(a[i].bytes) {
				t.Fatalf("complete frame of %d bytes, length rule says %d", len(a[i].bytes), n)
			}
		}
	})
}
