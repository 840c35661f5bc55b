package replay

import (
	"context"
	"io"
	"log/slog"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
)

// Files decodes several recordings, one after the other, through the
// same decoders.
type Files struct {
	// Options say how to read each one.
	Options Options
	// Config is each one's pipeline configuration (its Input is set to
	// the recording's name).
	Config pipeline.Config
	// Emit receives every message.
	Emit func(*frames.Message)
	// Reading, when set, is called as each recording starts and returns
	// the reader to decode it through (one that counts, for a progress
	// bar) and a function called once it ends.
	Reading func(in Input) (io.Reader, func())
}

// Decode decodes the recordings named (Open: "" is the sample built into
// the binary, "-" standard input) in order, until ctx ends. One that
// cannot be opened, or whose reading fails, is logged (its frames before
// the failure are decoded) and counted in failures; the rest are still
// decoded. It returns the pipelines' counters summed.
func (fs Files) Decode(ctx context.Context, names []string) (total pipeline.Stats, failures int) {
	log := fs.Options.Logger
	if log == nil {
		log = slog.Default()
	}
	for _, name := range names {
		if ctx.Err() != nil {
			break
		}
		in, err := Open(name)
		if err != nil {
			log.Error("cannot read input", "err", err)
			failures++
			continue
		}
		r, done := UntilDone(ctx, in.R), func() {}
		if fs.Reading != nil {
			r, done = fs.Reading(Input{Name: in.Name, R: r, Size: in.Size})
		}
		cfg := fs.Config
		cfg.Input = in.Name
		st, err := Decode(r, in.Name, cfg, fs.Emit, fs.Options)
		done()
		if in.Close != nil {
			in.Close()
		}
		total.Bits += st.Bits
		total.Unreliable += st.Unreliable
		if err != nil {
			log.Error("input stopped early; frames before the problem were decoded", "input", in.Name, "err", err)
			failures++
		}
	}
	return total, failures
}

// UntilDone returns a reader of r that reports the end of the input once
// ctx ends (every output's reader went away, or an interrupt).
func UntilDone(ctx context.Context, r io.Reader) io.Reader { return untilDone{ctx, r} }

// untilDone reads r until ctx ends, then reports the end of the input.
type untilDone struct {
	ctx context.Context
	r   io.Reader
}

func (u untilDone) Read(p []byte) (int, error) {
	if u.ctx.Err() != nil {
		return 0, io.EOF
	}
	return u.r.Read(p)
}
