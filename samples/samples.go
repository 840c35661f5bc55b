// Package samples holds the small recordings built into the gridstream
// binary, so its first command works on any machine without a radio.
package samples

import _ "embed"

// Bits is a recorded bit stream in the unpacked format (one 0/1 per byte,
// as GNU Radio's binary slicer writes it): every GridStream packet of the
// public captures, with both sync-word versions, preamble bit errors and
// noise bits between frames, plus NGE101 power and energy packets. It is
// made by scripts/gensample from the frames of testdata/sample-frames.txt
// (the seed captures' packets).
//
//go:embed sample.u8
var Bits []byte

// BitsName names the built-in bit recording in messages and logs.
const BitsName = "builtin:sample.u8"
