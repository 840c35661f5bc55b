package gridstream

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// What the synthesizer (package synth) needs to send GridStream: the
// protocol.Transmitter methods and random valid frames.

// AppendAir appends the transmission of frame (from the 0x2A byte through
// the CRC): the preamble, the sync framing of version f.Variant (4 or 5),
// the frame and f.Trailer, UART 8N1. It returns the index of the 0x2A
// byte's start bit.
func (Protocol) AppendAir(dst, frame []byte, f protocol.Framing) ([]byte, int) {
	start := len(dst) + max(f.PreambleBits, 16)
	_, n := syncFraming(f.Variant)
	return AppendTransmission(dst, frame, f.Variant, f.PreambleBits, f.Trailer), start - len(dst) + n
}

// MaxAirSymbols is the length of a transmission of an n-byte frame with
// f.PreambleBits of preamble: the longer (version 5) sync framing and 10
// bits per byte, the trailer included.
func (Protocol) MaxAirSymbols(n int, f protocol.Framing) int {
	return f.PreambleBits + framingV5Bits + 10*(n+1)
}

// DefaultInit is the CRC init of random frames when none is given: Oncor's.
const DefaultInit = 0x5FD6

// RandomFrame returns a random valid frame for one of t.Keys (CRC inits;
// DefaultInit when there are none): a 0x55 broadcast with t.Broadcast, a
// 0xD5 frame of one of t.Lengths when they are set, else either (see
// RandomFrame).
func (Protocol) RandomFrame(rng *rand.Rand, t protocol.Traffic) []byte {
	keys := t.Keys
	if len(keys) == 0 {
		keys = []uint16{DefaultInit}
	}
	init := keys[rng.IntN(len(keys))]
	switch {
	case t.Broadcast:
		return Frame55(rng, init)
	case len(t.Lengths) > 0:
		return FrameD5(rng, init, t.Lengths[rng.IntN(len(t.Lengths))])
	}
	return RandomFrame(rng, init)
}

// ParseFrame reads a frame written in hex (ParseFrameHex).
func (Protocol) ParseFrame(s string) ([]byte, error) { return ParseFrameHex(s) }

// ParseKey reads a CRC init (ParseInit).
func (Protocol) ParseKey(s string) (uint16, error) { return ParseInit(s) }

// Encode is not offered: GridStream frames are given whole (ParseFrame).
func (Protocol) Encode(protocol.Values) ([]byte, error) {
	return nil, errors.New("gridstream: give whole frames")
}

// D5Lengths are the 0xD5 frame lengths seen in captures.
var D5Lengths = []byte{0x11, 0x14, 0x16, 0x17, 0x19, 0x1C, 0x1D, 0x21, 0x47, 0x7D}

// RandomFrame returns a random valid GridStream frame, from the 0x2A byte
// through the CRC, whose CRC uses init: half are 0x55 broadcasts (length
// 0x23, CI 0x30), half 0xD5 directed frames of a seen length.
func RandomFrame(rng *rand.Rand, init uint16) []byte {
	if rng.IntN(2) == 0 {
		return Frame55(rng, init)
	}
	return FrameD5(rng, init, D5Lengths[rng.IntN(len(D5Lengths))])
}

func randBytes(rng *rand.Rand, p []byte) {
	for i := range p {
		p[i] = byte(rng.Uint32())
	}
}

// Frame55 returns a random 0x55 broadcast frame (length 0x23) for init.
func Frame55(rng *rand.Rand, init uint16) []byte {
	f := []byte{0x2A, 0x55, 0x00, 0x23, 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}
	lan := make([]byte, 4)
	randBytes(rng, lan)
	f = append(f, lan...)
	f = append(f, 0x00, byte(rng.Uint32())) // WAN tail, counter
	up := rng.Uint32() >> 4                 // uptime
	f = append(f, byte(up>>24), byte(up>>16), byte(up>>8), byte(up))
	f = append(f, 0xA4, byte(rng.Uint32()))
	f = append(f, lan...)
	f = append(f, 0x01, 0x00)
	tail := make([]byte, 3+2)
	randBytes(rng, tail)
	f = append(f, tail...)
	f = append(f, 0x7E, byte(rng.Uint32()))
	return appendCRC(f, init)
}

// FrameD5 returns a random 0xD5 frame of the given length field for init.
func FrameD5(rng *rand.Rand, init uint16, length byte) []byte {
	if length < 11 {
		length = 11
	}
	cis := []byte{0x21, 0x22, 0x29, 0x51, 0x55}
	f := []byte{0x2A, 0xD5, 0x00, length, cis[rng.IntN(len(cis))]}
	body := make([]byte, int(length)-3)
	randBytes(rng, body)
	f = append(f, body...)
	return appendCRC(f, init)
}

// appendCRC appends the CRC over the CI byte (index 4) through the end.
func appendCRC(f []byte, init uint16) []byte {
	c := CRC16(init, f[4:])
	return append(f, byte(c>>8), byte(c))
}

// ParseFrameHex reads a GridStream frame written in hex, from the 0x2A byte
// through the CRC: an 00FF or 80FF prefix before the 2A byte, a 0x prefix,
// and spaces, tabs, colons and dashes between the digits are allowed.
func ParseFrameHex(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == ':' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X"))
	b, err := hex.DecodeString(clean)
	if err != nil {
		return nil, errors.New("not hex")
	}
	if len(b) >= 3 && (b[0] == 0x00 || b[0] == 0x80) && b[1] == 0xFF && b[2] == 0x2A {
		b = b[2:]
	}
	if len(b) < 4 || b[0] != 0x2A {
		return nil, errors.New("a frame starts with the 2A byte and has at least a type and a length")
	}
	return b, nil
}
