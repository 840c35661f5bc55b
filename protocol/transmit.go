package protocol

import "math/rand/v2"

// Transmitter is a Protocol that the synthesizer (package synth) can send:
// it turns its frames into the symbols keyed on the air and makes random
// valid ones. The modulation (FSK at one of its Radio rates, OOK in its
// Radio line coding), the channel, the noise and the impairments are
// synth's.
//
// A frame is what the protocol's messages carry in Raw: bytes for an FSK
// protocol (GridStream: from the 0x2A byte through the CRC), unpacked bits
// (one 0/1 per byte) for an OOK one.
type Transmitter interface {
	Protocol
	// AppendAir appends the symbols (one 0/1 per byte) sent for frame
	// with framing f and returns them with the index of the frame's first
	// symbol among the appended ones.
	AppendAir(dst, frame []byte, f Framing) ([]byte, int)
	// MaxAirSymbols bounds how many symbols AppendAir sends for a frame
	// of n bytes (FSK) or bits (OOK) with f's preamble and any variant.
	MaxAirSymbols(n int, f Framing) int
	// RandomFrame returns a random valid frame drawn from rng as t asks.
	RandomFrame(rng *rand.Rand, t Traffic) []byte
	// ParseFrame reads a frame written as text (`synth --frame`).
	ParseFrame(s string) ([]byte, error)
	// ParseKey reads a network key as users write it (GridStream's CRC
	// init); a protocol without keys returns an error.
	ParseKey(s string) (uint16, error)
	// Encode builds the frame of a message given by its values (the
	// names are the protocol's, such as its synth flags'); its errors
	// are one line naming the value.
	Encode(v Values) ([]byte, error)
}

// Framing is how a frame is sent: what surrounds it on the air.
type Framing struct {
	// PreambleBits is the preamble's length (the protocol raises it to its
	// shortest).
	PreambleBits int
	// Variant picks one of the protocol's framings (GridStream's sync
	// version, 4 or 5).
	Variant int
	// Trailer is what follows the frame (GridStream's trailing byte).
	Trailer byte
}

// Traffic says which random frames a Transmitter makes.
type Traffic struct {
	// Keys are the networks frames are made for, one drawn per frame
	// (GridStream's CRC inits; the protocol's default when empty).
	Keys []uint16
	// Lengths, when set, makes every frame a directed one of one of these
	// length fields (GridStream: 0xD5); Broadcast makes every one a
	// broadcast (GridStream: 0x55).
	Lengths   []byte
	Broadcast bool
	// Wide draws the values over the whole range their fields hold
	// instead of the typical ones.
	Wide bool
}

// Transmitters returns the protocols in list that synth can send.
func Transmitters(list []Protocol) []Transmitter {
	var out []Transmitter
	for _, p := range list {
		if t, ok := p.(Transmitter); ok {
			out = append(out, t)
		}
	}
	return out
}
