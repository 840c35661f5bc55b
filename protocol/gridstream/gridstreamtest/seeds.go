// Package gridstreamtest gives tests GridStream's real frames: those of the
// seed captures (the two public wiki pages kept in testdata/seeds) and the
// published Puget Sound Energy vectors.
package gridstreamtest

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
)

// PugetSound are the published Puget Sound Energy frames (init 142A,
// version 5 sync); the last is a 0xD2 frame that no CRC covers.
const PugetSound = `80 FF 2A D5 00 1D 29 90 00 00 D5 90 00 00 FD 5D C0 08 00 74 50 05 0C 01 2B 83 4F 81 5E 16 EA 24 00 51 AB
80 FF 2A D5 00 14 22 90 00 00 57 90 00 00 C7 51 0F 07 00 03 16 A4 1B 10 9E 1F
80 FF 2A D2 04 53 BE 06 FC`

// SeedFrames returns every GridStream frame of seeds 000 and 001 and the
// Puget Sound vectors, in order, as the hex scanner reads them.
func SeedFrames(t testing.TB) []gridstream.HexFrame {
	t.Helper()
	dir := seeds.Dir(t)
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

func scan(t testing.TB, name string, r io.Reader) []gridstream.HexFrame {
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
