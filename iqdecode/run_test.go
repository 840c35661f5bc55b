package iqdecode

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridstream-sdr/gridstream/demod"
	"github.com/gridstream-sdr/gridstream/frames"
	"github.com/gridstream-sdr/gridstream/internal/rtltcptest"
	"github.com/gridstream-sdr/gridstream/iq"
	"github.com/gridstream-sdr/gridstream/protocol"
	"github.com/gridstream-sdr/gridstream/protocol/gridstream"
	"github.com/gridstream-sdr/gridstream/samples"
	"github.com/gridstream-sdr/gridstream/synth"
)

// recording is the built-in GridStream recording (800 kS/s cu8 at 915 MHz)
// with the raw frames it carries.
func recording(t *testing.T) (samples.Recording, iq.Meta, map[string]bool) {
	t.Helper()
	rec := samples.Demo()[0]
	meta, err := iq.ParseSigMF(rec.Meta)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := synth.ReadTruth(bytes.NewReader(rec.Truth))
	if err != nil {
		t.Fatal(err)
	}
	raws := map[string]bool{}
	for _, l := range truth {
		raws[l.Raw] = true
	}
	return rec, *meta, raws
}

// rig runs sources of the recording and collects what comes out.
type rig struct {
	t     *testing.T
	meta  iq.Meta
	raws  map[string]bool
	msgs  []*frames.Message
	logs  bytes.Buffer
	calls []int64
	// workers is Receiver.Workers: with more than one, a recording is
	// read ahead on a goroutine of its own.
	workers int
}

func newRig(t *testing.T) (*rig, samples.Recording) {
	rec, meta, raws := recording(t)
	return &rig{t: t, meta: meta, raws: raws}, rec
}

// config is a run's configuration; it starts a new collection.
func (r *rig) config() Config {
	r.msgs, r.calls = nil, nil
	dec, err := gridstream.NewDecoder(gridstream.Config{NoLearn: true, CRCInits: []uint16{0x142A, 0xE623}})
	if err != nil {
		r.t.Fatal(err)
	}
	return Config{
		Receiver: demod.Config{SampleRate: r.meta.SampleRate, CenterFreq: r.meta.CenterFreq, Input: "rec",
			Decoders: []protocol.Decoder{dec}, Workers: r.workers},
		Emit: func(m *frames.Message) { r.msgs = append(r.msgs, m) },
		Progress: func(n, msgs int64) {
			if msgs != int64(len(r.msgs)) {
				r.t.Errorf("progress says %d messages, %d were emitted", msgs, len(r.msgs))
			}
			r.calls = append(r.calls, n)
		},
		Logger: slog.New(slog.NewTextHandler(&r.logs, nil)),
	}
}

func (r *rig) source(data []byte) *iq.Source {
	s, err := iq.NewSource("rec", bytes.NewReader(data), iq.Info{Format: iq.CU8, SampleRate: r.meta.SampleRate,
		CenterFreq: r.meta.CenterFreq, Samples: int64(len(data) / 2)})
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// found counts the distinct frames of the truth among the messages.
func (r *rig) found() int {
	seen := map[string]bool{}
	for _, m := range r.msgs {
		if r.raws[m.Raw] && m.CRCOK {
			seen[m.Raw] = true
		}
	}
	return len(seen)
}

// TestRunRecording, TestRunDuration and TestRunEnds run with one worker
// and with two (the recording then read ahead); the messages are the same.
func TestRunRecording(t *testing.T) {
	var want []byte
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			msgs := testRunRecording(t, workers)
			for _, m := range msgs {
				m.Time = "" // the clock's, when no start is known
			}
			got, err := json.Marshal(msgs)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				want = got
			} else if !bytes.Equal(got, want) {
				t.Errorf("messages differ from one worker's:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func testRunRecording(t *testing.T, workers int) []*frames.Message {
	r, rec := newRig(t)
	r.workers = workers
	cfg := r.config()
	cfg.StatsEvery = time.Nanosecond
	res, err := Run(context.Background(), r.source(rec.Data), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(rec.Data) / 2)
	if res.Stop != EndOfInput || res.Samples != n || res.Messages != int64(len(r.msgs)) || res.Redials != 0 ||
		res.Input != "rec" || res.Receiver.Samples != n || res.Receiver.Bursts == 0 || res.Receiver.Messages != res.Messages {
		t.Errorf("result %+v", res)
	}
	if got := r.found(); got != len(r.raws) {
		t.Errorf("%d of %d frames decoded", got, len(r.raws))
	}
	if len(r.calls) == 0 || r.calls[len(r.calls)-1] != n || r.calls[0] != chunk {
		t.Errorf("progress calls %v", r.calls)
	}
	for _, want := range []string{`msg=demodulating input=rec kind=stream format=cu8 rate=800000 center_freq=9.15e+08`, "msg=stats", "msps="} {
		if !strings.Contains(r.logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, r.logs.String())
		}
	}
	return r.msgs
}

func TestRunDuration(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) { testRunDuration(t, workers) })
	}
}

func testRunDuration(t *testing.T, workers int) {
	r, rec := newRig(t)
	r.workers = workers
	cfg := r.config()
	cfg.Duration = 0.1
	res, err := Run(context.Background(), r.source(rec.Data), cfg)
	if err != nil || res.Stop != DurationReached || res.Samples != 80000 {
		t.Errorf("result %+v, %v", res, err)
	}
	// A duration shorter than one sample reads nothing.
	cfg = r.config()
	cfg.Duration = 1e-9
	if res, err := Run(context.Background(), r.source(rec.Data), cfg); err != nil || res.Stop != DurationReached || res.Samples != 0 {
		t.Errorf("result %+v, %v", res, err)
	}
}

func TestRunEnds(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) { testRunEnds(t, workers) })
	}
}

func testRunEnds(t *testing.T, workers int) {
	r, rec := newRig(t)
	r.workers = workers
	// A recording cut inside a sample: decoded, then a warning.
	res, err := Run(context.Background(), r.source(rec.Data[:100001]), r.config())
	if err != nil || res.Stop != Truncated || res.Samples != 50000 || !strings.Contains(r.logs.String(), "partial sample") {
		t.Errorf("truncated: %+v, %v\n%s", res, err, r.logs.String())
	}
	// A failing read is the run's error.
	broken := io.MultiReader(bytes.NewReader(rec.Data[:4000]), iotest{errors.New("disk on fire")})
	s, _ := iq.NewSource("broken", broken, iq.Info{Format: iq.CU8, SampleRate: 800e3, Samples: -1})
	res, err = Run(context.Background(), s, r.config())
	if err == nil || err.Error() != "disk on fire" || res.Stop != InputError || res.Samples != 2000 {
		t.Errorf("failing input: %+v, %v", res, err)
	}
	// A context that has ended reads nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = Run(ctx, r.source(rec.Data), r.config())
	if err != nil || res.Stop != Interrupted || res.Samples != 0 {
		t.Errorf("cancelled: %+v, %v", res, err)
	}
	// A receiver that cannot be made: nothing runs, the error names the input.
	cfg := r.config()
	cfg.Receiver.SampleRate = 1
	res, err = Run(context.Background(), r.source(rec.Data), cfg)
	if err == nil || !strings.HasPrefix(err.Error(), "rec: sample rate 1 S/s") || res.Stop != NotRun {
		t.Errorf("bad receiver: %+v, %v", res, err)
	}
}

type iotest struct{ err error }

func (e iotest) Read([]byte) (int, error) { return 0, e.err }

// A live rtl_tcp input that hangs up is redialed (Reopen) and decoded on,
// here twice, until the duration is reached; without Reopen the run ends
// there.
func TestRunRedial(t *testing.T) {
	r, rec := newRig(t)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: rec.Data, WaitCommands: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	opt := iq.Options{SampleRate: r.meta.SampleRate, CenterFreq: r.meta.CenterFreq, Timeout: 5 * time.Second}
	src, err := iq.Open(srv.URL(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cfg := r.config()
	cfg.Reopen = func() (*iq.Source, error) { return iq.Open(srv.URL(), opt) }
	cfg.Redial = iq.RedialOptions{Min: 10 * time.Millisecond}
	n := int64(len(rec.Data) / 2)
	cfg.Duration = 2.5 * float64(n) / r.meta.SampleRate
	// Samples sees every chunk; burst reports count from the run's start.
	var seen int64
	var starts []int64
	cfg.Samples = func(x []complex64) { seen += int64(len(x)) }
	cfg.Receiver.OnBurst = func(b demod.Burst) { starts = append(starts, b.Start) }
	res, err := Run(context.Background(), src, cfg)
	if err != nil || res.Stop != DurationReached || res.Redials != 2 || res.Samples != int64(2.5*float64(n)) {
		t.Fatalf("result %+v, %v\n%s", res, err, r.logs.String())
	}
	perConnection := [3]int{}
	for _, s := range starts {
		if k := s / n; s >= 0 && k < 3 {
			perConnection[k]++
		} else {
			t.Errorf("burst at sample %d, past the run's %d", s, res.Samples)
		}
	}
	if seen != res.Samples || perConnection[0] == 0 || perConnection[1] != perConnection[0] || perConnection[2] == 0 {
		t.Errorf("Samples saw %d of %d samples; bursts per connection %v", seen, res.Samples, perConnection)
	}
	if srv.Connections() != 3 || r.found() != len(r.raws) || res.Receiver.Samples != res.Samples {
		t.Errorf("%d connections, %d of %d frames, receiver stats %+v", srv.Connections(), r.found(), len(r.raws), res.Receiver)
	}
	for _, want := range []string{"input lost; reconnecting", "msg=reconnected input=" + srv.URL() + " tuner=R820T"} {
		if strings.Count(r.logs.String(), want) != 2 {
			t.Errorf("log: %q not twice:\n%s", want, r.logs.String())
		}
	}

	r2, _ := newRig(t)
	src2, err := iq.Open(srv.URL(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	res, err = Run(context.Background(), src2, r2.config())
	if err != nil || res.Stop != ServerClosed || res.Samples != n || r2.found() != len(r2.raws) {
		t.Errorf("without Reopen: %+v, %v", res, err)
	}
}

// Cancelling the context unblocks a read that waits for a silent server,
// and a redial waiting for the next attempt.
func TestRunCancelLive(t *testing.T) {
	r, rec := newRig(t)
	srv, err := rtltcptest.Start(rtltcptest.Config{Data: rec.Data[:20000], Hold: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	opt := iq.Options{SampleRate: r.meta.SampleRate, Timeout: time.Minute}
	for _, reopen := range []bool{false, true} {
		src, err := iq.Open(srv.URL(), opt)
		if err != nil {
			t.Fatal(err)
		}
		cfg := r.config()
		if reopen {
			// The stall soon ends the stream; the redials then fail.
			src.Close()
			if src, err = iq.Open(srv.URL(), iq.Options{SampleRate: r.meta.SampleRate, Timeout: 200 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			cfg.Reopen = func() (*iq.Source, error) { return nil, errors.New("unreachable") }
			cfg.Redial = iq.RedialOptions{Min: 10 * time.Millisecond, Max: time.Hour}
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Add(1)
		var res Result
		go func() {
			defer wg.Done()
			res, err = Run(ctx, src, cfg)
		}()
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		cancel()
		wg.Wait()
		src.Close()
		if err != nil || res.Stop != Interrupted || res.Samples != 10000 || time.Since(start) > 5*time.Second {
			t.Errorf("reopen %v: %+v, %v after %v", reopen, res, err, time.Since(start))
		}
		if failed := strings.Contains(r.logs.String(), `msg="reconnect failed" input=rtl_tcp://`); failed != reopen {
			t.Errorf("reopen %v: failed redials logged: %v\n%s", reopen, failed, r.logs.String())
		}
	}
}

// The recording as cf32 (bit for bit its cu8 samples converted), and with
// Samples watching (then converted by Run, not the receiver), decodes to
// the same messages as its cu8 bytes, with one worker and two; Samples
// sees every sample.
func TestRunFormats(t *testing.T) {
	r, rec := newRig(t)
	x := make([]complex64, len(rec.Data)/2)
	iq.Decode(iq.CU8, x, rec.Data)
	cf32, _ := iq.Encode(iq.CF32, nil, x)
	var want []byte
	for _, c := range []struct {
		format  iq.Format
		data    []byte
		samples bool
	}{{iq.CU8, rec.Data, false}, {iq.CF32, cf32, false}, {iq.CU8, rec.Data, true}} {
		for _, workers := range []int{1, 2} {
			r.workers = workers
			cfg := r.config()
			var seen []complex64
			if c.samples {
				cfg.Samples = func(x []complex64) { seen = append(seen, x...) }
			}
			src, err := iq.NewSource("rec", bytes.NewReader(c.data), iq.Info{Format: c.format, SampleRate: r.meta.SampleRate,
				CenterFreq: r.meta.CenterFreq, Samples: int64(len(x))})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), src, cfg)
			if err != nil || res.Stop != EndOfInput || res.Samples != int64(len(x)) {
				t.Fatalf("%s workers=%d Samples=%v: %+v, %v", c.format, workers, c.samples, res, err)
			}
			for _, m := range r.msgs {
				m.Time = ""
			}
			got, _ := json.Marshal(r.msgs)
			if want == nil {
				want = got
			} else if !bytes.Equal(got, want) {
				t.Errorf("%s workers=%d Samples=%v: messages differ from cu8's with one worker:\n%s\nwant\n%s",
					c.format, workers, c.samples, got, want)
			}
			if c.samples && !slices.Equal(seen, x) {
				t.Errorf("workers=%d: Samples saw %d samples, not the recording's %d", workers, len(seen), len(x))
			}
		}
	}
	if r.found() != len(r.raws) {
		t.Errorf("%d of %d frames", r.found(), len(r.raws))
	}
}

// cancelAfter reads r and calls cancel once n bytes have been read.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n -= k; c.n <= 0 {
		c.cancel()
	}
	return k, err
}

// Cancelling a run of a recording mid-way (Ctrl-C), with one worker and
// with two (the recording then read ahead on a goroutine of its own): the
// run stops there, every message made is emitted and counted, and no
// goroutine is left behind.
func TestRunCancelRecording(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			r, rec := newRig(t)
			r.workers = workers
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			in := &cancelAfter{r: bytes.NewReader(rec.Data), n: 2 * chunk * 2, cancel: cancel}
			src, err := iq.NewSource("rec", in, iq.Info{Format: iq.CU8, SampleRate: r.meta.SampleRate,
				CenterFreq: r.meta.CenterFreq, Samples: int64(len(rec.Data) / 2)})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(ctx, src, r.config())
			if err != nil || res.Stop != Interrupted || res.Samples == 0 || res.Samples >= int64(len(rec.Data)/2) ||
				res.Messages != int64(len(r.msgs)) || res.Receiver.Messages != res.Messages {
				t.Errorf("result %+v, %v; %d messages emitted", res, err, len(r.msgs))
			}
			deadline := time.Now().Add(2 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines after the run, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}

// A Ctrl-C stops a run reading a pipe whose writer holds it open and
// sends nothing, at once and with either number of workers (before, the
// run waited for the writer).
func TestRunCancelQuietPipe(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			r, _ := newRig(t)
			r.workers = workers
			pr, pw := io.Pipe()
			defer pw.Close()
			src, err := iq.NewSource("-", pr, iq.Info{Kind: "stdin", Format: iq.CU8, SampleRate: r.meta.SampleRate,
				CenterFreq: r.meta.CenterFreq, Samples: -1})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			done := make(chan struct{})
			var res Result
			go func() {
				defer close(done)
				res, err = Run(ctx, src, r.config())
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Run still waits for a quiet pipe 5 s after the cancel")
			}
			if err != nil || res.Stop != Interrupted {
				t.Errorf("result %+v, %v; want stop %v", res, err, Interrupted)
			}
		})
	}
}
