package iq

import (
	"strings"
	"testing"
)

func TestParseHz(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"-100k", -100e3, true},
		{"+1.2M", 1.2e6, true},
		{"25000", 25000, true},
		{" -3kHz ", -3000, true},
		{"0", 0, true},
		{"--1k", 0, false},
		{"k", 0, false},
		{"1x", 0, false},
		{"Inf", 0, false},
	} {
		got, err := ParseHz(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseHz(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseCenterFreq(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"915M", 915e6, true},
		{"433.92MHz", 433.92e6, true},
		{"10G", 10e9, true},
		{"0", 0, true},
		{"10.1G", 0, false},
		{"-915M", 0, false},
		{"near", 0, false},
		{"100k", 100e3, true},
		{"915", 0, false},
		{"433.92", 0, false},
		{"99.9k", 0, false},
	} {
		got, err := ParseCenterFreq(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCenterFreq(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "10G Hz, such as 915M") {
			t.Errorf("ParseCenterFreq(%q): %v does not say what is wanted", tc.in, err)
		}
	}
}

func TestParseGain(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"auto", 0, true},
		{"AUTO", 0, true},
		{"", 0, true},
		{"40", 40, true},
		{"49.6dB", 49.6, true},
		{"100", 100, true},
		{"101", 0, false},
		{"-1", 0, false},
		{"loud", 0, false},
	} {
		got, err := ParseGain(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseGain(%q) = %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParsePPM(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ppm      int
		auto, ok bool
	}{
		{"0", 0, false, true},
		{"+54", 54, false, true},
		{" -1000 ", -1000, false, true},
		{"auto", 0, true, true},
		{"Auto", 0, true, true},
		{"1001", 0, false, false},
		{"1.5", 0, false, false},
		{"", 0, false, false},
	} {
		ppm, auto, err := ParsePPM(tc.in)
		if (err == nil) != tc.ok || ppm != tc.ppm || auto != tc.auto {
			t.Errorf("ParsePPM(%q) = %v, %v, %v; want %v, %v (ok %v)", tc.in, ppm, auto, err, tc.ppm, tc.auto, tc.ok)
		}
	}
}

func TestOutputFormat(t *testing.T) {
	for _, tc := range []struct {
		name, flag string
		want       Format
		err        string
	}{
		{"x.cs16", "", CS16, ""},
		{"x.cf32", "", CF32, ""},
		{"-", "", CU8, ""},
		{"x.sigmf-data", "", CU8, ""},
		{"x.sigmf-data", "cf32", CF32, ""},
		{"x.bin", "cs8", CS8, ""},
		{"x.bin", "", 0, "can't tell the sample format"},
		{"x.bin", "wav", 0, "--format: unknown sample format"},
		{"x.sigmf-meta", "cu8", 0, "meta file name"},
	} {
		got, err := OutputFormat(tc.name, tc.flag)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("OutputFormat(%q, %q) = %v, %v; want %v, %q", tc.name, tc.flag, got, err, tc.want, tc.err)
		}
	}
}
