// Package seeds gives tests the real packets of the seed captures (the two
// public wiki pages with GridStream packets, kept in testdata/seeds) and the
// published Puget Sound and NGE101 vectors.
package seeds

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// PugetSound are the published Puget Sound Energy frames (init 142A,
// version 5 sync); the last is a 0xD2 frame that no CRC covers.
const PugetSound = `80 FF 2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB
80 FF 2A D5 00 14 22 90 00 00 57 90 00 00 C7 51 0F 07 00 03 16 A4 1B 10 9E 1F
80 FF 2A D2 04 53 BE 06 FC`

// NGE101Packets are the five complete 55-bit packets of seed 002.
var NGE101Packets = []string{
	"11111010000011001001 00100111111100000000 111000010110010",
	"11111010000011001001 01100111111100000000 111001010010000",
	"11111010000011001001 00110111111100000000 111000000111010",
	"11111010000011001001 00000000000010000000 000111000010001",
	"11111010000011001001 10010000000010000000 000101011011101",
}

// Dir returns the checkout's directory of seed captures (testdata/seeds),
// failing the test when it is missing.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "seeds")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("seed captures not found: %v", err)
	}
	return dir
}

// GridStreamFrames returns every GridStream frame of seeds 000 and 001 and
// the Puget Sound vectors, in order, as the hex scanner reads them.
func GridStreamFrames(t testing.TB) []gridstream.HexFrame {
	t.Helper()
	dir := Dir(t)
	var out []gridstream.HexFrame
	names, _ := filepath.Glob(filepath.Join(dir, "00[01]_*.txt"))
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, scan(t, f.Name(), f)...)
		f.Close()
	}
	return append(out, scan(t, "PugetSound", strings.NewReader(PugetSound))...)
}

func scan(t testing.TB, name string, r interface{ Read([]byte) (int, error) }) []gridstream.HexFrame {
	var out []gridstream.HexFrame
	sc := gridstream.NewHexScanner(r)
	for sc.Scan() {
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, sc.Frame())
	}
	return out
}

// Bits turns a packet written as '0'/'1' text (spaces allowed) into
// unpacked bits.
func Bits(s string) []byte {
	var out []byte
	for _, c := range s {
		if c == '0' || c == '1' {
			out = append(out, byte(c-'0'))
		}
	}
	return out
}
