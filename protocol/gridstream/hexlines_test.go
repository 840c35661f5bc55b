package gridstream_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

func TestHexScanner(t *testing.T) {
	const f55 = "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032"
	for _, tc := range []struct {
		name    string
		in      string
		want    []string // frames, hex from 0x2A
		version int
		errs    int
	}{
		{"seed table row", "1 00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04", []string{f55}, 4, 0},
		{"pipes and XX", "| 00FF2A | 55 | 0023 | 30 | FFFFFFFFFFFF | FE5021D00500 | 7C | 0003FB20 | A403 | 5021D005 | 0100 | 072001 | 1E56 | 7E00 | 9032 | XX |", []string{f55}, 4, 0},
		{"no prefix", "55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032", []string{f55}, 0, 0},
		{"version 5 spaced bytes", "80 FF 2A D2 04 53 BE 06 FC", []string{"2AD20453BE06FC"}, 5, 0},
		{"lower case, commas", "00ff2a,55,0023,30,ffffffffffff,fe5021d00500,7c,0003fb20,a403,5021d005,0100,072001,1e56,7e00,9032", []string{f55}, 4, 0},
		{"wrapped frame", "00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20\nA403 5021D005 0100 072001 1E56 7E00 9032 04", []string{f55}, 4, 0},
		{"prose and headers skipped", "Pkt 0 1 2 3\nType SubType Length\n| 1 | 0x55 | 0x30 | 0x0023 | Report up-time |\nD5 appears to be a packet", nil, 0, 0},
		{"truncated prefixed frame", "00FF2A 55 0023 30 FFFF\nnot hex here", nil, 0, 1},
		{"bad hex after prefix", "00FF2A 55 00ZZ", nil, 0, 1},
		{"length too small", "00FF2A D5 0001 30", nil, 0, 1},
		// A line that starts as only a frame starts, with or without a
		// label, is reported when the rest is not hex bytes.
		{"typo letter O", "2A 55 00 23 30 FF FF FF FF FF FF FE 50 21 D0 05 00 7C 00 03 FB 20 A4 03 50 21 D0 05 01 00 07 20 01 1E 56 7E 00 9O 32", nil, 0, 1},
		{"odd digit count", "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E00903", nil, 0, 1},
		{"placeholder stuck to hex", "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032XX", nil, 0, 1},
		{"label, typo", "12: 2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A4O3 5021D005 0100 072001 1E56 7E00 9032", nil, 0, 1},
		{"from its CI, typo", "7 | 30FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D0050100072001IE567E009032", nil, 0, 1},
		{"two-word label, typo", "Frame 3: 2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A4O3 5021D005 0100 072001 1E56 7E00 9032", nil, 0, 1},
		{"two-word label, from its CI, typo", "Packet 12: 30FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D0050100072001IE567E009032", nil, 0, 1},
		{"three-word label, odd digit count", "Rx frame 3: 2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E00903", nil, 0, 1},
		{"two-word label", "Frame 3: 2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032", []string{f55}, 0, 0},
		// Prose before a colon, or a label without one, is not a label: a
		// frame that follows is read when well formed, never reported.
		{"prose before a colon", "the frame we saw was: 2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A4O3 5021D005 0100 072001 1E56 7E00 9032", nil, 0, 0},
		{"label without a colon", "Frame 3 2A 55 00 23 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A4O3 5021D005 0100 072001 1E56 7E00 9032", nil, 0, 0},
		{"prose that starts with 2a", "2a55 added to the list\n2A55 is the type\n2ad5 was seen 3 times\n30 ffff meters\nthe frame 2A 55 00 23 30 FF is typo'd 9O", nil, 0, 0},
		{"spaced, well formed", "2A 55 00 23 30 FF FF FF FF FF FF FE 50 21 D0 05 00 7C 00 03 FB 20 A4 03 50 21 D0 05 01 00 07 20 01 1E 56 7E 00 90 32", []string{f55}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := gridstream.NewHexScanner(strings.NewReader(tc.in))
			var got []string
			errs := 0
			for sc.Scan() {
				if sc.Err() != nil {
					errs++
					continue
				}
				f := sc.Frame()
				got = append(got, strings.ToUpper(hex.EncodeToString(f.Bytes)))
				if f.Version != tc.version {
					t.Errorf("version %d, want %d", f.Version, tc.version)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") || errs != tc.errs {
				t.Fatalf("got %v (%d errors), want %v (%d errors)", got, errs, tc.want, tc.errs)
			}
		})
	}
}

func FuzzHexScanner(f *testing.F) {
	f.Add("1 00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04")
	f.Add("80 FF 2A D2 04 53 BE 06 FC\n00FF2A D5 0047 51 F05A4BCC\n0001")
	f.Add("| 00FF2A | 77 | 00 | XX |")
	f.Add("05FF2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB")
	f.Add("30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04")
	f.Add("2A 55 00 23 30 FF FF FF FF FF FF FE 50 21 D0 05 00 7C 00 03 FB 20 A4 03 50 21 D0 05 01 00 07 20 01 1E 56 7E 00 9O 32\n2a55 added")
	f.Fuzz(func(t *testing.T, in string) {
		sc := gridstream.NewHexScanner(strings.NewReader(in))
		dec, _ := gridstream.NewDecoder(gridstream.Config{EmitFailed: true})
		for sc.Scan() {
			if sc.Err() == nil {
				fr := sc.Frame()
				if fr.FromCI {
					raw, ok := dec.FrameFromCI(fr.Bytes)
					if ok && (raw.Bytes[0] != 0x2A || !bytes.Contains(raw.Bytes, fr.Bytes[:len(fr.Bytes)-1])) {
						t.Fatalf("a frame read from its CI byte %X is %X", fr.Bytes, raw.Bytes)
					}
					continue
				}
				if !bytes.HasPrefix(fr.Bytes, []byte{0x2A}) {
					t.Fatalf("frame does not start with 0x2A: %X", fr.Bytes)
				}
				decodeAll(t, dec, []gridstream.HexFrame{fr})
			}
		}
	})
}

const seedLine = "00FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04"

// failingReader returns its data, then err for ever.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// scanAll scans at most limit times (a scanner that never stops fails the
// test instead of hanging it) and returns the frames' lines and the line
// errors.
func scanAll(t *testing.T, sc *gridstream.HexScanner, limit int) (lines []int, errs []error) {
	t.Helper()
	for range limit {
		if !sc.Scan() {
			return lines, errs
		}
		if err := sc.Err(); err != nil {
			errs = append(errs, err)
			continue
		}
		lines = append(lines, sc.Frame().Line)
	}
	t.Fatalf("Scan still returns true after %d calls (frames on lines %v, %d errors, last %v)", limit, lines, len(errs), errs[len(errs)-1])
	return nil, nil
}

// A read error (a directory, a closed descriptor) ends the scan once, after
// the frames before it.
func TestHexScannerReadError(t *testing.T) {
	boom := errors.New("read failed")
	sc := gridstream.NewHexScanner(&failingReader{data: []byte(seedLine + "\n" + seedLine + "\n"), err: boom})
	lines, errs := scanAll(t, sc, 100)
	if len(lines) != 2 || len(errs) != 0 || !errors.Is(sc.Err(), boom) {
		t.Fatalf("frames on lines %v, line errors %v, end %v; want 2 frames and %v", lines, errs, sc.Err(), boom)
	}
	if sc.Scan() || !errors.Is(sc.Err(), boom) {
		t.Fatal("Scan goes on after the read error")
	}
}

// A line over MaxHexLine (binary data without newlines) is skipped to its
// newline and reported once; the frames after it are read.
func TestHexScannerLongLine(t *testing.T) {
	bin := make([]byte, gridstream.MaxHexLine+gridstream.MaxHexLine/2)
	for i := range bin {
		bin[i] = byte(i*7 + 1)
		if bin[i] == '\n' {
			bin[i] = 0
		}
	}
	in := seedLine + "\n" + string(bin) + "\n" + seedLine + "\n" + strings.Repeat("A", gridstream.MaxHexLine+1) + "\n" + seedLine
	lines, errs := scanAll(t, gridstream.NewHexScanner(strings.NewReader(in)), 100)
	if fmt.Sprint(lines) != "[1 3 5]" || len(errs) != 2 || !errors.Is(errs[0], gridstream.ErrLineTooLong) || sc0(errs) != "line 2" {
		t.Fatalf("frames on lines %v, errors %v; want lines [1 3 5] and two long lines", lines, errs)
	}
	// A line of exactly MaxHexLine bytes is read.
	exact := strings.Repeat("Z", gridstream.MaxHexLine-len(seedLine)-1) + " " + seedLine
	if lines, errs := scanAll(t, gridstream.NewHexScanner(strings.NewReader(exact+"\r\n")), 10); len(lines) != 1 || len(errs) != 0 {
		t.Fatalf("a %d-byte line: frames %v, errors %v", len(exact), lines, errs)
	}
}

func sc0(errs []error) string {
	s, _, _ := strings.Cut(errs[0].Error(), ":")
	return s
}

// Scanning is linear in the line: a long line of prose ending in a frame
// allocates a small multiple of its length (the old scanner joined the rest
// of the line once per token: quadratic, 30 s for a 180 KB line).
func TestHexScannerLinear(t *testing.T) {
	line := strings.Repeat("zz ", 10000) + seedLine
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	lines, errs := scanAll(t, gridstream.NewHexScanner(strings.NewReader(line)), 10)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d-byte line: %d bytes allocated", len(line), alloc)
	if len(lines) != 1 || len(errs) != 0 {
		t.Fatalf("frames %v, errors %v", lines, errs)
	}
	if alloc > uint64(20*len(line))+256<<10 {
		t.Errorf("a %d-byte line allocated %d bytes: not linear", len(line), alloc)
	}
}

// Hex lines as receivers print them: the two bytes before 2A damaged
// (01FF2A, 05FF2A), or the frame printed from its CI byte without the 2A,
// type, reserved and length bytes. A frame read from its CI byte is the
// type and length that fit it and a known network's CRC confirms; nothing
// else comes out of it as CRC-good.
func TestDamagedAndCILines(t *testing.T) {
	const (
		f55 = "2A55002330FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032"
		fD5 = "2AD5001D29900000D5900000FD5DC008007450050C012B834F815E16EA240051AB"
	)
	for _, tc := range []struct {
		name, line string
		want       string // the frame decoded CRC-good, or "" for none
		skipped    int
	}{
		{"01FF2A", "01FF2A 55 0023 30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04", f55, 0},
		{"05FF2A spaced", "05 FF 2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB", fD5, 0},
		{"damaged FF too", "0000 2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB", fD5, 0},
		{"0x55 from its CI, trailing byte", "30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9032 04", f55, 0},
		{"0x55 from its CI, row number", "7 | 30FFFFFFFFFFFFFE5021D005007C0003FB20A4035021D00501000720011E567E009032", f55, 0},
		{"0xD5 from its CI", "29 900000D5 900000FD 5DC008007450050C012B834F815E16EA2400 51AB", fD5, 0},
		{"from its CI, CRC wrong", "30 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403 5021D005 0100 072001 1E56 7E00 9033 04", "", 1},
		{"from its CI, unknown network", "29 11223344 66778899 0102030405 ABCD", "", 1},
		{"from an unknown CI byte: not a frame", "77 FFFFFFFFFFFF FE5021D00500 7C 0003FB20 A403", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true, EmitFailed: true})
			if err != nil {
				t.Fatal(err)
			}
			var good []string
			failed, skipped := 0, 0
			out := protocol.Output{Emit: func(m *frames.Message) {
				if !m.CRCOK {
					failed++
					return
				}
				good = append(good, m.Raw)
				if g := m.Fields.(*gridstream.Fields); g.Version != 0 || g.CRCInit == nil {
					t.Errorf("version %d (want 0: the prefix is damaged or missing), init %v", g.Version, g.CRCInit)
				}
			}}
			if err := dec.DecodeText(strings.NewReader(tc.line), "x", out, func(error) { skipped++ }); err != nil {
				t.Fatal(err)
			}
			if strings.Join(good, ",") != tc.want || skipped != tc.skipped || failed != 0 {
				t.Errorf("good %v, %d failed, %d skipped; want %q, %d skipped", good, failed, skipped, tc.want, tc.skipped)
			}
		})
	}
}

// A frame read from its CI byte gets only a type and length its rule
// allows: every candidate fromCI makes is one the decoder believes, for
// every CI byte and line length.
func TestFromCIFollowsTheRules(t *testing.T) {
	dec, _ := gridstream.NewDecoder(gridstream.Config{NoLearn: true})
	for ci := range 256 {
		for n := 3; n <= 60; n++ {
			line := make([]byte, n)
			line[0] = byte(ci)
			for i := 1; i < n; i++ {
				line[i] = byte(i * 37)
			}
			// Make the last two bytes the CRC of Oncor's network over the
			// line without its last byte, or over all of it.
			for _, k := range []int{n, n - 1} {
				if k < 3 {
					continue
				}
				c := gridstream.CRC16(0x5FD6, line[:k-2])
				l := append([]byte(nil), line...)
				l[k-2], l[k-1] = byte(c>>8), byte(c)
				raw, ok := dec.FrameFromCI(l)
				if !ok {
					continue
				}
				var m *frames.Message
				dec.Frame(raw, protocol.Output{Emit: func(x *frames.Message) { m = x }})
				if m == nil || !m.CRCOK {
					t.Fatalf("CI %02X, %d bytes: %X read as %X, which the decoder does not believe", ci, n, l, raw.Bytes)
				}
			}
		}
	}
}
