package iq

import (
	"path/filepath"
	"strconv"
	"strings"
)

// NameInfo is what a recording's file name says about it.
type NameInfo struct {
	// Format from the extension (.cu8, .cs16, …), FormatUnknown if none.
	Format Format
	// SampleRate in samples/s, 0 if the name does not say.
	SampleRate float64
	// CenterFreq in Hz, 0 if the name does not say.
	CenterFreq float64
}

// rateLimit separates rates from frequencies in names whose tokens carry no
// unit: SDR sample rates stay below it, the radio frequencies gridstream
// listens on are far above.
const rateLimit = 25e6

// ParseName reads the format, sample rate and centre frequency from a
// recording's file name the way rtl_433 names its files:
// "g001_915M_2400k.cu8", "g001_915M_2.4M.cu8", "x_433.92M_250k.cs16",
// "capture_915MHz_2.4Msps.cf32". Tokens are separated by '_', '-', ' ' or
// ','; a token with a Hz unit is the frequency, one with sps or S/s the rate;
// of two unit-less tokens the larger is the frequency; a single one is a rate
// below 25 M and a frequency above. Tokens without a k/M/G suffix or unit
// (dates, counters) are ignored. Unknown parts are left zero.
func ParseName(name string) NameInfo {
	base := filepath.Base(name)
	info := NameInfo{Format: FormatFromExt(base)}
	if ext := filepath.Ext(base); ext != "" && (info.Format != FormatUnknown || isDataExt(ext)) {
		base = strings.TrimSuffix(base, ext)
	}
	toks := strings.FieldsFunc(base, func(r rune) bool {
		return r == '_' || r == '-' || r == ' ' || r == ','
	})
	if g, ok := gqrxName(toks); ok {
		if info.Format == FormatUnknown {
			g.Format = CF32
		} else {
			g.Format = info.Format
		}
		return g
	}
	var plain []float64
	for _, tok := range toks {
		v, kind, ok := nameToken(tok)
		if !ok {
			continue
		}
		switch kind {
		case 'f':
			if info.CenterFreq == 0 {
				info.CenterFreq = v
			}
		case 'r':
			if info.SampleRate == 0 {
				info.SampleRate = v
			}
		default:
			plain = append(plain, v)
		}
	}
	// Unit-less tokens fill what explicit units left open.
	switch {
	case len(plain) >= 2 && info.CenterFreq == 0 && info.SampleRate == 0:
		f, r := plain[0], plain[1]
		if r > f {
			f, r = r, f
		}
		info.CenterFreq, info.SampleRate = f, r
	default:
		for _, v := range plain {
			switch {
			case info.SampleRate == 0 && (v < rateLimit || info.CenterFreq != 0):
				info.SampleRate = v
			case info.CenterFreq == 0:
				info.CenterFreq = v
			}
		}
	}
	return info
}

func isDataExt(ext string) bool {
	switch strings.ToLower(ext) {
	case ".raw", ".bin", ".iq", ".dat", ".data", ".sigmf-data", ".sigmf-meta":
		return true
	}
	return false
}

// nameToken parses one file-name token. kind is 'f' for a frequency (Hz
// unit), 'r' for a rate (sps, S/s, S unit) and 0 for a bare number with a
// k/M/G suffix. Bare numbers without suffix are not tokens.
func nameToken(tok string) (v float64, kind byte, ok bool) {
	body := tok
	switch {
	case hasSuffixFold(tok, "hz"):
		kind, body = 'f', tok[:len(tok)-2]
	case hasSuffixFold(tok, "sps"):
		kind, body = 'r', tok[:len(tok)-3]
	case hasSuffixFold(tok, "s/s"):
		kind, body = 'r', tok[:len(tok)-3]
	case len(tok) > 2 && (tok[len(tok)-1] == 'S'):
		kind, body = 'r', tok[:len(tok)-1]
	}
	if body == "" || body[0] < '0' || body[0] > '9' {
		return 0, 0, false
	}
	last := body[len(body)-1]
	if kind == 0 && last != 'k' && last != 'K' && last != 'M' && last != 'G' {
		return 0, 0, false
	}
	v, err := ParseSI(body)
	if err != nil || v <= 0 || v > 1e12 {
		return 0, 0, false
	}
	return v, kind, true
}

// gqrxName reads gqrx's recording names,
// gqrx_YYYYMMDD_HHMMSS_FREQ_RATE_fc.raw, whose numbers have no suffix; the
// samples are cf32.
func gqrxName(toks []string) (NameInfo, bool) {
	if len(toks) < 6 || !strings.EqualFold(toks[0], "gqrx") || !strings.EqualFold(toks[5], "fc") {
		return NameInfo{}, false
	}
	f, err1 := strconv.ParseUint(toks[3], 10, 40)
	r, err2 := strconv.ParseUint(toks[4], 10, 40)
	if err1 != nil || err2 != nil || f == 0 || r == 0 {
		return NameInfo{}, false
	}
	return NameInfo{SampleRate: float64(r), CenterFreq: float64(f)}, true
}
