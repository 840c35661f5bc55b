package demod

import (
	"fmt"
	"math"
	"strings"

	"github.com/gridstream-sdr/gridstream/iq"
)

// ParseSampleRate parses a sample rate the receiver takes ("2.4M",
// "250k"), MinSampleRate to MaxSampleRate; the error says what is wanted,
// for a flag's name to go before it.
func ParseSampleRate(s string) (float64, error) {
	v, err := iq.ParseSI(s)
	if err != nil || v < MinSampleRate || v > MaxSampleRate {
		return 0, fmt.Errorf("%q: want a sample rate from %s to %s S/s, such as 2.4M or 250k",
			s, iq.FormatSI(MinSampleRate), iq.FormatSI(MaxSampleRate))
	}
	return v, nil
}

// ParseBauds parses a comma-separated list of symbol rates
// ("9600,19200,38400"): whole numbers, MinBaud to MaxBaud.
func ParseBauds(s string) ([]float64, error) {
	var out []float64
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		v, err := iq.ParseSI(part)
		if err != nil || v < MinBaud || v > MaxBaud || v != math.Trunc(v) {
			return nil, fmt.Errorf("%q: want whole symbol rates from %d to %d, such as 9600,19200,38400", s, MinBaud, MaxBaud)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: want symbol rates such as 9600,19200,38400", s)
	}
	return out, nil
}
