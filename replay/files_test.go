package replay

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocols"
	"github.com/gridstream-sdr/gridstream/samples"
)

// Files decodes every recording in order, counts the ones it cannot read
// and goes on, sums the counters, and reads each through Reading.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	copyOf := filepath.Join(dir, "copy.u8")
	if err := os.WriteFile(copyOf, samples.Bits, 0o644); err != nil {
		t.Fatal(err)
	}
	decs, err := protocol.NewDecoders(protocols.All(), protocol.DecoderConfig{}) // library defaults, nothing on disk
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	perInput := map[string]int{}
	var read []string
	ended := 0
	fs := Files{Options: Options{Format: Auto, Logger: slog.New(slog.NewTextHandler(&logs, nil))},
		Config: pipeline.Config{Decoders: decs},
		Emit:   func(m *frames.Message) { perInput[m.Input]++ },
		Reading: func(in Input) (io.Reader, func()) {
			read = append(read, in.Name)
			return in.R, func() { ended++ }
		}}
	total, failures := fs.Decode(context.Background(), []string{"", filepath.Join(dir, "missing.u8"), copyOf})
	if failures != 1 || !strings.Contains(logs.String(), "cannot read input") {
		t.Errorf("%d failures; logs:\n%s", failures, logs.String())
	}
	if len(read) != 2 || read[0] != samples.BitsName || read[1] != copyOf || ended != 2 {
		t.Errorf("read %v, ended %d", read, ended)
	}
	if total.Bits != 2*int64(len(samples.Bits)) || perInput[samples.BitsName] == 0 || perInput[samples.BitsName] != perInput[copyOf] {
		t.Errorf("%d bits, messages by input %v", total.Bits, perInput)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if total, failures := fs.Decode(ctx, []string{copyOf}); total.Bits != 0 || failures != 0 {
		t.Errorf("an ended context: %d bits, %d failures", total.Bits, failures)
	}
}
