package iq

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is an interleaved complex sample format.
type Format uint8

// The supported sample formats.
const (
	// FormatUnknown is the zero Format: not yet known.
	FormatUnknown Format = iota
	// CU8 is unsigned 8-bit I/Q centred on 127.5, as rtl_sdr and rtl_tcp send.
	CU8
	// CS8 is signed 8-bit I/Q, as hackrf_transfer writes (SigMF "ci8").
	CS8
	// CS16 is signed 16-bit little-endian I/Q (SigMF "ci16_le").
	CS16
	// CF32 is 32-bit little-endian float I/Q (GNU Radio .cfile, SigMF "cf32_le").
	CF32
)

// Formats lists the supported formats in order.
var Formats = []Format{CU8, CS8, CS16, CF32}

// String returns the short name: "cu8", "cs8", "cs16", "cf32" ("unknown" for
// FormatUnknown).
func (f Format) String() string {
	switch f {
	case CU8:
		return "cu8"
	case CS8:
		return "cs8"
	case CS16:
		return "cs16"
	case CF32:
		return "cf32"
	}
	return "unknown"
}

// SigMF returns the SigMF core:datatype of f ("cu8", "ci8", "ci16_le",
// "cf32_le"), or "" for FormatUnknown.
func (f Format) SigMF() string {
	switch f {
	case CU8:
		return "cu8"
	case CS8:
		return "ci8"
	case CS16:
		return "ci16_le"
	case CF32:
		return "cf32_le"
	}
	return ""
}

// Size returns the number of bytes of one complex sample (I and Q), 0 for
// FormatUnknown.
func (f Format) Size() int {
	switch f {
	case CU8, CS8:
		return 2
	case CS16:
		return 4
	case CF32:
		return 8
	}
	return 0
}

// Ext returns the file name extension rtl_433 uses for f, with the dot.
func (f Format) Ext() string {
	if f == FormatUnknown {
		return ""
	}
	return "." + f.String()
}

// ParseFormat parses a format name as given on the command line or in a SigMF
// core:datatype. It accepts the short names (cu8, cs8, cs16, cf32), the SigMF
// names (cu8, ci8, ci16_le, cf32_le, also with _le omitted) and common
// aliases (u8, s8, s16, sc16, f32, fc32, cfile, complex16u, complex16s).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "cu8", "u8", "cu8_le", "complex16u", "rtl", "rtlsdr", "rtl_sdr":
		return CU8, nil
	case "cs8", "ci8", "s8", "i8", "ci8_le", "complex16s", "hackrf":
		return CS8, nil
	case "cs16", "ci16", "ci16_le", "cs16_le", "s16", "i16", "sc16":
		return CS16, nil
	case "cf32", "cf32_le", "f32", "fc32", "cfile", "complex", "gr":
		return CF32, nil
	}
	return FormatUnknown, fmt.Errorf("unknown sample format %q (want cu8, cs8, cs16 or cf32)", s)
}

// FormatFromExt returns the format an rtl_433-style file extension names
// (.cu8, .cs8, .cs16, .cf32, .cfile, .fc32, .complex16u, .complex16s), or
// FormatUnknown.
func FormatFromExt(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".cu8", ".complex16u":
		return CU8
	case ".cs8", ".complex16s":
		return CS8
	case ".cs16", ".sc16":
		return CS16
	case ".cf32", ".cfile", ".fc32":
		return CF32
	}
	return FormatUnknown
}

// ParseSI parses a frequency or rate with an optional SI suffix and unit:
// "2400000", "2.4M", "2400k", "915MHz", "433.92M", "250ksps", "1e6".
// The result must be finite and not negative.
func ParseSI(s string) (float64, error) {
	t := strings.TrimSpace(s)
	for _, unit := range []string{"hz", "sps", "s/s", "s"} {
		if hasSuffixFold(t, unit) && len(t) > len(unit) {
			t = t[:len(t)-len(unit)]
			break
		}
	}
	mult := 1.0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult = 1e3
		case 'M':
			mult = 1e6
		case 'G', 'g':
			mult = 1e9
		case 'm':
			// "915m" is 915 MHz in casual use; milli makes no sense here.
			mult = 1e6
		}
		if mult != 1 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || strings.ContainsAny(t, "xXpP_") {
		return 0, fmt.Errorf("bad number %q (want e.g. 2.4M, 2400k, 915MHz)", s)
	}
	v *= mult
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("bad number %q: must be finite and not negative", s)
	}
	return v, nil
}

// FormatSI writes v with an SI suffix as rtl_433 names files: 915000000 →
// "915M", 2400000 → "2400k", 433920000 → "433.92M", 250000 → "250k".
func FormatSI(v float64) string {
	switch {
	case v >= 1e9 && math.Mod(v, 1e6) == 0 && math.Mod(v, 1e9) == 0:
		return strconv.FormatFloat(v/1e9, 'f', -1, 64) + "G"
	case v >= 1e7:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// hasSuffixFold reports whether s ends in the ASCII suffix, ignoring case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
