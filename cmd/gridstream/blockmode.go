package main

import (
	"context"
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/sink"
)

// Flags for running decode as a flowgraph's child process (the GNU Radio
// GridStream Decoder block does): nothing published before anyone listens,
// every item of the flowgraph's stream decoded before the end.
const catBlock = "Run as a flowgraph's child process"

func blockModeFlags() []cli.Flag {
	return []cli.Flag{
		cliflags.Ranged(&cli.DurationFlag{Name: "wait-subscribers", Category: catBlock,
			Usage: "before reading the inputs, wait up to this long for a subscriber on every --out/--out-pmt (a PUSH Sink holds its items meanwhile, so no message goes out to nobody)"},
			cliflags.Range{Min: 0.01, Max: 3600, Zero: true}),
		&cli.BoolFlag{Name: "stdin-eos", Category: catBlock,
			Usage: "stdin signals the end: a line of item counts (one per input, in --in then --in-pull order) means the flowgraph's streams ended there, so decode up to them and exit; stdin closing without a line exits at once"},
	}
}

// waitSubscribers waits, as --wait-subscribers asks, for a subscriber on
// every ZMQ output.
func waitSubscribers(ctx context.Context, c *cli.Context, out *sink.Fanout) {
	d := c.Duration("wait-subscribers")
	if d <= 0 {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for _, name := range out.WaitSubscribers(wctx, 1) {
		if ctx.Err() == nil {
			slog.Warn("no subscriber yet; decoding anyway", "output", name, "waited", d)
		}
	}
}
