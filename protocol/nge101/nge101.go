// Package nge101 is everything gridstream knows about the Norgo NGE101
// energy-meter transmitter (433.92 MHz OOK, differential Manchester): its
// radio facts, the packet finder for bit streams and the packet picker for
// level streams, the 15-bit check, the fields, and what it gives Home
// Assistant and the rtl_433 dialect.
package nge101

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// Name is the protocol's name in messages and topics.
const Name = "nge101"

// Protocol is the NGE101 as the rest of gridstream sees it.
type Protocol struct{}

// radio is the NGE101's physical layer: one carrier, on-off keyed. Energy
// is off for up to a cell at a time and a packet's repeat follows within
// milliseconds, so a receiver follows a burst through 8 ms of silence.
var radio = protocol.Radio{
	Modulation: protocol.OOK,
	BandLow:    433.92e6,
	BandHigh:   433.92e6,
	MaxSymbols: LongBits,
	OOK:        &Timing,
	Silence:    8e-3,
}

// Name returns "nge101".
func (Protocol) Name() string { return Name }

// Radio returns the NGE101's radio facts.
func (Protocol) Radio() protocol.Radio { return radio }

// The option names.
const optPulsesPerKWh = "nge-pulses-per-kwh"

// Options are the NGE101's command-line options.
func (Protocol) Options() []protocol.Option {
	return []protocol.Option{
		{Name: optPulsesPerKWh, Value: float64(DefaultPulsesPerKWh), Min: 1, Max: 100000,
			Unit:  "pulses/kWh (meters have 100-10000)",
			Usage: "LED pulses per kWh of the meter an NGE101 transmitter watches"},
	}
}

// NewDecoder returns a decoder configured by cfg.
func (Protocol) NewDecoder(cfg protocol.DecoderConfig) (protocol.Decoder, error) {
	c := Config{EmitFailed: cfg.EmitFailed, Now: cfg.Now}
	if cfg.Settings != nil {
		c.PulsesPerKWh = cfg.Settings.Float64(optPulsesPerKWh)
		if !(c.PulsesPerKWh > 0) {
			return nil, fmt.Errorf("--%s must be positive", optPulsesPerKWh)
		}
	}
	return NewDecoder(c)
}

// Config configures a Decoder.
type Config struct {
	// PulsesPerKWh is the LED rate of the meter the transmitter watches (0
	// means DefaultPulsesPerKWh).
	PulsesPerKWh float64
	// EmitFailed also emits packets whose check fails (crc_ok false).
	EmitFailed bool
	// Now stamps messages; nil means time.Now.
	Now func() time.Time
}

var errPulses = errors.New("nge101: pulses per kWh must be positive")

// NewDecoder returns a decoder.
func NewDecoder(cfg Config) (*Decoder, error) {
	switch {
	case cfg.PulsesPerKWh == 0:
		cfg.PulsesPerKWh = DefaultPulsesPerKWh
	case !(cfg.PulsesPerKWh > 0) || math.IsInf(cfg.PulsesPerKWh, 0):
		return nil, errPulses
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Decoder{cfg: cfg}, nil
}

// What the NGE101 offers beyond decoding.
var (
	_ protocol.RTL433        = Protocol{}
	_ protocol.HomeAssistant = Protocol{}
	_ protocol.RowStream     = (*stream)(nil)
)
