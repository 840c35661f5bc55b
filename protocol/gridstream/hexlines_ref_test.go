package gridstream

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// FuzzHexScannerReference checks the linear HexScanner against the
// straightforward (quadratic) scanner it replaced: the same frames, from
// the same lines, and errors on the same lines.
func FuzzHexScannerReference(f *testing.F) {
	f.Add("1 00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04")
	f.Add("80 FF 2A D2 04 53 BE 06 FC\n00FF2A D5 0047 51 F05A4BCC\n0001\r\n")
	f.Add("| 00FF2A | 77 | 00 | XX |\nzz 2a55 0023 30 xx XX\n55 00 05 30 01 02 ab cd\n2A\n00FF2A 55 00ZZ")
	f.Add("00FF2A 55 0023 30 FFFF\nA5 0004\n\n00ff2a;d5;0001;30")
	f.Add("Frame 3: 2a d5 00 1D 29 9O\nPacket 12: 30FFFF0\nRx frame 3: 2AA5123C0\nwe saw this: 2a d5 00 1D 29 9O")
	f.Add("2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032XX\n12: 2a d5 00 1D 29 9O\n2a55 added\n7 | 30FFFF0\n2AA5123C0")
	f.Fuzz(func(t *testing.T, in string) {
		if len(in) > 4<<10 { // the reference is quadratic
			return
		}
		got := scanTrace(NewHexScanner(strings.NewReader(in)))
		want := scanTrace(newRefScanner(strings.NewReader(in)))
		if got != want {
			t.Fatalf("input %q:\n got %s\nwant %s", in, got, want)
		}
	})
}

// scanner is what both scanners offer.
type scanner interface {
	Scan() bool
	Err() error
	Frame() HexFrame
}

func scanTrace(sc scanner) string {
	var b bytes.Buffer
	for range 10000 {
		if !sc.Scan() {
			break
		}
		if err := sc.Err(); err != nil {
			line, _, _ := strings.Cut(err.Error(), ":")
			fmt.Fprintf(&b, "[error %s]", line)
			continue
		}
		f := sc.Frame()
		fmt.Fprintf(&b, "[%d v%d %v %X]", f.Line, f.Version, f.Complete, f.Bytes)
	}
	return b.String()
}

// The scanner HexScanner replaced, as it was.

type refScanner struct {
	sc    *bufio.Scanner
	line  int
	frame HexFrame
	err   error
}

// newRefScanner returns a scanner of r.
func newRefScanner(r io.Reader) *refScanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	return &refScanner{sc: sc}
}

// Scan advances to the next frame or error. It returns false at the end.
func (s *refScanner) Scan() bool {
	s.err = nil
	var pending *HexFrame // a prefixed frame shorter than its length field
	var need int
	for s.sc.Scan() {
		s.line++
		toks := refTokens(s.sc.Text())
		if pending != nil {
			if b, ok := refBareHex(toks); ok {
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
		if err := refDamagedStart(toks); err != nil {
			s.err = fmt.Errorf("line %d: %w", s.line, err)
			return true
		}
		f, prefixed, err := refParseHexTokens(toks)
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
		want := FrameLength(f.Bytes)
		switch {
		case want == LengthInvalid:
			if prefixed {
				s.err = fmt.Errorf("line %d: length field %d is too small for a frame", s.line, f.Bytes[len(f.Bytes)-1])
				return true
			}
		case want > len(f.Bytes) || want == LengthNeedMore:
			if !prefixed {
				continue // bare hex that merely looks like a frame start
			}
			pending, need = f, want
			if want == LengthNeedMore {
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
func (s *refScanner) Frame() HexFrame { return s.frame }

// Err returns the error Scan stopped on, if any; scanning can go on after it.
func (s *refScanner) Err() error { return s.err }

func refTokens(line string) []string {
	return strings.FieldsFunc(line, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '|' || r == ',' || r == ';'
	})
}

// bareHex decodes a line made only of hex tokens.
func refBareHex(toks []string) ([]byte, bool) {
	if len(toks) == 0 {
		return nil, false
	}
	b, err := hex.DecodeString(strings.Join(toks, ""))
	return b, err == nil
}

// parseHexTokens finds a frame in a line's tokens. prefixed reports a
// 00FF2A/80FF2A/2A start, which makes a malformed remainder an error rather
// than a line that holds no frame.
func refParseHexTokens(toks []string) (f *HexFrame, prefixed bool, err error) {
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
		case len(s) >= 8 && s[4:6] == "2A" && refIsHex(s[:4]) && ciIndex(refMustByte(s[6:8])) != 0:
			version, s = damagedPrefix, s[4:]
		case strings.HasPrefix(s, "2A") && len(s) > 4 && ciIndex(refMustByte(s[2:4])) != 0:
		case len(s) >= 2 && ciIndex(refMustByte(s[:2])) != 0:
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
		return &HexFrame{Bytes: b, Version: max(version, 0), Complete: ciIndex(b[1]) != 0}, version != 0, nil
	}
	for i := range toks {
		s := strings.ToUpper(strings.Join(toks[i:], ""))
		b, err := hex.DecodeString(s)
		if err == nil && len(b) >= 3 && slices.Contains(lineCIs, b[0]) {
			return &HexFrame{Bytes: b, FromCI: true}, false, nil
		}
	}
	return nil, false, nil
}

func refIsHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// mustByte reads two hex digits, or returns 0 (no frame type) when they are
// not hex.
func refMustByte(s string) byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		return 0
	}
	return b[0]
}

var refRowNumber = regexp.MustCompile(`^[0-9]+[.:)]?$`)

// refDamagedStart reports a line whose first token (after a label: a row
// number, or up to three words, the last ending in ':') starts
// a frame (2A and a header its type's rule allows, or 30FFFF) but whose
// rest is not an even count of hex digits.
func refDamagedStart(toks []string) error {
	for len(toks) > 0 && strings.EqualFold(toks[len(toks)-1], "XX") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) > 1 && len(toks[0]) <= 16 && refRowNumber.MatchString(toks[0]) {
		toks = toks[1:]
	} else {
		for i := 0; i < len(toks)-1 && i < 3 && len(toks[i]) <= 16; i++ {
			if strings.HasSuffix(toks[i], ":") {
				toks = toks[i+1:]
				break
			}
		}
	}
	rest := strings.ToUpper(strings.Join(toks, ""))
	run := strings.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune("0123456789ABCDEF", r) })
	if run < 0 {
		run = len(rest)
	}
	b, _ := hex.DecodeString(rest[:run&^1])
	starts := strings.HasPrefix(rest[:run], "30FFFF")
	if len(b) >= 2 && b[0] == 0x2A {
		if r := ruleFor(b[1]); r != nil && len(b) >= r.ci+2 {
			n := int(b[r.ci])
			ci := b[r.ci+1]
			starts = (r.ci != headerWithRsvd || b[2] == 0) && r.allowsLength(n) &&
				(r.cis == nil || slices.Contains(r.cis, ci)) && !slices.Contains(r.notCIs, ci)
		}
	}
	if !starts || (run == len(rest) && run%2 == 0) {
		return nil
	}
	return errors.New("a frame start that is not hex bytes")
}
