package iq

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseHz parses a signed frequency with an optional SI suffix: "-100k",
// "+1.2M", "25000".
func ParseHz(s string) (float64, error) {
	t := strings.TrimSpace(s)
	sign := 1.0
	if strings.HasPrefix(t, "-") {
		sign, t = -1, t[1:]
	} else {
		t = strings.TrimPrefix(t, "+")
	}
	v, err := ParseSI(t)
	if err != nil {
		return 0, err
	}
	return sign * v, nil
}

// ParseCenterFreq parses a centre frequency ("915M", "433.92MHz"), 0 for
// unknown; the error says what is wanted, for a flag's name to go before
// it. A value below MinCenterFreq ("915") is taken for a missing unit.
func ParseCenterFreq(s string) (float64, error) {
	v, err := ParseSI(s)
	if err == nil {
		err = CheckCenterFreq(v)
	}
	if err != nil {
		return 0, fmt.Errorf("%q: want a frequency up to %s Hz, such as 915M", s, FormatSI(MaxCenterFreq))
	}
	if v > 0 && v < MinCenterFreq {
		hint := ""
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			hint = fmt.Sprintf(" (a missing unit: %sM?)", strings.TrimSpace(s))
		}
		return 0, fmt.Errorf("%q: %s Hz is too low for a centre frequency%s; want a frequency from %s to %s Hz, such as 915M",
			s, FormatSI(v), hint, FormatSI(MinCenterFreq), FormatSI(MaxCenterFreq))
	}
	return v, nil
}

// MaxGain is the highest rtl_tcp tuner gain accepted, dB.
const MaxGain = 100

// ParseGain parses an rtl_tcp tuner gain in dB ("40", "40dB"), or auto
// (or nothing): 0, the tuner's automatic gain.
func ParseGain(s string) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" || t == "auto" {
		return 0, nil
	}
	g, err := ParseSI(strings.TrimSuffix(t, "db"))
	if err != nil || g > MaxGain {
		return 0, fmt.Errorf("%q: want a gain in dB (0-%d) or auto", s, MaxGain)
	}
	return g, nil
}

// MaxPPM bounds an rtl_tcp frequency correction: far beyond any crystal's
// error.
const MaxPPM = 1000

// ParsePPM parses an rtl_tcp frequency correction: a whole number of ppm,
// or auto (ppm 0 then: measured from the traffic).
func ParsePPM(s string) (ppm int, auto bool, err error) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "auto") {
		return 0, true, nil
	}
	v, err := strconv.Atoi(strings.TrimPrefix(t, "+"))
	if err != nil || v < -MaxPPM || v > MaxPPM {
		return 0, false, fmt.Errorf("%s: want a whole number of ppm from %d to %d, or auto", s, -MaxPPM, MaxPPM)
	}
	return v, false, nil
}

// OutputFormat is the sample format to write the recording name in: format
// when given, else cu8 for stdout (-) and SigMF data, else the format the
// extension names. A SigMF meta file name is refused: the data file is
// named, the meta goes beside it.
func OutputFormat(name, format string) (Format, error) {
	if strings.EqualFold(filepath.Ext(name), SigMFMetaExt) {
		return 0, fmt.Errorf("%s is a meta file name: name the data file (x.sigmf-data or x.cu8); the meta is written beside it", name)
	}
	switch {
	case format != "":
		f, err := ParseFormat(format)
		if err != nil {
			return 0, fmt.Errorf("--format: %v", err)
		}
		return f, nil
	case name == "-" || strings.EqualFold(filepath.Ext(name), SigMFDataExt):
		return CU8, nil
	}
	if f := FormatFromExt(name); f != FormatUnknown {
		return f, nil
	}
	return 0, fmt.Errorf("can't tell the sample format of %q: name it .cu8/.cs8/.cs16/.cf32 or .sigmf-data, or pass --format", name)
}
