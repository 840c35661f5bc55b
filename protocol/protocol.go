// Package protocol declares what a radio protocol gives the rest of
// gridstream: its radio facts as data (Radio), its command-line options,
// a decoder shared by every input, and per-input streams that find its
// frames; and what a protocol may add: Home Assistant devices, its rtl_433
// dialect, a text input, commands of its own. A protocol is one package
// (protocol/gridstream, protocol/nge101) plus one entry in the list
// (package protocols); the generic packages loop over that list and name no
// protocol.
package protocol

import (
	"log/slog"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Protocol is one radio protocol.
type Protocol interface {
	// Name is the protocol's name in messages (frames.Message.Protocol),
	// ZMQ and MQTT topics, and --protocol.
	Name() string
	// Radio is the protocol's physical layer, as data.
	Radio() Radio
	// Options are the protocol's own command-line options.
	Options() []Option
	// NewDecoder returns a decoder, to be shared by every input.
	NewDecoder(cfg DecoderConfig) (Decoder, error)
}

// DecoderConfig is what every protocol's decoder is made from.
type DecoderConfig struct {
	// EmitFailed also emits frames whose CRC or check fails (crc_ok false).
	EmitFailed bool
	// EmitUnchecked also emits frames that carry no check to fail (such as
	// GridStream's encrypted 0xD2 frames), with crc_ok false; EmitFailed
	// implies it.
	EmitUnchecked bool
	// Now stamps messages; nil means time.Now.
	Now func() time.Time
	// Logger receives the decoder's events; nil means slog.Default().
	Logger *slog.Logger
	// Settings are the values of the protocol's Options (a *cli.Context
	// gives them). Nil gives the decoder's library defaults, which keep
	// nothing on disk.
	Settings Settings
}

// Decoder turns one protocol's frames into messages. One decoder serves
// every input, so state it learns on one (such as a utility network) is
// known on all; it is safe for concurrent use, and never calls out while it
// holds a lock.
type Decoder interface {
	// Protocol is the protocol decoded.
	Protocol() Protocol
	// NewStream returns a finder of the protocol's frames in one input.
	NewStream(out Output) Stream
	// Stats returns the counters so far.
	Stats() Stats
}

// Output is where a stream's messages go.
type Output struct {
	// Annotate, when not nil, is called once on every message made from the
	// stream's own frames, before it is emitted or held back (a frame may
	// wait for its network to be learned): it sets what belongs to that
	// frame, such as the input's name, radio fields and metadata. It must
	// not call the decoder.
	Annotate func(*frames.Message)
	// Emit receives the messages. A message that was held back is emitted
	// by the stream whose frame released it, with its own annotation.
	Emit func(*frames.Message)
	// CalibratedSoft says the soft symbols handed to the stream are the
	// receiver's own tone amplitudes, with Gaussian noise around them (the
	// pure-Go receiver): a decoder may judge by them how likely a frame is
	// whole. Soft symbols from elsewhere (a GNU Radio flowgraph, whose
	// magnitudes may vary with pulse shaping at any SNR) only order bits by
	// reliability.
	CalibratedSoft bool
}

// Stream finds the protocol's frames in one input's bit stream. State
// carries across calls; a Stream is not safe for concurrent use.
type Stream interface {
	// Bits consumes unpacked bits (one per byte, only the low bit counts).
	Bits(p []byte)
	// Flush ends the input: frames still being collected are finished.
	Flush()
}

// Stats counts what a decoder saw.
type Stats struct {
	// Frames is the frames or packets examined, Good those whose CRC or
	// check matched, Failed those whose did not (frames without a check,
	// such as encrypted ones, are neither).
	Frames, Good, Failed int64
	// Counters are the protocol's own counts for logs, in a fixed order.
	Counters []Counter
}

// Counter is one named count.
type Counter struct {
	Name  string
	Value int64
	// State marks a value that is how things stand (networks known now),
	// not a count of events: a count over part of a run subtracts counts,
	// and keeps states as they are.
	State bool
}
