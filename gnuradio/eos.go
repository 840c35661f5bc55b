package gnuradio

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// The end-of-stream protocol between the GNU Radio GridStream Decoder
// block and its child (decode --stdin-eos): when the flowgraph's streams
// end, the block writes one line on the child's stdin, the number of items
// each input's stream carried (in --in, then --in-pull order), and the
// child decodes up to them and exits. Stdin closing without a line means
// the flowgraph stopped: exit at once.

// EOSQuiet is how long UntilEOS waits for items that stopped coming short
// of the counts.
const EOSQuiet = 10 * time.Second

// maxCountLine bounds the line of counts read.
const maxCountLine = 4096

// UntilEOS returns a context that ends when ctx does; when r says the
// streams ended and items (the items each input delivered so far) reaches
// the counts read, or none came for quiet; or when r closes without counts
// or with a malformed line. It logs why to log.
func UntilEOS(ctx context.Context, r io.Reader, items func() []int64, quiet time.Duration, log *slog.Logger) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		line, err := bufio.NewReader(io.LimitReader(r, maxCountLine)).ReadString('\n')
		if strings.TrimSpace(line) == "" {
			log.Info("stdin closed: stopping", "err", err)
			return
		}
		want, err := ParseCounts(line, len(items()))
		if err != nil {
			log.Error("--stdin-eos: stopping", "err", err)
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
				log.Info("end of stream: every item decoded", "items", got)
				return
			}
			if time.Since(last) > quiet {
				log.Warn("end of stream: items missing and none came for a while; stopping", "want", want, "got", got, "waited", quiet)
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

// ParseCounts reads the line of n item counts (whole numbers from 0,
// separated by spaces) that ends the streams.
func ParseCounts(line string, n int) ([]int64, error) {
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
