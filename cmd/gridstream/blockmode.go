package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gridstream-sdr/gridstream/cliflags"

	"github.com/gridstream-sdr/gridstream/sink"
)

// Flags for running decode as a flowgraph's child process (the GNU Radio
// GridStream Decoder block does): nothing published before anyone listens,
// every item of the flowgraph's stream decoded before the end.
const catBlock = "Run as a flowgraph's child process"

// eosQuiet is how long --stdin-eos waits for items that stopped coming.
const eosQuiet = 10 * time.Second

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
	for _, o := range out.Outputs() {
		w, ok := o.Sink.(interface {
			WaitSubscribers(context.Context, int) error
		})
		if !ok {
			continue
		}
		if err := w.WaitSubscribers(wctx, 1); err != nil && ctx.Err() == nil {
			slog.Warn("no subscriber yet; decoding anyway", "output", o.Name, "waited", d)
		}
	}
}

// stdinEOS returns a context that ends when stdin says the streams ended
// (--stdin-eos) and items reports the items each input has delivered
// reach the counts read, or when stdin closes without counts.
func stdinEOS(ctx context.Context, stdin io.Reader, items func() []int64) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if strings.TrimSpace(line) == "" {
			slog.Info("stdin closed: stopping", "err", err)
			return
		}
		want, err := parseCounts(line, len(items()))
		if err != nil {
			slog.Error("--stdin-eos: stopping", "err", err)
			return
		}
		got, last := items(), time.Now()
		for {
			now := items()
			done := true
			for i, n := range now {
				done = done && n >= want[i]
				if n != got[i] {
					last = time.Now()
				}
			}
			got = now
			if done {
				slog.Info("end of stream: every item decoded", "items", got)
				return
			}
			if time.Since(last) > eosQuiet {
				slog.Warn("end of stream: items missing and none came for a while; stopping", "want", want, "got", got, "waited", eosQuiet)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return ctx
}

// parseCounts reads n item counts separated by spaces.
func parseCounts(line string, n int) ([]int64, error) {
	f := strings.Fields(line)
	if len(f) != n {
		return nil, fmt.Errorf("stdin %q: want %d item counts (one per input), got %d", strings.TrimSpace(line), n, len(f))
	}
	out := make([]int64, n)
	for i, s := range f {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("stdin %q: %q is not an item count", strings.TrimSpace(line), s)
		}
		out[i] = v
	}
	return out, nil
}
