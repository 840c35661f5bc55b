//go:build unix

package replay

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gridstream-sdr/gridstream/samples"
)

// Open: no name is the built-in sample, a file has its size, a FIFO's is
// unknown, a missing file is an error.
func TestOpen(t *testing.T) {
	in, err := Open("")
	if err != nil || in.Name != samples.BitsName || in.Size != int64(len(samples.Bits)) || in.Close != nil {
		t.Errorf("built-in sample: %+v, %v", in, err)
	}
	if b, _ := io.ReadAll(in.R); len(b) != len(samples.Bits) {
		t.Errorf("built-in sample: read %d bytes", len(b))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "bits.u8")
	if err := os.WriteFile(path, make([]byte, 1234), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err = Open(path)
	if err != nil || in.Name != path || in.Size != 1234 || in.Close == nil {
		t.Fatalf("file: %+v, %v", in, err)
	}
	if err := in.Close(); err != nil {
		t.Error(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		go func() {
			if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
				w.Close()
			}
		}()
		in, err = Open(fifo)
		if err != nil || in.Size != -1 {
			t.Errorf("FIFO: %+v, %v", in, err)
		}
		if err == nil {
			in.Close()
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file opened")
	}
}
