package samples_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gridstream-sdr/gridstream/internal/seeds"
	"github.com/gridstream-sdr/gridstream/internal/testbin"
	"github.com/gridstream-sdr/gridstream/samples"
)

// The built-in bit recording is what scripts/gensample makes from the seeds.
func TestBitsAreReproducible(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sample.u8")
	cmd := exec.Command("go", "run", "./scripts/gensample", "-seeds", seeds.Dir(t), "-o", out)
	cmd.Dir = testbin.Root()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gensample: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, samples.Bits) {
		t.Fatal("samples/sample.u8 differs from what scripts/gensample writes: rerun it and commit the file")
	}
}
