package frames_test

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/bits"
	"github.com/gridstream-sdr/gridstream/frames"
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
	dec, _ := frames.NewDecoder(frames.DecoderOptions{EmitFailed: true})
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		dec.GridStream(bits.RawFrame{Bytes: b, Version: 4, Complete: complete}, func(m *frames.Message) {
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
		})
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
		dec, _ := frames.NewDecoder(frames.DecoderOptions{EmitFailed: true})
		dec.NGE101(bits.NGEPacket{Bits: b}, func(*frames.Message) {})
	})
}
