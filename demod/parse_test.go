package demod

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSampleRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		err  string
	}{
		{"2.4M", 2.4e6, ""},
		{"250k", 250e3, ""},
		{"100k", 100e3, ""},
		{"100M", 100e6, ""},
		{" 1e6 ", 1e6, ""},
		{"99999", 0, `"99999": want a sample rate from 100k to 100M S/s`},
		{"101M", 0, "want a sample rate"},
		{"-2.4M", 0, "want a sample rate"},
		{"fast", 0, "want a sample rate"},
		{"NaN", 0, "want a sample rate"},
	} {
		got, err := ParseSampleRate(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseSampleRate(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseBauds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []float64
		err  string
	}{
		{"9600,19200,38400", []float64{9600, 19200, 38400}, ""},
		{"38.4k", []float64{38400}, ""},
		{" 9600, ,4800 ", []float64{9600, 4800}, ""},
		{"1200,50000", []float64{1200, 50000}, ""},
		{"9600.5", nil, "want whole symbol rates from 1200 to 50000"},
		{"1199", nil, "want whole symbol rates"},
		{"50001", nil, "want whole symbol rates"},
		{"9600;19200", nil, "want whole symbol rates"},
		{"", nil, `"": want symbol rates such as`},
		{" , ", nil, "want symbol rates such as"},
	} {
		got, err := ParseBauds(tc.in)
		if tc.err == "" && (err != nil || !slices.Equal(got, tc.want)) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseBauds(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}
