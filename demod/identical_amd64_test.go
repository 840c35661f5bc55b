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
// without AVX-512 run give the golden file's messages too (one worker).
func TestIdenticalOutputAVX2(t *testing.T) {
	if !hasAVX512 || !hasAVX2 {
		t.Skip("the default TestIdenticalOutput already runs the AVX2 kernels here")
	}
	useAVX512 = false
	defer func() { useAVX512 = hasAVX512 }()
	var all bytes.Buffer
	for _, c := range identicalCases() {
		fmt.Fprintf(&all, "# %s\n", c.name)
		all.Write(c.decodeAll(t, 1))
	}
	want, err := os.ReadFile(filepath.Join("..", "testdata", "demod-identical.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(all.Bytes(), want) {
		t.Errorf("AVX2 kernels: output differs from the golden file: %s", firstDifference(all.String(), string(want)))
	}
}
