package gridstream_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// withCRC returns the frame (0x2A, header, CI and data) with the CRC of
// init over CI..data appended; ci is the CI byte's index in f.
func withCRC(init uint16, f []byte, ci int) []byte {
	c := gridstream.CRC16(init, f[ci:])
	return append(append([]byte(nil), f...), byte(c>>8), byte(c))
}

// directed returns a 0xD5 header, CI and data bytes for a frame whose
// length field is length (CI through CRC).
func directed(length, ci byte) []byte {
	f := []byte{0x2A, 0xD5, 0x00, length, ci}
	for i := range int(length) - 3 {
		f = append(f, byte(0x90+i))
	}
	return f
}

func decodeOne(dec *gridstream.Decoder, f []byte, complete bool) []*frames.Message {
	var out []*frames.Message
	dec.Frame(gridstream.RawFrame{Bytes: f, Version: 4, Complete: complete}, protocol.Output{Emit: func(m *frames.Message) { out = append(out, m) }})
	return out
}

// The type, reserved and length bytes are outside the CRC: a frame is only
// believed when they follow its type's rule, and a type one bit from a
// known one is a damaged frame of that type.
func TestTypeLengthRules(t *testing.T) {
	oncor := uint16(0x5FD6)
	broadcast := unknownFrame(oncor, 9) // a valid 0x55, length 0x23
	flip := func(f []byte, i int, x byte) []byte {
		g := append([]byte(nil), f...)
		g[i] ^= x
		return g
	}
	d5 := withCRC(oncor, directed(0x16, 0x21), 4)
	for _, tc := range []struct {
		name     string
		frame    []byte
		complete bool
		good     bool
	}{
		{"0x55 as sent", broadcast, true, true},
		{"0xD5 as sent", d5, true, true},
		{"0xD5 of an unseen length", withCRC(oncor, directed(0x40, 0x22), 4), true, true},
		{"0xD5 of length 0xFD", withCRC(oncor, directed(0xFD, 0xC0), 4), true, true},
		{"0xA5 beacon", withCRC(oncor, []byte{0x2A, 0xA5, 0x12, 0x3C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 3), true, true},
		// A flipped type bit: types that do not exist.
		{"0x55 read as 0x5D", flip(broadcast, 1, 0x08), false, false},
		{"0xD5 read as 0xDD", flip(d5, 1, 0x08), false, false},
		{"0xD5 read as 0xD4", flip(d5, 1, 0x01), false, false},
		// A flipped type bit between the two types that share a header.
		{"0x55 read as 0xD5", flip(broadcast, 1, 0x80), true, false},
		{"0xD5 of length 0x23 read as 0x55", flip(withCRC(oncor, directed(0x23, 0x21), 4), 1, 0x80), true, false},
		// The reserved byte.
		{"0x55 with reserved 0x01", flip(broadcast, 2, 0x01), true, false},
		{"0xD5 with reserved 0x40", flip(d5, 2, 0x40), true, false},
		// Lengths the type cannot have.
		{"0x55 of length 0x24", withCRC(oncor, append(append([]byte{0x2A, 0x55, 0x00, 0x24}, broadcast[4:len(broadcast)-2]...), 0x7E), 4), true, false},
		{"0xD5 too short for its addresses", withCRC(oncor, directed(0x08, 0x21), 4), true, false},
		{"0xA5 of length 0x13", withCRC(oncor, []byte{0x2A, 0xA5, 0x13, 0x3C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 3), true, false},
		{"0xA5 with CI 0x30", withCRC(oncor, []byte{0x2A, 0xA5, 0x12, 0x30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 3), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec, _ := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
			got := decodeOne(dec, tc.frame, tc.complete)
			if tc.good {
				if len(got) != 1 || !got[0].CRCOK {
					t.Fatalf("a frame as sent was not decoded: %+v", got)
				}
				return
			}
			if len(got) != 0 {
				t.Fatalf("emitted as good: %+v %+v", got[0], got[0].Fields)
			}
			// With --all it is shown as failed, and none of its fields are
			// parsed.
			dec, _ = gridstream.NewDecoder(gridstream.Config{NoLearn: true, EmitFailed: true})
			got = decodeOne(dec, tc.frame, tc.complete)
			if len(got) != 1 || got[0].CRCOK || gs(got[0]).CRCInit != nil || gs(got[0]).Src != "" || gs(got[0]).Dst != "" ||
				gs(got[0]).SrcWAN != "" || gs(got[0]).Counter != nil || gs(got[0]).UptimeS != nil {
				t.Fatalf("with --all: %+v %+v", got, got[0].Fields)
			}
			if st := dec.Counts(); st.Good != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// A type with no rule, far from every known type, is reported as a raw
// frame (type, CI, length, no fields) when a header form's length is
// confirmed by a known network's CRC, and not otherwise.
func TestUnknownType(t *testing.T) {
	oncor := uint16(0x5FD6)
	f := directed(0x16, 0x21)
	f[1] = 0x13 // three bits or more from every known type
	good := withCRC(oncor, f, 4)
	dec, _ := gridstream.NewDecoder(gridstream.Config{})
	got := decodeOne(dec, append(good, 0x04, 0xFF), false)
	if len(got) != 1 || !got[0].CRCOK || gs(got[0]).Type != "13" || gs(got[0]).Length != 0x16 || gs(got[0]).Src != "" || gs(got[0]).Dst != "" {
		t.Fatalf("got %+v", got)
	}
	if got[0].Raw != strings.ToUpper(hex.EncodeToString(good)) {
		t.Fatalf("raw %s", got[0].Raw)
	}
	// Two bits from a known type (0xD9: a 0xD5 with two neighbouring bits
	// flipped, as FSK demodulators do) it is that type, damaged.
	for _, typ := range []byte{0xD9, 0x77, 0x5D} {
		near := append([]byte(nil), good...)
		near[1] = typ
		if got := decodeOne(dec, near, false); len(got) != 0 {
			t.Fatalf("type %02X emitted: %+v", typ, got[0])
		}
	}
	// The same frame with reserved byte 0x01: no header form is consistent.
	bad := append([]byte(nil), good...)
	bad[2] = 0x01
	if got := decodeOne(dec, bad, false); len(got) != 0 {
		t.Fatalf("inconsistent header emitted: %+v", got[0])
	}
}
