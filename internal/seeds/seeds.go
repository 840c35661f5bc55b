// Package seeds gives tests the seed captures kept in testdata/seeds (the
// protocols' real packets: see each protocol's <name>test package) and
// reads packets written as bit text.
package seeds

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

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
