// Package sink delivers decoded messages to their outputs: the Sink
// interface every output implements (JSON lines, msgpack and PMT over ZeroMQ,
// MQTT), the Fanout that hands each message to all of them, and the
// JSON-lines sinks for stdout in gridstream's own schema or rtl_433's
// dialect.
package sink

import (
	"fmt"
	"io"
	"strings"

	"github.com/gridstream-sdr/gridstream/frames"
)

// Sink is one place decoded messages go.
type Sink interface {
	// Send delivers one message. An error concerns this message only: the
	// next Send tries again.
	Send(*frames.Message) error
	// Close flushes what is buffered and releases the output.
	Close() error
}

// Unchecked is a Sink that takes frames without a passed check (crc_ok
// false) even when failed frames were not asked for: rtl_433's dialect,
// which prints encrypted frames as rtl_433 does. See Fanout.OnlyGood.
type Unchecked interface {
	Sink
	TakesUnchecked() bool
}

// Dialects of NewLines.
const (
	// FormatJSON is the full gridstream message, one JSON object a line.
	FormatJSON = "json"
	// FormatRTL433 is rtl_433's model and field names (package rtl433).
	FormatRTL433 = "rtl433"
)

// NewLines returns the JSON-lines sink of the named dialect for w:
// FormatJSON (also "" and "gridstream") or FormatRTL433, in any case.
func NewLines(format string, w io.Writer) (Sink, error) {
	switch f := strings.ToLower(format); f {
	case "", FormatJSON, "gridstream":
		return NewJSON(w), nil
	case FormatRTL433:
		return NewRTL433(w), nil
	default:
		return nil, fmt.Errorf("format %q: want json or rtl433", f)
	}
}
