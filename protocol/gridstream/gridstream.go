// Package gridstream is everything gridstream knows about Landis+Gyr
// GridStream meters (902–928 MHz 2-FSK, 9600/19200/38400 baud, a CRC init
// per utility network): its radio facts, the sync correlator and UART
// deframer, the frame-type rules, the CRC and the network learning (with
// its state file and the networks command), field decoding, the hex-line
// input, and what it gives Home Assistant and the rtl_433 dialect.
package gridstream

import (
	"fmt"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
)

// Name is the protocol's name in messages and topics.
const Name = "gridstream"

// Protocol is GridStream as the rest of gridstream sees it.
type Protocol struct{}

// MaxPreambleBits is the longest preamble a transmission is expected to
// carry: meters send about 36 alternating bits, recordings show up to 52.
const MaxPreambleBits = 64

// MaxTransmissionBits is the longest GridStream transmission in symbols: a
// long preamble, the version 5 framing bits, the longest frame (a 0xFF
// length field: 259 bytes) as 10-bit UART characters, and a trailer byte.
const MaxTransmissionBits = MaxPreambleBits + framingV5Bits + 10*(maxFrameBytes+1)

// syncPreamble is the preamble a demodulator compares before the framing
// bits: 16 alternating bits.
const syncPreamble = 0xAAAA

// radio is GridStream's physical layer. The deviation is not published:
// about ±12 kHz at 9600 baud and ±16 kHz at 19200; at 38400 the measured
// 82 kHz burst bandwidth leaves ±22 kHz. A frame's air time is a typical
// preamble (36 bits) and the version 4 framing bits, then 10-bit UART
// characters: the bytes and a trailer.
var radio = protocol.Radio{
	Modulation: protocol.FSK,
	BandLow:    902e6,
	BandHigh:   928e6,
	Rates:      []protocol.Rate{{Baud: 9600, Deviation: 12e3}, {Baud: 19200, Deviation: 16e3}, {Baud: 38400, Deviation: 22e3}},
	MaxSymbols: MaxTransmissionBits,
	Air:        protocol.Airtime{LeadSymbols: 36 + framingV4Bits, SymbolsPerByte: 10, TrailerBytes: 1},
	Sync: []protocol.Sync{
		{Pattern: syncPreamble<<framingV4Bits | framingV4, Bits: 16 + framingV4Bits, Exact: framingV4Bits},
		{Pattern: syncPreamble<<framingV5Bits | framingV5, Bits: 16 + framingV5Bits, Exact: framingV5Bits},
	},
	// Channels are 100 kHz apart (some deployments use every third).
	ChannelGrid: 100e3,
}

// Name returns "gridstream".
func (Protocol) Name() string { return Name }

// Radio returns GridStream's radio facts.
func (Protocol) Radio() protocol.Radio { return radio }

// The option names.
const (
	optCRCInit       = "crc-init"
	optState         = "state"
	optNoLearn       = "no-learn"
	optNoCorrect     = "no-correct"
	optPreambleBits  = "preamble-bits"
	optSyncErrors    = "sync-errors"
	optFramingErrors = "framing-errors"
)

// Options are GridStream's command-line options.
func (Protocol) Options() []protocol.Option {
	return []protocol.Option{
		{Name: optCRCInit, Value: []string(nil), Check: checkInits, Text: true,
			Usage: "extra utility CRC init, 4 hex digits (repeatable); the built-in table and learned networks are always tried"},
		{Name: optState, Value: DefaultStatePath(), Text: true,
			Usage: "file where learned utility networks persist across runs (\"\" keeps them in memory)"},
		{Name: optNoLearn, Value: false, Text: true,
			Usage: "do not learn CRC inits of unknown networks (two different frames must agree before one is trusted)"},
		{Name: optNoCorrect, Value: false,
			Usage: "do not correct frames whose CRC fails by flipping their least reliable bits (soft-symbol inputs only: demod, GNU Radio soft, float32 files)"},
		{Name: optPreambleBits, Value: DefaultPreambleBits, Min: 16, Max: 40, Unit: "bits",
			Usage: "preamble bits compared before the sync's framing bits"},
		{Name: optSyncErrors, Value: DefaultSyncErrors, Min: 0, Max: 40, Unit: "bits, at most --preamble-bits", Check: checkSyncErrors,
			Usage: "wrong preamble bits tolerated (the 20/21 framing bits must be exact)"},
		{Name: optFramingErrors, Value: DefaultFramingErrors, Min: 0, Max: 16, Unit: "bits",
			Usage: "wrong UART start/stop bits tolerated inside a frame of known length (the CRC still vouches)"},
	}
}

// inits parses --crc-init values (repeatable, or comma-separated).
func inits(s protocol.Settings) ([]uint16, error) {
	var out []uint16
	for _, v := range s.StringSlice(optCRCInit) {
		for _, part := range strings.Split(v, ",") {
			in, err := ParseInit(part)
			if err != nil {
				return nil, fmt.Errorf("--%s: %w", optCRCInit, err)
			}
			out = append(out, in)
		}
	}
	return out, nil
}

func checkInits(s protocol.Settings) error {
	_, err := inits(s)
	return err
}

func checkSyncErrors(s protocol.Settings) error {
	if e, p := s.Int(optSyncErrors), s.Int(optPreambleBits); e < 0 || e > p {
		return fmt.Errorf("--%s %d: must be 0-%d", optSyncErrors, e, p)
	}
	return nil
}

// NewDecoder returns a decoder configured by cfg: with Settings, the
// command line's (learned networks persist in --state); without, the
// library defaults (nothing persisted).
func (Protocol) NewDecoder(cfg protocol.DecoderConfig) (protocol.Decoder, error) {
	c := Config{EmitFailed: cfg.EmitFailed, EmitEncrypted: cfg.EmitUnchecked, Now: cfg.Now, Logger: cfg.Logger}
	if s := cfg.Settings; s != nil {
		var err error
		if c.CRCInits, err = inits(s); err != nil {
			return nil, err
		}
		if err := checkSyncErrors(s); err != nil {
			return nil, err
		}
		c.StatePath, c.NoLearn, c.NoCorrect = s.String(optState), s.Bool(optNoLearn), s.Bool(optNoCorrect)
		c.Deframer = &DeframerOptions{
			PreambleBits:  s.Int(optPreambleBits),
			SyncErrors:    s.Int(optSyncErrors),
			FramingErrors: s.Int(optFramingErrors),
		}
		d, err := NewDecoder(c)
		if err != nil {
			return nil, fmt.Errorf("%w (fix or delete the file, or choose another with --%s)", err, optState)
		}
		return d, nil
	}
	return NewDecoder(c)
}

// What GridStream offers beyond decoding.
var (
	_ protocol.RTL433        = Protocol{}
	_ protocol.HomeAssistant = Protocol{}
	_ protocol.Commander     = Protocol{}
	_ protocol.TextDecoder   = (*Decoder)(nil)
)
