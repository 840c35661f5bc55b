// Package gnuradio decodes the streams of GNU Radio ZMQ sinks: it reads an
// input's endpoint options, receives its messages with zmqsource, turns its
// items (unpacked bits, float32 soft symbols, OOK levels, optionally
// inverted; or FM-discriminator samples of one or many channels, through
// package fmdemod) into the writes of pipeline channels, and keeps its stream tags,
// within fixed bounds, so every message carries the tags in force at its
// frame and the Radio fields the well-known ones give (frequency, baud,
// RSSI, SNR).
package gnuradio

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/zmqsource"
)

// Item formats of an input.
const (
	// Bits are unpacked u8 bits, one per byte (a Binary Slicer's output);
	// only the low bit counts.
	Bits = "bits"
	// Soft are float32 soft symbols, little-endian; greater than zero is 1.
	Soft = "soft"
	// Levels are u8 OOK level samples (0/1) of NGE101 transmissions at
	// Spec.Rate samples per second.
	Levels = "levels"
	// FM are float32 FM-discriminator samples (instantaneous frequency, a
	// Quadrature Demod's output) at Spec.Rate samples per second per
	// channel, Spec.FM.Channels channels per item; package fmdemod recovers
	// their symbols.
	FM = "fm"
)

// ErrNoRate is ParseSpec's error for a levels or fm input without a sample
// rate.
var ErrNoRate = errors.New("levels and fm inputs need a sample rate")

// FMOptions are an FM input's settings.
type FMOptions struct {
	// Channels per item (the vector length; 0 means 1).
	Channels int
	// Freqs are the channels' centre frequencies in Hz (nil: unknown, so
	// messages carry the carrier's offset from the centre).
	Freqs []float64
	// Gain is the Quadrature Demod's gain: input units per radian per
	// sample (0 means 1). Decoding works at any scale; only the reported
	// frequency depends on it.
	Gain float64
	// Bauds are the symbol rates searched (nil: fmdemod.DefaultBauds).
	Bauds []float64
}

// Spec says what one input is: where its sink is, what it carries and how
// its messages name it.
type Spec struct {
	// Source is the zmqsource configuration; ParseSpec sets its Endpoint,
	// Pull, Key, PassTags and ItemSize.
	Source zmqsource.Config
	// Name is the input field of the input's messages (default: the
	// endpoint).
	Name string
	// Format is the item format: Bits, Soft or Levels.
	Format string
	// Rate is the sample rate of a Levels input, in samples per second.
	Rate float64
	// Invert flips every bit (or the sign of every soft symbol); levels are
	// not inverted, FM samples are decoded in both polarities.
	Invert bool
	// FM holds the options of an FM input.
	FM FMOptions
}

// ParseSpec reads ENDPOINT[?options] into a Spec, starting from def (the
// defaults every input shares: Format, Rate, Invert and Source's Pull, Key
// and PassTags). ENDPOINT is tcp://HOST:PORT or ipc://PATH, or
// pull://HOST:PORT for a PULL socket over TCP. The options override the
// defaults: format (bits, soft, levels, fm, and the aliases unpacked, u8,
// float32, f32, float), key, tags (or pass_tags), rate (or level_rate), name,
// invert and pull, and for fm inputs vlen (or channels), freqs (Hz,
// separated by ':' or ','), fm_gain and bauds; a boolean option without a
// value is true. The format names are case-insensitive.
func ParseSpec(raw string, def Spec) (Spec, error) {
	sp := def
	sp.Format = strings.ToLower(def.Format)
	ep, query, _ := strings.Cut(raw, "?")
	if rest, ok := strings.CutPrefix(ep, "pull://"); ok {
		ep, sp.Source.Pull = "tcp://"+rest, true
	}
	sp.Source.Endpoint = ep
	sp.Name = ep
	q, err := url.ParseQuery(query)
	if err != nil {
		return sp, err
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		var err error
		switch k {
		case "format":
			sp.Format = strings.ToLower(v)
		case "key":
			sp.Source.Key = v
		case "tags", "pass_tags":
			sp.Source.PassTags, err = truthy(v)
		case "rate", "level_rate":
			sp.Rate, err = strconv.ParseFloat(v, 64)
		case "name":
			sp.Name = v
		case "invert":
			sp.Invert, err = truthy(v)
		case "pull":
			sp.Source.Pull, err = truthy(v)
		default:
			var ok bool
			if ok, err = sp.FM.parse(k, v); !ok {
				return sp, fmt.Errorf("unknown option %q (format, key, tags, rate, name, invert, pull; fm: vlen, freqs, fm_gain, bauds)", k)
			}
		}
		if err != nil {
			return sp, fmt.Errorf("%s=%s: %v", k, v, err)
		}
	}
	switch sp.Format {
	case Bits, "unpacked", "u8":
		sp.Format, sp.Source.ItemSize = Bits, 1
	case Soft, "float32", "f32", "float":
		sp.Format, sp.Source.ItemSize = Soft, 4
	case Levels:
		sp.Source.ItemSize = 1
		if sp.Rate == 0 {
			return sp, ErrNoRate
		}
	case FM:
		if sp.Rate == 0 {
			return sp, ErrNoRate
		}
		if err := sp.FM.check(sp.Rate); err != nil {
			return sp, err
		}
		sp.Source.ItemSize = 4 * sp.FM.Channels
	default:
		return sp, fmt.Errorf("unknown format %q (bits, soft, levels, fm)", sp.Format)
	}
	if sp.Format != FM && sp.FM.set() {
		return sp, fmt.Errorf("vlen, freqs, fm_gain and bauds are for format=fm")
	}
	return sp, nil
}

// truthy parses a boolean option; an empty value is true.
func truthy(s string) (bool, error) {
	if s == "" {
		return true, nil
	}
	return strconv.ParseBool(s)
}

// ErrNoFSK is Carried's error for FM samples when no FSK protocol is
// among the decoders.
var ErrNoFSK = errors.New("FM samples carry FSK protocols only")

// Carried returns the decoders among decs whose protocols the input's
// items can carry. When the user chose none (chosen false), a flowgraph's
// bits, soft symbols and FM samples come from an FSK demodulator and carry
// no OOK protocol's packets (searching noise for them finds a false one
// every few minutes per channel), and levels are OOK by nature. FM samples
// carry FSK protocols only, whatever was chosen: ErrNoFSK when none is.
func (sp Spec) Carried(decs []protocol.Decoder, chosen bool) ([]protocol.Decoder, error) {
	if !chosen {
		mod := protocol.FSK
		if sp.Format == Levels {
			mod = protocol.OOK
		}
		decs = protocol.Modulated(decs, mod)
	}
	if sp.Format == FM {
		if decs = protocol.Modulated(decs, protocol.FSK); len(decs) == 0 {
			return nil, ErrNoFSK
		}
	}
	return decs, nil
}
