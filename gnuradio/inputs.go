package gnuradio

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/pipeline"
	"github.com/gridstream-sdr/gridstream/protocol"
)

// Inputs are the inputs of one run, run and counted together.
type Inputs []*Input

// Names returns the inputs' names, in order.
func (ins Inputs) Names() []string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.Name()
	}
	return names
}

// Counts returns the items each input received, in order.
func (ins Inputs) Counts() []int64 {
	n := make([]int64, len(ins))
	for i, in := range ins {
		n[i] = in.Stats().Items
	}
	return n
}

// Items returns the items every input received.
func (ins Inputs) Items() int64 {
	var n int64
	for _, in := range ins {
		n += in.Stats().Items
	}
	return n
}

// Lost returns the items lost in the gaps of every input.
func (ins Inputs) Lost() int64 {
	var n int64
	for _, in := range ins {
		n += in.Stats().LostItems
	}
	return n
}

// Run runs every input on its own goroutine until ctx ends, and returns
// once all have finished the frames they were collecting.
func (ins Inputs) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Go(func() { _ = in.Run(ctx) })
	}
	wg.Wait()
}

// RunLogged is Run, logging the inputs' statistics every iv meanwhile
// (LogStats; 0: never); it returns once the inputs and the logging ended.
func (ins Inputs) RunLogged(ctx context.Context, log *slog.Logger, iv time.Duration, more func()) {
	var wg sync.WaitGroup
	if iv > 0 {
		wg.Go(func() { ins.LogStats(ctx, log, iv, more) })
	}
	ins.Run(ctx)
	wg.Wait()
}

// LogStats logs every input's statistics (Input.LogStats) every iv until
// ctx ends, each time followed by what more logs (nil: nothing).
func (ins Inputs) LogStats(ctx context.Context, log *slog.Logger, iv time.Duration, more func()) {
	t := time.NewTicker(iv)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, in := range ins {
				in.LogStats(log, now.Sub(last))
			}
			last = now
			if more != nil {
				more()
			}
		}
	}
}

// NewInputs makes an Input of each spec, named by it, decoding with the
// decoders among decs that its items carry (Spec.Carried; chosen says
// the user chose decs by name) and handing every message to emit. The
// error names the input.
func NewInputs(specs []Spec, decs []protocol.Decoder, chosen bool, emit func(*frames.Message)) (Inputs, error) {
	var ins Inputs
	for _, sp := range specs {
		carried, err := sp.Carried(decs, chosen)
		if err != nil {
			return nil, fmt.Errorf("--in %s: %v; --protocol names none", sp.Name, err)
		}
		in, err := NewInput(sp, pipeline.Config{Decoders: carried, Input: sp.Name}, emit)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	return ins, nil
}
