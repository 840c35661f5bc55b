package protocol

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// Helpers over a list of protocols (package protocols has the list).

// Names returns the names of the protocols in list, in order.
func Names(list []Protocol) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.Name()
	}
	return out
}

// Find returns the protocol named name in list, nil when there is none.
func Find(list []Protocol, name string) Protocol {
	for _, p := range list {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

// NewDecoders returns a decoder of each protocol in list, in order, each
// made from cfg.
func NewDecoders(list []Protocol, cfg DecoderConfig) ([]Decoder, error) {
	out := make([]Decoder, 0, len(list))
	for _, p := range list {
		d, err := p.NewDecoder(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Modulated returns the decoders in list whose protocol uses modulation m.
func Modulated(list []Decoder, m Modulation) []Decoder {
	var out []Decoder
	for _, d := range list {
		if d.Protocol().Radio().Modulation == m {
			out = append(out, d)
		}
	}
	return out
}

// MinLevelRate is the lowest sample rate of an OOK level stream that every
// OOK protocol in list can be sliced at (0: none is OOK).
func MinLevelRate(list []Protocol) float64 {
	lowest := 0.0
	for _, p := range list {
		if t := p.Radio().OOK; t != nil {
			lowest = max(lowest, t.MinRate())
		}
	}
	return lowest
}

// Select reads a comma-separated list of protocol names (as --protocol
// gives them; case and spaces do not matter) and returns the names it
// chooses. It is an error to name a protocol not in list, or none.
func Select(list []Protocol, names string) (map[string]bool, error) {
	chosen := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		name := strings.TrimSpace(strings.ToLower(n))
		switch {
		case name == "":
		case Find(list, name) == nil:
			return nil, fmt.Errorf("--protocol: unknown protocol %q (want %s)", n, strings.Join(Names(list), ", "))
		default:
			chosen[name] = true
		}
	}
	if len(chosen) == 0 {
		return nil, errors.New("--protocol: name at least one protocol")
	}
	return chosen, nil
}

// FindOption returns the option called name of a protocol in list.
func FindOption(list []Protocol, name string) (Option, bool) {
	for _, p := range list {
		for _, o := range p.Options() {
			if o.Name == name {
				return o, true
			}
		}
	}
	return Option{}, false
}

// CheckOptions runs the Check of every option of the protocols in list on
// s, and returns the first error.
func CheckOptions(list []Protocol, s Settings) error {
	for _, p := range list {
		for _, o := range p.Options() {
			if o.Check != nil {
				if err := o.Check(s); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Commands returns the commands of the protocols in list that have some
// (Commander), in order.
func Commands(list []Protocol) []*cli.Command {
	var out []*cli.Command
	for _, p := range list {
		if c, ok := p.(Commander); ok {
			out = append(out, c.Commands()...)
		}
	}
	return out
}
