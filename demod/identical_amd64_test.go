//go:build !purego

package demod

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestIdenticalOutputAVX2: on a CPU with AVX-512 the default test runs
// those kernels; this one turns them off, so the AVX2 kernels that CPUs
// without AVX-512 run give the golden file's messages too; and then AVX2
// as well, the Go loops an amd64 CPU without AVX2 runs (each kernel's
// dispatch must fall back whole, not skip what it would have done). One
// worker.
func TestIdenticalOutputAVX2(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "testdata", "demod-identical.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { useAVX2, useAVX512 = hasAVX2, hasAVX512 }()
	for _, k := range []struct {
		name      string
		avx2, run bool
	}{{"AVX2 without AVX-512", true, hasAVX512 && hasAVX2}, {"no AVX2", false, hasAVX2}} {
		if !k.run {
			continue
		}
		useAVX2, useAVX512 = k.avx2, false
		var all bytes.Buffer
		for _, c := range identicalCases() {
			fmt.Fprintf(&all, "# %s\n", c.name)
			all.Write(c.decodeAll(t, 1))
		}
		if !bytes.Equal(all.Bytes(), want) {
			t.Errorf("%s: output differs from the golden file: %s", k.name, firstDifference(all.String(), string(want)))
		}
	}
}
