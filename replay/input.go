package replay

import (
	"bytes"
	"io"
	"os"

	"github.com/gridstream-sdr/gridstream/internal/stdin"
	"github.com/gridstream-sdr/gridstream/samples"
)

// Input is one recording to replay.
type Input struct {
	// Name names it in messages and logs: the file name, "stdin", or
	// samples.BitsName for the built-in sample.
	Name string
	// R reads it.
	R io.Reader
	// Size is its length in bytes, -1 when unknown (stdin, a FIFO).
	Size int64
	// Close releases it (nil: nothing to release).
	Close func() error
}

// Open opens a recording by name: "" is the sample built into the binary
// (samples.Bits), "-" standard input (stdin.ErrClosed when it is closed),
// anything else a file.
func Open(name string) (Input, error) {
	switch name {
	case "":
		return Input{Name: samples.BitsName, R: bytes.NewReader(samples.Bits), Size: int64(len(samples.Bits))}, nil
	case "-":
		if err := stdin.Usable(); err != nil {
			return Input{}, err
		}
		return Input{Name: "stdin", R: os.Stdin, Size: -1}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return Input{}, err
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return Input{Name: name, R: f, Size: size, Close: f.Close}, nil
}
