package frames

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/gridstream-sdr/gridstream/bits"
)

// HexFrame is a GridStream frame read from a line of hex, as forums, wikis
// and other decoders print them.
type HexFrame struct {
	// Bytes runs from the 0x2A byte through the CRC (a trailing byte after
	// the CRC is dropped).
	Bytes []byte
	// Version is 4 for a 00FF2A prefix, 5 for 80FF2A, 0 without a prefix.
	Version int
	// Line is the 1-based line the frame starts on.
	Line int
	// Complete is false for a type whose length rule is unknown: Bytes is
	// then everything on the line.
	Complete bool
}

// HexScanner reads HexFrames from text: one frame per line, fields separated
// by spaces, tabs, '|' or ',', with or without the leading 00FF2A/80FF2A (or
// 2A), an optional row number first, and a trailing "XX" placeholder
// tolerated. Lines that hold no frame (prose, table headers) are skipped; a
// frame that wraps onto following lines of bare hex is joined.
type HexScanner struct {
	sc    *bufio.Scanner
	line  int
	frame HexFrame
	err   error
}

// NewHexScanner returns a scanner of r.
func NewHexScanner(r io.Reader) *HexScanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	return &HexScanner{sc: sc}
}

// Scan advances to the next frame or error. It returns false at the end.
func (s *HexScanner) Scan() bool {
	s.err = nil
	var pending *HexFrame // a prefixed frame shorter than its length field
	var need int
	for s.sc.Scan() {
		s.line++
		toks := tokens(s.sc.Text())
		if pending != nil {
			if b, ok := bareHex(toks); ok {
				pending.Bytes = append(pending.Bytes, b...)
				if len(pending.Bytes) >= need {
					pending.Bytes = pending.Bytes[:need]
					s.frame = *pending
					return true
				}
				continue
			}
			s.err = fmt.Errorf("line %d: frame is %d bytes short of its length field", pending.Line, need-len(pending.Bytes))
			return true
		}
		f, prefixed, err := parseHexTokens(toks)
		if err != nil {
			s.err = fmt.Errorf("line %d: %w", s.line, err)
			return true
		}
		if f == nil {
			continue
		}
		f.Line = s.line
		if !f.Complete {
			s.frame = *f
			return true
		}
		want := bits.FrameLength(f.Bytes)
		switch {
		case want == bits.LengthInvalid:
			if prefixed {
				s.err = fmt.Errorf("line %d: length field %d is too small for a frame", s.line, f.Bytes[len(f.Bytes)-1])
				return true
			}
		case want > len(f.Bytes) || want == bits.LengthNeedMore:
			if !prefixed {
				continue // bare hex that merely looks like a frame start
			}
			pending, need = f, want
			if want == bits.LengthNeedMore {
				need = 4
			}
		default:
			f.Bytes = f.Bytes[:want]
			s.frame = *f
			return true
		}
	}
	if pending != nil {
		s.err = fmt.Errorf("line %d: frame is %d bytes short of its length field", pending.Line, need-len(pending.Bytes))
		return true
	}
	if err := s.sc.Err(); err != nil {
		s.err = err
		return true
	}
	return false
}

// Frame returns the frame Scan found; valid when Err is nil.
func (s *HexScanner) Frame() HexFrame { return s.frame }

// Err returns the error Scan stopped on, if any; scanning can go on after it.
func (s *HexScanner) Err() error { return s.err }

func tokens(line string) []string {
	return strings.FieldsFunc(line, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '|' || r == ',' || r == ';'
	})
}

// bareHex decodes a line made only of hex tokens.
func bareHex(toks []string) ([]byte, bool) {
	if len(toks) == 0 {
		return nil, false
	}
	b, err := hex.DecodeString(strings.Join(toks, ""))
	return b, err == nil
}

// parseHexTokens finds a frame in a line's tokens. prefixed reports a
// 00FF2A/80FF2A/2A start, which makes a malformed remainder an error rather
// than a line that holds no frame.
func parseHexTokens(toks []string) (f *HexFrame, prefixed bool, err error) {
	for len(toks) > 0 && strings.EqualFold(toks[len(toks)-1], "XX") {
		toks = toks[:len(toks)-1]
	}
	for i := range toks {
		s := strings.ToUpper(strings.Join(toks[i:], ""))
		version := 0
		switch {
		case strings.HasPrefix(s, "00FF2A"):
			version, s = 4, s[4:]
		case strings.HasPrefix(s, "80FF2A"):
			version, s = 5, s[4:]
		case strings.HasPrefix(s, "2A") && len(s) > 4 && ciIndex(mustByte(s[2:4])) != 0:
		case len(s) >= 2 && ciIndex(mustByte(s[:2])) != 0:
			s = "2A" + s
		default:
			continue
		}
		b, err := hex.DecodeString(s)
		if err != nil || len(b) < 2 {
			if version != 0 {
				return nil, true, fmt.Errorf("not hex after the %s prefix", toks[i])
			}
			continue
		}
		return &HexFrame{Bytes: b, Version: version, Complete: ciIndex(b[1]) != 0}, version != 0, nil
	}
	return nil, false, nil
}

// mustByte reads two hex digits, or returns 0 (no frame type) when they are
// not hex.
func mustByte(s string) byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		return 0
	}
	return b[0]
}
