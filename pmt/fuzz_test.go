package pmt

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

var hexDecode = hex.DecodeString

func splitLines(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") }

// FuzzUnmarshal feeds arbitrary bytes to the deserializer: it must never
// panic, whatever it accepts must serialize and deserialize again, and
// Scan and DecodeWithin must measure exactly what Decode reads.
// Seeds: every GNU Radio golden case plus testdata/fuzz/FuzzUnmarshal.
func FuzzUnmarshal(f *testing.F) {
	if text, err := os.ReadFile("testdata/golden.txt"); err == nil {
		for _, b := range parseGoldenF(text) {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		_, n, decErr := Decode(p)
		ext, scanErr := Scan(p)
		if (decErr == nil) != (scanErr == nil) || decErr == nil && (ext.Len != n || ext.Items < 1 || ext.Type == "") {
			t.Fatalf("Scan %+v %v disagrees with Decode (%d bytes) %v", ext, scanErr, n, decErr)
		}
		if _, wn, witems, fits, err := DecodeWithin(p, 64, 8); (err == nil) != (decErr == nil) ||
			err == nil && (wn != n || witems != ext.Items || fits != (n <= 64 && ext.Items <= 8)) {
			t.Fatalf("DecodeWithin %d %d %v %v disagrees with Scan %+v", wn, witems, fits, err, ext)
		}
		v, err := Unmarshal(p)
		if err != nil {
			return
		}
		b, err := Marshal(v)
		if err != nil {
			t.Fatalf("accepted %x but cannot serialize %#v: %v", p, v, err)
		}
		if _, err := Unmarshal(b); err != nil {
			t.Fatalf("re-serialized %x does not parse: %v", b, err)
		}
		_ = ToGo(v)
		_, _, _ = ParsePDU(v)
	})
}

func parseGoldenF(text []byte) [][]byte {
	var out [][]byte
	for _, line := range splitLines(string(text)) {
		for i := 0; i < len(line); i++ {
			if line[i] == ' ' {
				if b, err := hexDecode(line[i+1:]); err == nil {
					out = append(out, b)
				}
				break
			}
		}
	}
	return out
}
