package frames_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := frames.NewHexScanner(strings.NewReader(tc.in))
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
	f.Fuzz(func(t *testing.T, in string) {
		sc := frames.NewHexScanner(strings.NewReader(in))
		dec, _ := frames.NewDecoder(frames.DecoderOptions{EmitFailed: true})
		for sc.Scan() {
			if sc.Err() == nil {
				fr := sc.Frame()
				if !bytes.HasPrefix(fr.Bytes, []byte{0x2A}) {
					t.Fatalf("frame does not start with 0x2A: %X", fr.Bytes)
				}
				decodeAll(t, dec, []frames.HexFrame{fr})
			}
		}
	})
}
