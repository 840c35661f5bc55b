package gridstream

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// MaxHexLine is the longest line HexScanner reads; a longer line is skipped
// up to its newline and reported. The longest frame, 259 bytes, takes 518
// hex digits plus separators and prose: a real line is far shorter.
const MaxHexLine = 1 << 20

// ErrLineTooLong reports a line over MaxHexLine bytes (binary data, or text
// without newlines). HexScanner skips it and goes on with the next line.
var ErrLineTooLong = fmt.Errorf("line longer than %d bytes (binary data?); skipped", MaxHexLine)

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
	// Complete is false for a type whose length rule is unknown, and for a
	// frame printed from its CI byte: Bytes is then everything on the line.
	Complete bool
	// FromCI marks a line that starts at the frame's CI byte, without the
	// 2A byte, type, reserved and length bytes: Bytes holds the CI byte
	// through the end of the line, and the decoder tries the types and
	// lengths that fit (FramesFromCI).
	FromCI bool
}

// HexScanner reads HexFrames from text: one frame per line, fields separated
// by spaces, tabs, '|', ',' or ';', with or without the leading 00FF2A/80FF2A
// (or 2A), an optional row number first, and a trailing "XX" placeholder
// tolerated. Lines that hold no frame (prose, table headers) are skipped; a
// frame that wraps onto following lines of bare hex is joined. It works in
// time linear in the input and memory bounded by MaxHexLine.
type HexScanner struct {
	r       *bufio.Reader
	line    int
	frame   HexFrame
	err     error // the current line's error
	readErr error // the error reading stopped on
	done    bool
	queued  error // a line error to report on the next Scan

	buf     []byte  // the current line
	joined  []byte  // its tokens, concatenated and upper-cased
	starts  []int32 // where each token starts in joined
	tooLong bool    // the current line was over MaxHexLine
}

// NewHexScanner returns a scanner of r.
func NewHexScanner(r io.Reader) *HexScanner {
	return &HexScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// Scan advances to the next frame or malformed line. It returns false at the
// end of the input or when reading fails; Err then tells which.
func (s *HexScanner) Scan() bool {
	s.err = nil
	if s.queued != nil {
		s.err, s.queued = s.queued, nil
		return true
	}
	var pending *HexFrame // a prefixed frame shorter than its length field
	var need int
	short := func() error {
		return fmt.Errorf("line %d: frame is %d bytes short of its length field", pending.Line, need-len(pending.Bytes))
	}
	for s.next() {
		if s.tooLong {
			lineErr := fmt.Errorf("line %d: %w", s.line, ErrLineTooLong)
			if pending != nil {
				s.err, s.queued = short(), lineErr
			} else {
				s.err = lineErr
			}
			return true
		}
		s.split()
		if pending != nil {
			if b, ok := s.bareHex(); ok {
				pending.Bytes = append(pending.Bytes, b[:min(len(b), need-len(pending.Bytes))]...)
				if len(pending.Bytes) >= need {
					s.frame = *pending
					return true
				}
				continue
			}
			s.err = short()
			return true
		}
		f, prefixed, err := s.parse()
		if err != nil {
			s.err = fmt.Errorf("line %d: %w", s.line, err)
			return true
		}
		if f == nil {
			continue
		}
		f.Line = s.line
		if !f.Complete || f.FromCI {
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
		s.err = short()
		return true
	}
	s.err = s.readErr
	return false
}

// Frame returns the frame Scan found; valid when Err is nil.
func (s *HexScanner) Frame() HexFrame { return s.frame }

// Err returns, after Scan returned true, the error of the line it stopped on
// (a malformed frame, a line over MaxHexLine): scanning goes on after it.
// After Scan returned false it returns the read error that ended the input,
// or nil at its end.
func (s *HexScanner) Err() error { return s.err }

// next reads the next line into s.buf (without its line ending), skipping
// what is over MaxHexLine. It returns false at the end of the input or on a
// read error (kept in s.readErr).
func (s *HexScanner) next() bool {
	if s.done {
		return false
	}
	s.buf, s.tooLong = s.buf[:0], false
	got := false
	for {
		chunk, err := s.r.ReadSlice('\n')
		got = got || len(chunk) > 0
		if !s.tooLong {
			if len(s.buf)+len(chunk) > MaxHexLine+2 { // +2: a CR LF line ending
				s.tooLong, s.buf = true, s.buf[:0]
			} else {
				s.buf = append(s.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			s.done = true
			if err != io.EOF {
				s.readErr = err
			}
			if !got {
				return false
			}
		}
		break
	}
	s.line++
	n := len(s.buf)
	if n > 0 && s.buf[n-1] == '\n' {
		n--
	}
	if n > 0 && s.buf[n-1] == '\r' {
		n--
	}
	s.buf = s.buf[:n]
	if n > MaxHexLine {
		s.tooLong, s.buf = true, s.buf[:0]
	}
	return true
}

// split cuts the current line into tokens: s.joined holds them one after
// the other, upper-cased, and s.starts where each begins.
func (s *HexScanner) split() {
	s.joined, s.starts = s.joined[:0], s.starts[:0]
	in := false
	for _, c := range s.buf {
		switch c {
		case ' ', '\t', '|', ',', ';':
			in = false
			continue
		}
		if !in {
			s.starts = append(s.starts, int32(len(s.joined)))
			in = true
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		s.joined = append(s.joined, c)
	}
}

// bareHex decodes a line made only of hex tokens.
func (s *HexScanner) bareHex() ([]byte, bool) {
	if len(s.starts) == 0 || len(s.joined)%2 != 0 || lastNonHex(s.joined) >= 0 {
		return nil, false
	}
	b := make([]byte, len(s.joined)/2)
	_, err := hex.Decode(b, s.joined)
	return b, err == nil
}

// parse finds a frame in the current line's tokens: the first token from
// which the rest of the line reads as a frame start. prefixed reports a
// 00FF2A/80FF2A start (or one whose two bytes before 2A are damaged, as
// receivers print them: 01FF2A, 05FF2A), which makes a malformed remainder
// an error rather than a line that holds no frame. A line with no frame
// start may hold a frame printed from its CI byte (FromCI). Each token is
// tried in constant time (hex validity of every suffix is known from the
// last non-hex digit), so a line costs time linear in its length.
func (s *HexScanner) parse() (f *HexFrame, prefixed bool, err error) {
	toks := len(s.starts)
	for toks > 0 && string(s.joined[s.starts[toks-1]:]) == "XX" {
		s.joined = s.joined[:s.starts[toks-1]]
		toks--
	}
	line := s.joined
	bad := lastNonHex(line) // suffixes that start after it are all hex
	if err := s.damagedStart(toks, bad); err != nil {
		return nil, true, err
	}
	for _, at := range s.starts[:toks] {
		rest := line[at:]
		version, from, prepend := 0, int(at), false
		switch {
		case hasPrefix(rest, "00FF2A"):
			version, from = 4, int(at)+4
		case hasPrefix(rest, "80FF2A"):
			version, from = 5, int(at)+4
		case len(rest) >= 8 && hasPrefix(rest[4:], "2A") && parseHexWord(rest[:4]) && ciIndex(parseHexByte(rest[6:8])) != 0:
			// Two damaged bytes before 2A: the sync version is not known.
			version, from = damagedPrefix, int(at)+4
		case hasPrefix(rest, "2A") && len(rest) > 4 && ciIndex(parseHexByte(rest[2:4])) != 0:
		case len(rest) >= 2 && ciIndex(parseHexByte(rest[:2])) != 0:
			prepend = true
		default:
			continue
		}
		digits := len(line) - from
		if prepend {
			digits += 2
		}
		if from <= bad || digits%2 != 0 || digits < 4 {
			if version != 0 {
				return nil, true, fmt.Errorf("not hex after the %s prefix", line[at:min(int32(len(line)), at+6)])
			}
			continue
		}
		b := make([]byte, 0, digits/2)
		if prepend {
			b = append(b, 0x2A)
		}
		b, _ = hex.AppendDecode(b, line[from:])
		prefixed = version != 0
		if version == damagedPrefix {
			version = 0
		}
		return &HexFrame{Bytes: b, Version: version, Complete: ciIndex(b[1]) != 0}, prefixed, nil
	}
	for _, at := range s.starts[:toks] {
		rest := line[at:]
		if int(at) > bad && len(rest)%2 == 0 && len(rest) >= 6 && slices.Contains(lineCIs, parseHexByte(rest[:2])) {
			b, _ := hex.AppendDecode(make([]byte, 0, len(rest)/2), rest)
			return &HexFrame{Bytes: b, FromCI: true}, false, nil
		}
	}
	return nil, false, nil
}

// damagedStart reports a line that starts (after an optional label: a row
// number, or a few words ending in ':', labelTokens) the way only a frame starts, but whose
// rest does not read as hex bytes: a letter in place of a digit, an odd
// digit count, a placeholder stuck to the last byte. A frame start is 2A
// and a header that follows its type's rule (reserved byte, length, CI
// byte), or the broadcast CI and address (30FFFF) of a line printed from
// its CI byte. Prose that merely begins with "2a" does not start so.
func (s *HexScanner) damagedStart(toks, bad int) error {
	i := s.labelTokens(toks)
	if i >= toks {
		return nil
	}
	at := int(s.starts[i])
	rest := s.joined[at:]
	run := hexRun(rest)
	if !frameHeader(rest[:run]) && !hasPrefix(rest[:run], ciLineStart) {
		return nil
	}
	start := rest[:min(run, 8)]
	if at <= bad {
		return fmt.Errorf("not hex at digit %d (%s), in a frame that starts %s", run+1, rest[max(run-4, 0):min(run+2, len(rest))], start)
	}
	if len(rest)%2 != 0 {
		return fmt.Errorf("odd number of hex digits (%d), in a frame that starts %s", len(rest), start)
	}
	return nil
}

// ciLineStart is how a broadcast frame printed from its CI byte begins:
// the CI byte and the broadcast destination.
const ciLineStart = "30FFFF"

// maxLabelWords is how many tokens a line's label may have ("Frame 3:",
// "Rx packet 12:"); a longer run of words before a colon is prose.
const maxLabelWords = 3

// labelTokens returns how many of the current line's first toks tokens are
// its label (0 when it has none): a row number (digits, maybe followed by
// '.', ':' or ')'), or up to maxLabelWords words of which the last ends in
// ':'. Frame bytes must follow it.
func (s *HexScanner) labelTokens(toks int) int {
	tok := func(i int) []byte { return s.joined[s.starts[i]:s.starts[i+1]] }
	if toks > 1 && isRowNumber(tok(0)) {
		return 1
	}
	for i := 0; i < min(toks-1, maxLabelWords); i++ {
		t := tok(i)
		if len(t) > 16 {
			return 0
		}
		if t[len(t)-1] == ':' {
			return i + 1
		}
	}
	return 0
}

// isRowNumber reports whether a token is a row number: digits, maybe
// followed by '.', ':' or ')'.
func isRowNumber(tok []byte) bool {
	if len(tok) == 0 || len(tok) > 16 {
		return false
	}
	if last := tok[len(tok)-1]; last == '.' || last == ')' || last == ':' {
		tok = tok[:len(tok)-1]
	}
	for _, c := range tok {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(tok) > 0
}

// hexRun returns how many of b's leading bytes are hex digits.
func hexRun(b []byte) int {
	for i, c := range b {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return i
		}
	}
	return len(b)
}

// frameHeader reports whether hex digits begin with a frame's header, 2A
// through the CI byte, that follows its type's rule.
func frameHeader(digits []byte) bool {
	if len(digits) < 4 || !hasPrefix(digits, "2A") {
		return false
	}
	r := ruleFor(parseHexByte(digits[2:4]))
	if r == nil || len(digits) < 2*(r.ci+2) {
		return false
	}
	var typed [headerWithRsvd + 1]byte
	if _, err := hex.Decode(typed[:r.ci+1], digits[2:2*(r.ci+2)]); err != nil {
		return false
	}
	if r.ci == headerWithRsvd && typed[1] != 0 {
		return false
	}
	ci := typed[r.ci]
	return r.allowsLength(int(typed[r.ci-1])) && (r.cis == nil || slices.Contains(r.cis, ci)) && !slices.Contains(r.notCIs, ci)
}

// damagedPrefix marks, inside parse, a prefix whose two bytes before 2A
// are neither 00FF nor 80FF.
const damagedPrefix = -1

// parseHexWord reports whether b's four characters are hex digits.
func parseHexWord(b []byte) bool { return lastNonHex(b[:4]) < 0 }

// lastNonHex returns the index of the last byte of b that is not a hex
// digit (upper case), or -1.
func lastNonHex(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return i
		}
	}
	return -1
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// parseHexByte reads two hex digits, or returns 0 (no frame type) when they are
// not hex.
func parseHexByte(b []byte) byte {
	var v [1]byte
	if _, err := hex.Decode(v[:], b[:2]); err != nil {
		return 0
	}
	return v[0]
}

// DecodeText decodes the frames of hex lines read from r (see HexScanner):
// each message's input is NAME:LINE, which a frame waiting for its network
// to be learned keeps. skipped, when not nil, is called for every line that
// holds a malformed frame; the error that ended reading is returned.
func (d *Decoder) DecodeText(r io.Reader, name string, out protocol.Output, skipped func(error)) error {
	sc := NewHexScanner(r)
	for sc.Scan() {
		if err := sc.Err(); err != nil {
			if skipped != nil {
				skipped(err)
			}
			continue
		}
		h := sc.Frame()
		input := name + ":" + strconv.Itoa(h.Line)
		raw := RawFrame{Bytes: h.Bytes, Version: h.Version, Complete: h.Complete}
		if h.FromCI {
			var ok bool
			if raw, ok = d.FrameFromCI(h.Bytes); !ok {
				if skipped != nil {
					skipped(fmt.Errorf("line %d: starts at a CI byte (%02X), but no frame type, length and known network's CRC fit it (another network's frames need its --crc-init)", h.Line, h.Bytes[0]))
				}
				continue
			}
		}
		d.Frame(raw, protocol.Output{
			Annotate: func(m *frames.Message) {
				m.Input = input
				if out.Annotate != nil {
					out.Annotate(m)
				}
			},
			Emit: out.Emit,
		})
	}
	return sc.Err()
}

// FrameFromCI reads a frame printed from its CI byte (line: the CI byte
// through the end of the line): the first of the types and lengths that
// fit it (fromCI) whose CRC a known network confirms. A frame whose type
// and length were not printed is believed only then: it never teaches a
// network, and it is never emitted as CRC-good with a type or length its
// rule does not allow.
func (d *Decoder) FrameFromCI(line []byte) (RawFrame, bool) {
	for _, f := range fromCI(line) {
		typed := f[1:]
		ci := ruleFor(typed[0]).ci
		if isEncrypted(typed, ci) {
			continue // an auth tag, not a CRC: nothing confirms it
		}
		body := typed[ci : len(typed)-2]
		init := SolveInit(body, uint16(typed[len(typed)-2])<<8|uint16(typed[len(typed)-1]))
		d.mu.Lock()
		_, known := d.nets[init]
		d.mu.Unlock()
		if known {
			return RawFrame{Bytes: f, Complete: true}, true
		}
	}
	return RawFrame{}, false
}
