package protocol

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
