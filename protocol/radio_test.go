package protocol_test

import (
	"testing"

	"github.com/gridstream-sdr/gridstream/bits/pulse"
	"github.com/gridstream-sdr/gridstream/protocol"
)

func TestSyncErrors(t *testing.T) {
	s := protocol.Sync{Pattern: 0xAAAA<<8 | 0x5F, Bits: 24, Exact: 8}
	for _, tc := range []struct {
		window uint64
		want   int
	}{
		{0xAAAA5F, 0},
		{0xFFAAAA5F, 0}, // bits before the pattern do not count
		{0xAAAB5F, 1},   // one preamble error
		{0x2AA05F, 3},   // three
		{0xAAAA5E, -1},  // an exact bit
		{0x5555A0, -1},  // the other polarity is the caller's business
	} {
		if got := s.Errors(tc.window); got != tc.want {
			t.Errorf("Errors(%X) = %d, want %d", tc.window, got, tc.want)
		}
	}
}

func TestRadio(t *testing.T) {
	fsk := protocol.Radio{Modulation: protocol.FSK, BandLow: 902e6, BandHigh: 928e6, MaxSymbols: 960,
		Rates: []protocol.Rate{{Baud: 9600, Deviation: 12e3}, {Baud: 19200, Deviation: 16e3}, {Baud: 38400, Deviation: 22e3}},
		Air:   protocol.Airtime{LeadSymbols: 56, SymbolsPerByte: 10, TrailerBytes: 1}}
	for baud, want := range map[float64]float64{1200: 12e3, 9600: 12e3, 12000: 16e3, 19200: 16e3, 38400: 22e3, 50000: 22e3} {
		if got := fsk.Deviation(baud); got != want {
			t.Errorf("Deviation(%v) = %v, want %v", baud, got, want)
		}
	}
	if fsk.Longest(9600) != 0.1 || fsk.Air.Symbols(38) != 56+390 || !fsk.Overlaps(914e6, 916e6) || fsk.Overlaps(433e6, 435e6) {
		t.Errorf("longest %v, air %d", fsk.Longest(9600), fsk.Air.Symbols(38))
	}
	ook := protocol.Radio{Modulation: protocol.OOK, BandLow: 433.92e6, BandHigh: 433.92e6, MaxSymbols: 10,
		OOK: &pulse.Timing{HalfCell: 0.5e-3}}
	if ook.Longest(9600) != 0.01 || !ook.Overlaps(433e6, 435e6) || ook.Overlaps(434e6, 435e6) || ook.Deviation(9600) != 0 {
		t.Errorf("OOK longest %v", ook.Longest(9600))
	}
	if protocol.FSK.String() != "FSK" || protocol.OOK.String() != "OOK" {
		t.Error("modulation names")
	}
}
