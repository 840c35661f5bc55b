package protocol

import (
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/frames"
)

// What a protocol may add. Each is an interface its Protocol, Decoder or
// Stream implements when it has the feature; the generic packages ask by
// type assertion.

// RowStream is a Stream of an OOK protocol: it also takes the rows that
// its line coding (Radio.OOK) slices from a level stream.
type RowStream interface {
	Stream
	// Row consumes one row; r.Bits is only valid during the call.
	Row(r pulse.Row)
}

// SoftStream is a Stream that also uses the soft symbols its bits were
// sliced from: how reliable each bit is (GridStream corrects frames whose
// CRC fails by flipping the least reliable bits). Inputs of soft symbols
// (the pure-Go receiver, GNU Radio float streams, float32 files) hand them
// over; bit inputs call Bits, which means "no reliabilities".
type SoftStream interface {
	Stream
	// SoftBits consumes bits (one 0/1 per byte) with the soft symbols they
	// were sliced from by bitio.SoftBit: hard[i] is soft[i]'s bit, and the
	// larger |soft[i]|, the more reliable it is (a NaN is the least
	// reliable). Neither slice is kept after the call.
	SoftBits(hard []byte, soft []float32)
}

// Closer is a Decoder that keeps state beyond the run (GridStream's
// learned networks): Close ends it once every input has ended, saving what
// was not saved yet, waiting a bounded time for other processes. It logs
// and returns what could not be saved.
type Closer interface {
	Decoder
	Close() error
}

// CloseDecoders closes every decoder in list that is a Closer and returns
// their errors joined.
func CloseDecoders(list []Decoder) error {
	var errs []error
	for _, d := range list {
		if c, ok := d.(Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// TextDecoder is a Decoder that also reads frames written as text, as
// wikis, forums and other decoders print them.
type TextDecoder interface {
	Decoder
	// DecodeText decodes every frame in r, naming each message's input
	// NAME:LINE; skipped is called for each line that holds a malformed
	// frame. It returns the read error that ended the input, if any.
	DecodeText(r io.Reader, name string, out Output, skipped func(error)) error
}

// SkipLog logs the lines a TextDecoder skips (its skipped func): the first
// Max one by one, then only their Count.
type SkipLog struct {
	Log   *slog.Logger
	Input string
	Max   int
	Count int
}

// Skipped logs or counts one skipped line.
func (s *SkipLog) Skipped(err error) {
	s.Count++
	if s.Count <= s.Max {
		s.Log.Warn("skipped a line", "input", s.Input, "err", err)
	}
	if s.Count == s.Max {
		s.Log.Warn("further malformed lines are counted, not logged", "input", s.Input)
	}
}

// RTL433 is a Protocol that rtl_433 decodes too: it gives the fields
// rtl_433's own decoder prints, so gridstream can print the same.
type RTL433 interface {
	Protocol
	// RTL433 returns the fields rtl_433 prints for m, in rtl_433's order
	// (model first), or false when rtl_433 would print nothing for it.
	RTL433(m *frames.Message) ([]Field, bool)
}

// Field is one key and value of an ordered object.
type Field struct {
	Key   string
	Value any
}

// HomeAssistant is a Protocol whose devices get a retained state and Home
// Assistant entities (MQTT discovery), and a place in a device table.
type HomeAssistant interface {
	Protocol
	// NewDevice starts the state of the device that sent m; nil when m is
	// not this protocol's or names no device.
	NewDevice(m *frames.Message) Device
	// ParseDeviceID reads a device id as a user writes it (--meter),
	// returning it as messages spell it; ok is false when s is not an id
	// of this protocol.
	ParseDeviceID(s string) (id string, ok bool)
	// AnnounceUnlisted reports whether the protocol's devices are announced
	// to Home Assistant without being named, as long as none of them is.
	AnnounceUnlisted() bool
	// ExpireAfter is how long a device's values stay valid without news:
	// several times the interval at which a receiver hears the device.
	// Home Assistant shows the device's sensors unavailable after it
	// (their expire_after).
	ExpireAfter() time.Duration
}

// Device is the state of one transmitting device.
type Device interface {
	// Update merges m, received at at, into the state.
	Update(m *frames.Message, at time.Time)
	// State returns the retained state JSON. It has "last_seen" (RFC 3339)
	// and "rssi_db" keys.
	State() []byte
	// HasSignal reports whether a signal strength has been measured.
	HasSignal() bool
	// Info describes the device.
	Info() DeviceInfo
	// Entities are the device's Home Assistant entities (without the
	// last-seen and signal-strength ones every device has): only those of
	// values the device has sent, so none stays without a value (a meter
	// heard only through its 0xD5 frames has no counter).
	Entities() []Entity
}

// DeviceInfo describes a device to Home Assistant.
type DeviceInfo struct {
	Name, Manufacturer, Model string
}

// Entity is one Home Assistant entity of a device.
type Entity struct {
	// Key is the entity's object id and unique-id suffix.
	Key string
	// Component is "sensor" or "binary_sensor".
	Component string
	// Config is its discovery config (name, device_class,
	// value_template…), without topics and device.
	Config map[string]any
}

// Commander is a Protocol with commands of its own (such as managing what
// it learned).
type Commander interface {
	Protocol
	Commands() []*cli.Command
}
